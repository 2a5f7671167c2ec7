import { randomUUID } from 'node:crypto';
import { halfYearLossEnvelope, pollUntil, SseClient, type FeedItem } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

interface ConflictUpdate {
  conflictId: string;
  change: 'opened' | 'closed';
  closedBy: string | null;
  eventIds: string[];
}
type Item = FeedItem & { conflictsWith: string[]; conflictUpdates?: ConflictUpdate[] };
interface Side {
  eventId: string;
  value: { amount?: string | null; currency?: string | null; status?: string };
  sources: Array<{ outlet: string }>;
}
interface Conflict {
  conflictId: string;
  kind: string;
  subject: string;
  fields: string[];
  status: 'open' | 'resolved';
  openedAt: string;
  openedEventId: string;
  closedAt: string | null;
  resolution: { by: string; eventId: string; standingEventId: string | null; reason: string | null } | null;
  sides: Side[];
}
interface Point {
  factId: string;
  conflictsWith: string[];
}
interface Problem {
  code: string;
  errors?: Array<{ path: string }>;
}

/**
 * Contradictions through the public API: two outlets give different losses for the same half-year, the conflict
 * opens, is listed with both sides, marks both report items and feed items, and a live feed frame says so; an
 * editor resolves it with a reason; a third outlet's figure opens another conflict that a retraction closes.
 */
