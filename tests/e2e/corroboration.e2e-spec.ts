import { randomUUID } from 'node:crypto';
import { departedEnvelope, pollUntil } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

interface Corroboration {
  outlets: number;
  confirms: number;
  denies: number;
  firstReportedAt: string | null;
  latestReportedAt: string | null;
}
interface FeedItem {
  eventId: string;
  type: string;
  targetEventId?: string;
  headline: string;
  corroboration: Corroboration;
}
interface Departure {
  factId: string;
  corroboration: Corroboration;
}
interface Problem {
  code: string;
}

/**
 * Corroboration through the public API: a fact on record, then a confirming outlet, a syndicated copy of it and a
 * denying outlet attached with POST /v1/events/{id}/sources; reports and the feed count them; minOutlets filters.
 */
describe('corroboration: attached sources, counts in reports and the feed, minOutlets (e2e)', () => {
  let stack: TestStack;
  let ingest: string;
  let query: string;
  const organization = `org:corrob-${randomUUID().slice(0, 8)}`;
  const fact = departedEnvelope({ subject: `person:corrob-${randomUUID().slice(0, 8)}` });
  const single = departedEnvelope({ subject: `person:single-${randomUUID().slice(0, 8)}` });
  fact.data = { ...fact.data, organization };
  single.data = { ...single.data, organization };

  const attach = (id: string, body: unknown, headers: Record<string, string> = {}, key: string = stack.key) =>
    post(`${ingest}/v1/events/${id}/sources`, body, key, headers);
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${query}${path}`)).json()) as T;
  const departures = (params = '') => get<{ items: Departure[] }>(`/v1/reports/departures?organization=${organization}${params}`);
  const confirming = {
    source: { outlet: 'Second Wire', language: 'en', url: 'https://wire.example/a', publishedAt: '2024-09-26' },
    stance: 'confirms',
  };
  const syndicated = {
    source: { outlet: 'Regional Herald', language: 'en', via: 'Second Wire', publishedAt: '2024-09-27' },
    stance: 'confirms',
  };
  const denying = { source: { outlet: 'Skeptic Post', language: 'fr', publishedAt: '2024-10-01' }, stance: 'denies' };

  beforeAll(async () => {
    stack = await startStack('corroboration');
    ingest = stack.apps.ingest.url;
    query = stack.apps.query.url;
    for (const e of [fact, single]) expect((await post(`${ingest}/v1/events`, e, stack.key)).status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('records an attached source as event.sourced (201), a retry with the same Idempotency-Key as a duplicate (200), other content 409', async () => {
    const key = randomUUID();
    const created = await attach(fact.id, confirming, { 'idempotency-key': key });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: key,
      type: 'event.sourced',
      subject: fact.subject,
      data: { targetEventId: fact.id, stance: 'confirms' },
    });
    const again = await attach(fact.id, confirming, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: key, status: 'duplicate' });
    expect((await attach(fact.id, denying, { 'idempotency-key': key })).status).toBe(409);
    expect((await attach(fact.id, syndicated)).status).toBe(201);
    expect((await attach(fact.id, denying)).status).toBe(201);
  });

  it('answers 404 for an unknown target, 422 for a retracted one, 400 for a bad stance, 401 without a key', async () => {
    const unknown = await attach(randomUUID(), confirming);
    expect(unknown.status).toBe(404);
    const retractable = departedEnvelope();
    expect((await post(`${ingest}/v1/events`, retractable, stack.key)).status).toBe(201);
    expect((await post(`${ingest}/v1/events/${retractable.id}/retractions`, { reason: 'wrong' }, stack.key)).status).toBe(201);
    const retracted = await attach(retractable.id, confirming);
    expect(retracted.status).toBe(422);
    expect((retracted.body as Problem).code).toBe('EVENT.RETRACTED');
    expect((await attach(fact.id, { ...confirming, stance: 'maybe' })).status).toBe(400);
    expect((await attach(fact.id, confirming, {}, '')).status).toBe(401);
  });

  it('shows the counts in a report: 3 distinct outlets (the syndicated copy counts once), 2 confirm, 1 denies', async () => {
    const expected = { outlets: 3, confirms: 2, denies: 1 };
    // Both facts: `single` is on a partition of its own, which the projector may apply after the attachments' one.
    await pollUntil(
      async () => {
        const items = (await departures()).items;
        return items.find((d) => d.factId === fact.id)?.corroboration.denies === 1 && items.some((d) => d.factId === single.id);
      },
      { timeoutMs: 30000, what: 'the departure to show its attached sources, and the other departure' },
    );
    const report = await departures();
    expect(report.items.find((d) => d.factId === fact.id)?.corroboration).toMatchObject(expected);
    expect(report.items.find((d) => d.factId === single.id)?.corroboration).toMatchObject({ outlets: 1, confirms: 1, denies: 0 });
    const timeline = await get<{ items: Departure[] }>(`/v1/reports/timeline?subject=${fact.subject}`);
    expect(timeline.items.find((d) => d.factId === fact.id)?.corroboration).toMatchObject(expected);
  });

  it('filters every report with minOutlets', async () => {
    expect((await departures('&minOutlets=3')).items.map((d) => d.factId)).toEqual([fact.id]);
    expect((await departures('&minOutlets=4')).items).toEqual([]);
    expect((await departures('&minOutlets=1')).items.map((d) => d.factId).sort()).toEqual([fact.id, single.id].sort());
    const leadership = await get<{ items: unknown[] }>(`/v1/reports/leadership?organization=${organization}&show=tenures&minOutlets=3`);
    expect(leadership.items).toHaveLength(1);
    const bad = await fetch(`${query}/v1/reports/departures?minOutlets=zero`);
    expect(bad.status).toBe(400);
  });

  it('pushes the change in the feed: each event.sourced item names its target and carries the updated counts', async () => {
    const feed = await get<{ items: FeedItem[] }>(`/v1/feed?subjects=${fact.subject}`);
    const sourced = feed.items.filter((i) => i.type === 'event.sourced');
    expect(sourced.map((i) => [i.targetEventId, i.corroboration.outlets, i.corroboration.denies])).toEqual([
      [fact.id, 2, 0],
      [fact.id, 2, 0],
      [fact.id, 3, 1],
    ]);
    expect(sourced[2].headline).toMatch(/^Skeptic Post denies: /);
    expect(feed.items.find((i) => i.eventId === fact.id)?.corroboration).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
  });

  it("gives a correction of the fact the fact's outlets in the feed, not the correction's own (none)", async () => {
    const corrected = await post(
      `${ingest}/v1/events/${fact.id}/corrections`,
      { changes: { occurredAt: '2024-09-26' }, reason: 'the day' },
      stack.key,
    );
    expect(corrected.status).toBe(201);
    const id = (corrected.body as { id: string }).id;
    let item: FeedItem | undefined;
    await pollUntil(
      async () => {
        item = (await get<{ items: FeedItem[] }>(`/v1/feed?subjects=${fact.subject}`)).items.find((i) => i.eventId === id);
        return item !== undefined;
      },
      { timeoutMs: 30_000, what: 'the correction in the feed' },
    );
    expect(item?.corroboration).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
  });

  it('counts an outlet once however it is typed, and a story attached twice has its latest word on /v1/sources', async () => {
    const org = `org:typed-${randomUUID().slice(0, 8)}`;
    const typed = departedEnvelope({ subject: `person:typed-${randomUUID().slice(0, 8)}`, sources: [{ outlet: "L'Obs", language: 'fr' }] });
    typed.data = { ...typed.data, organization: org };
    expect((await post(`${ingest}/v1/events`, typed, stack.key)).status).toBe(201);
    const flip = { outlet: 'T3 Flip', url: `https://flip.example/${randomUUID()}`, language: 'en' };
    expect((await attach(typed.id, { source: { outlet: 'L\u2019Obs', language: 'fr' }, stance: 'confirms' })).status).toBe(201);
    expect((await attach(typed.id, { source: flip, stance: 'denies' })).status).toBe(201);
    expect((await attach(typed.id, { source: flip, stance: 'confirms' })).status).toBe(201);
    // One spelling of the outlet in capitals and doubled spaces: the same outlet, the same story.
    expect((await attach(typed.id, { source: { ...flip, outlet: 't3  FLIP' }, stance: 'confirms' })).status).toBe(201);
    let item: Departure | undefined;
    await pollUntil(
      async () => {
        item = (await get<{ items: Departure[] }>(`/v1/reports/departures?organization=${org}`)).items[0];
        return item?.corroboration.confirms === 2;
      },
      { timeoutMs: 30_000, what: 'the attached sources in the departures report' },
    );
    // L'Obs and L’Obs are one outlet; T3 Flip's latest word confirms.
    expect(item?.corroboration).toMatchObject({ outlets: 2, confirms: 2, denies: 0 });
    type Story = { id: string; outlet: string };
    let stories: Story[] = [];
    await pollUntil(async () => (stories = (await get<{ items: Story[] }>('/v1/sources?outlet=t3%20flip&limit=1000')).items).length > 0, {
      timeoutMs: 30_000,
      what: 'the story under its outlet',
    });
    const mine = stories.filter((st) => st.outlet === 'T3 Flip');
    expect(mine).toHaveLength(1);
    const page = await get<{ outlet: string; items: Array<{ factId: string; stance: string }> }>(`/v1/sources/${mine[0].id}`);
    expect(page.outlet).toBe('T3 Flip');
    expect(page.items.map((i) => [i.factId, i.stance])).toEqual([[typed.id, 'confirms']]);
  });

  it('documents the endpoint, the stance and via in the OpenAPI documents, and minOutlets on the reports', async () => {
    const ingestDoc = (await (await fetch(`${ingest}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(ingestDoc.paths)).toContain('/v1/events/{id}/sources');
    const queryDoc = JSON.stringify(await (await fetch(`${query}/docs/openapi.json`)).json());
    expect(queryDoc).toContain('minOutlets');
    expect(queryDoc).toContain('firstReportedAt');
  });
});