describe('conflicts: two outlets disagree, the report, conflictsWith, the feed, resolution and retraction (e2e)', () => {
  let stack: TestStack;
  let ingest: string;
  let query: string;
  let sse: SseClient;
  const organization = `org:conflict-${randomUUID().slice(0, 8)}`;
  const loss = (amount: string, outlet: string) => halfYearLossEnvelope(organization, amount, outlet);
  const first = loss('5000000000', 'Example Daily');
  const second = loss('3000000000', 'Second Wire');
  const third = loss('4000000000', 'Rumour Mill');
  let conflictId = '';

  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${query}${path}`)).json()) as T;
  const conflicts = (params = '') => get<{ items: Conflict[] }>(`/v1/reports/conflicts?subject=${organization}${params}`);
  const resolve = (id: string, body: unknown, headers: Record<string, string> = {}, key: string = stack.key) =>
    post(`${ingest}/v1/conflicts/${id}/resolution`, body, key, headers);
  const items = () => sse.items as Item[];

  beforeAll(async () => {
    stack = await startStack('conflicts');
    ingest = stack.apps.ingest.url;
    query = stack.apps.query.url;
    sse = await SseClient.connect(`${query}/v1/feed/stream?subjects=${organization}`);
    for (const e of [first, second]) expect((await post(`${ingest}/v1/events`, e, stack.key)).status).toBe(201);
  });
  afterAll(async () => {
    sse?.close();
    await stack?.stop();
  });

  it('opens a conflict between the two figures and lists it with both sides, their values and sources', async () => {
    const report = await pollUntil(async () => ((await conflicts()).items.length ? conflicts() : null), {
      timeoutMs: 30000,
      what: 'the conflict to open',
    });
    expect(report.items).toHaveLength(1);
    const [c] = report.items;
    conflictId = c.conflictId;
    expect(c).toMatchObject({
      kind: 'financial',
      subject: organization,
      fields: ['amount'],
      status: 'open',
      closedAt: null,
      resolution: null,
    });
    expect(c.sides.map((s) => [s.eventId, s.value.amount, s.sources[0].outlet])).toEqual([
      [first.id, '5000000000', 'Example Daily'],
      [second.id, '3000000000', 'Second Wire'],
    ]);
    expect((await conflicts('&status=resolved')).items).toEqual([]);
  });

  it('marks both figures with conflictsWith in the financials report and the feed', async () => {
    const points = await get<{ items: Point[] }>(`/v1/reports/financials?organization=${organization}&metric=loss`);
    expect(points.items.map((p) => [p.factId, p.conflictsWith])).toEqual([
      [first.id, [conflictId]],
      [second.id, [conflictId]],
    ]);
    const feed = await get<{ items: Item[] }>(`/v1/feed?subjects=${organization}`);
    expect(feed.items.map((i) => [i.eventId, i.conflictsWith])).toEqual([
      [first.id, [conflictId]],
      [second.id, [conflictId]],
    ]);
  });

  it('pushes the opening on the live feed: the second figure frame carries the opened conflict', async () => {
    const frame = await pollUntil(() => items().find((i) => i.eventId === second.id), {
      timeoutMs: 30000,
      what: 'the second figure frame',
    });
    expect(frame.conflictUpdates).toEqual([{ conflictId, change: 'opened', closedBy: null, eventIds: [first.id, second.id] }]);
  });

  it('refuses a resolution without a key (401), naming an unknown fact (404), with a bad body (400 with the field paths), of an unknown conflict (404)', async () => {
    expect((await resolve(conflictId, { standingEventId: first.id, reason: 'x' }, {}, '')).status).toBe(401);
    const notASide = await resolve(conflictId, { standingEventId: randomUUID(), reason: 'x' });
    expect(notASide.status).toBe(404);
    const badBody = await resolve(conflictId, { standingEventId: 'nope' });
    expect(badBody.status).toBe(400);
    expect((badBody.body as Problem).errors?.map((e) => e.path).sort()).toEqual(['reason', 'standingEventId']);
    const unknown = await resolve(randomUUID(), { standingEventId: first.id, reason: 'x' });
    expect(unknown.status).toBe(404);
    expect((unknown.body as Problem).code).toBe('CONFLICT.NOT_FOUND');
  });

  it('records an editor resolution (201; the same Idempotency-Key again 200), which closes the conflict with its reason', async () => {
    const key = randomUUID();
    const body = { standingEventId: first.id, reason: 'the audited accounts say 5 billion' };
    const created = await resolve(conflictId, body, { 'idempotency-key': key });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: key,
      type: 'conflict.resolved',
      subject: organization,
      data: { conflictId, standingEventId: first.id, otherEventId: second.id },
    });
    expect((await resolve(conflictId, body, { 'idempotency-key': key })).status).toBe(200);
    const report = await pollUntil(
      async () => ((await conflicts('&status=resolved')).items.length ? conflicts('&status=resolved') : null),
      {
        timeoutMs: 30000,
        what: 'the conflict to be resolved',
      },
    );
    expect(report.items[0]).toMatchObject({
      conflictId,
      status: 'resolved',
      resolution: { by: 'editor', eventId: key, standingEventId: first.id, reason: 'the audited accounts say 5 billion' },
    });
    expect(report.items[0].closedAt).not.toBeNull();
    // knownAt before the resolution: still open then.
    const before = await conflicts(`&knownAt=${encodeURIComponent(report.items[0].openedAt)}`);
    expect(before.items[0]).toMatchObject({ conflictId, status: 'open', resolution: null });
    const frame = await pollUntil(() => items().find((i) => i.eventId === key), { timeoutMs: 30000, what: 'the resolution frame' });
    expect(frame).toMatchObject({ type: 'conflict.resolved', targetEventId: first.id, conflictsWith: [] });
    expect(frame.conflictUpdates).toEqual([{ conflictId, change: 'closed', closedBy: 'editor', eventIds: [first.id, second.id] }]);
  });

  it('opens another conflict for a third figure and closes it when that figure is retracted', async () => {
    expect((await post(`${ingest}/v1/events`, third, stack.key)).status).toBe(201);
    const open = await pollUntil(async () => ((await conflicts('&status=open')).items.length === 2 ? conflicts('&status=open') : null), {
      timeoutMs: 30000,
      what: 'two conflicts of the third figure',
    });
    const mine = open.items.map((c) => c.conflictId);
    expect(open.items.map((c) => c.sides[1].eventId)).toEqual([third.id, third.id]);
    const retraction = await post(`${ingest}/v1/events/${third.id}/retractions`, { reason: 'the outlet withdrew the figure' }, stack.key);
    expect(retraction.status).toBe(201);
    await pollUntil(async () => (await conflicts('&status=open')).items.length === 0, {
      timeoutMs: 30000,
      what: 'the retraction to close them',
    });
    const closed = (await conflicts('&status=resolved')).items.filter((c) => mine.includes(c.conflictId));
    expect(closed.map((c) => c.resolution)).toEqual([
      expect.objectContaining({ by: 'retraction', standingEventId: null, reason: 'the outlet withdrew the figure' }),
      expect.objectContaining({ by: 'retraction', standingEventId: null, reason: 'the outlet withdrew the figure' }),
    ]);
    const frame = await pollUntil(() => items().find((i) => i.type === 'event.retracted' && i.targetEventId === third.id), {
      timeoutMs: 30000,
      what: 'the retraction frame',
    });
    expect(frame.conflictUpdates?.map((u) => [u.change, u.closedBy]).sort()).toEqual([
      ['closed', 'retraction'],
      ['closed', 'retraction'],
    ]);
  });

  it("opens the editor's resolved conflict again when a correction changes the standing figure and the sides still disagree; the editor can decide again", async () => {
    const correction = await post<{ id: string }>(
      `${ingest}/v1/events/${first.id}/corrections`,
      { changes: { data: { money: { amount: '5500000000', currency: 'USD' } } }, reason: 'restated' },
      stack.key,
    );
    expect(correction.status).toBe(201);
    const reopened = await pollUntil(async () => (await conflicts('&status=open')).items.find((c) => c.conflictId === conflictId) ?? null, {
      timeoutMs: 30000,
      what: 'the conflict to open again',
    });
    expect(reopened).toMatchObject({ status: 'open', resolution: null, openedEventId: correction.body.id });
    expect(reopened.sides.map((s) => s.eventId)).toEqual([first.id, second.id]);
    const again = await resolve(conflictId, { standingEventId: second.id, reason: 'the restatement is not sourced' }, {});
    expect(again.status).toBe(201);
    const decided = await pollUntil(
      async () =>
        (await conflicts('&status=resolved')).items.find((c) => c.resolution?.eventId === (again.body as { id: string }).id) ?? null,
      { timeoutMs: 30000, what: 'the second decision' },
    );
    expect(decided).toMatchObject({ openedEventId: correction.body.id, resolution: { by: 'editor', standingEventId: second.id } });
    // Just before the reopening, the conflict is as it stood then: the first decision, on the first opening.
    const before = await conflicts(`&knownAt=${new Date(Date.parse(reopened.openedAt) - 1).toISOString()}`);
    expect(before.items.find((c) => c.conflictId === conflictId)).toMatchObject({
      status: 'resolved',
      openedEventId: second.id,
      resolution: { by: 'editor', standingEventId: first.id, reason: 'the audited accounts say 5 billion' },
    });
    // A subscriber connected throughout got each opening and closing: the reopening and the second decision too.
    const frames = await pollUntil(
      () => {
        const updates = items().flatMap((i) => (i.conflictUpdates ?? []).filter((u) => u.conflictId === conflictId));
        return updates.length === 4 ? updates.map((u) => [u.change, u.closedBy]) : null;
      },
      { timeoutMs: 30000, what: 'the reopening and the second decision frames' },
    );
    expect(frames).toEqual([
      ['opened', null],
      ['closed', 'editor'],
      ['opened', null],
      ['closed', 'editor'],
    ]);
  });

  it('resumes the stream from Last-Event-ID with every conflict frame once', async () => {
    const resumed = await SseClient.connect(`${query}/v1/feed/stream?subjects=${organization}`, { 'last-event-id': items()[0].position });
    await pollUntil(() => resumed.items.length === items().length - 1, { timeoutMs: 30000, what: 'the resumed frames' });
    resumed.close();
    expect(resumed.items.map((i) => i.position)).toEqual(
      items()
        .slice(1)
        .map((i) => i.position),
    );
    // The history a resumed subscriber reads has each conflict change the connected one got, a reopened conflict's
    // first opening and decision included.
    expect((resumed.items as Item[]).map((i) => i.conflictUpdates ?? [])).toEqual(
      items()
        .slice(1)
        .map((i) => i.conflictUpdates ?? []),
    );
  });

  it("records a second outlet's rival outcome of a case (dismissed where another said settled, same day) and lists the pair as a conflict", async () => {
    const subject = `case:rival-${randomUUID().slice(0, 8)}`;
    const step = (status: string, outlet: string) => ({
      type: 'lawsuit.status_changed',
      subject,
      occurredAt: '2024-05-20',
      data: { status },
      sources: [{ outlet, language: 'en' }],
    });
    const filed = {
      type: 'lawsuit.filed',
      subject,
      occurredAt: '2024-01-10',
      data: { title: 'Rival v. Accounts', plaintiffs: ['org:rival-plaintiff'], defendants: [organization], claims: ['fraud'] },
      sources: [{ outlet: 'Example Daily', language: 'en' }],
    };
    for (const e of [filed, step('settled', 'Example Daily'), step('dismissed', 'Second Wire')]) {
      expect((await post(`${ingest}/v1/events`, e, stack.key)).status).toBe(201);
    }
    // A later step that is not an appeal still finds the case closed.
    const later = await post<Problem>(`${ingest}/v1/events`, { ...step('amended', 'Example Daily'), occurredAt: '2024-07' }, stack.key);
    expect(later.status).toBe(422);
    expect(later.body.code).toBe('CASE.CLOSED');
    const rival = await pollUntil(
      async () => (await get<{ items: Conflict[] }>(`/v1/reports/conflicts?subject=${subject}&status=open`)).items[0] ?? null,
      { timeoutMs: 30000, what: 'the rival outcomes as a conflict' },
    );
    expect(rival).toMatchObject({ kind: 'lawsuit', fields: ['status'] });
    expect(rival.sides.map((s) => s.value.status)).toEqual(['settled', 'dismissed']);
  });

  it('documents the resolution endpoint and the conflicts report in the OpenAPI documents', async () => {
    const ingestDoc = (await (await fetch(`${ingest}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(ingestDoc.paths)).toContain('/v1/conflicts/{id}/resolution');
    const queryDoc = (await (await fetch(`${query}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(queryDoc.paths)).toContain('/v1/reports/conflicts');
    expect(JSON.stringify(queryDoc)).toContain('conflictsWith');
  });
});
