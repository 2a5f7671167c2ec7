import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const WIRE = { outlet: 'Cursor Wire', url: 'https://cursor.example/1', title: 'People leave', language: 'en' };
const DESK = { outlet: 'Other Desk', url: 'https://cursor.example/2', title: 'Figures', language: 'en' };

interface Page {
  items: Array<Record<string, unknown> & { factId?: string; conflictId?: string; case?: string; id?: string; person?: string }>;
  next: string | null;
}
interface Problem {
  status: number;
  errors: Array<{ path: string; message: string }>;
}

/** One item's identity in whichever list it is. */
const idOf = (i: Page['items'][number]) =>
  String(i.conflictId ?? i.case ?? i.id ?? (i.person ? `${i.person}|${String(i.role)}` : undefined) ?? i.factId);

/**
 * A cursor names a page of one query: the list of one endpoint under one set of filters. Over HTTP (the controllers
 * and repositories in a Nest app, on read models rebuilt from a real Postgres log), every paged endpoint refuses a
 * cursor of another of its queries with a 400 on `cursor`, where it used to serve the other list cut at the foreign
 * sort key (skipping items silently); the same query in another format or language, or with another page size, goes
 * on from it.
 */
describe('report cursors are bound to their query (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;

  const { get, json } = reportsReader(() => base);
  const problem = async (path: string) => {
    const res = await get(path);
    expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({
      path,
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    return (await res.json()) as Problem;
  };
  const withCursor = (path: string, cursor: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
  /** Every item of a query, page by page (JSON). */
  const all = async (path: string, limit: number) => {
    const items: string[] = [];
    let page = await json<Page>(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}`);
    items.push(...page.items.map(idOf));
    while (page.next) {
      page = await json<Page>(withCursor(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}`, page.next));
      items.push(...page.items.map(idOf));
    }
    return items;
  };

  beforeAll(async () => {
    db = await createTestDatabase('report_cursors');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
    };
    const departed = (subject: string, organization: string, role: string, occurredAt: string, source = WIRE) =>
      append({ type: 'executive.departed', subject, occurredAt, sources: [source], data: { organization, role, roleCategory: 'c-suite' } });
    const figure = (type: 'revenue.reported' | 'financial.loss_reported', subject: string, amount: string, source = DESK) =>
      append({
        type,
        subject,
        occurredAt: '2024-02',
        sources: [source],
        data: { money: { amount, currency: 'USD' }, period: '2023', basis: 'actual' },
      });
    // org:cur-a has three departures (its first in January 2023), person:cur-b has one (January 2023: before org:cur-a's
    // second), org:cur-c one.
    await departed('person:cur-x', 'org:cur-a', 'Chief Executive Officer', '2023-01-10');
    await departed('person:cur-b', 'org:cur-c', 'Chief Technology Officer', '2023-01-15');
    await departed('person:cur-y', 'org:cur-a', 'Chief Financial Officer', '2023-03-01');
    await departed('person:cur-z', 'org:cur-a', 'Chief People Officer', '2023-05-01');
    // Two pairs of contradicting figures (two conflicts) at org:cur-a, one figure at org:cur-c.
    await figure('revenue.reported', 'org:cur-a', '1000000000');
    await figure('revenue.reported', 'org:cur-a', '2000000000', WIRE);
    await figure('financial.loss_reported', 'org:cur-a', '1000000000');
    await figure('financial.loss_reported', 'org:cur-a', '3000000000', WIRE);
    await figure('revenue.reported', 'org:cur-c', '5000000000');
    for (const c of ['case:cur-one', 'case:cur-two']) {
      await append({
        type: 'lawsuit.filed',
        subject: c,
        occurredAt: '2023-06',
        sources: [WIRE],
        data: { title: `Suit ${c}`, plaintiffs: ['person:cur-x'], defendants: ['org:cur-a'], claims: ['contract'] },
      });
    }
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'report-cursors-test', partitions: [0] });

    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const OTHER_QUERY = /^belongs to another query of this endpoint \(other filters\)/;

  it("given a cursor of org:cur-a's timeline on person:cur-b's, then 400 on cursor, not person:cur-b's timeline without its earliest item", async () => {
    // org:cur-a's first page ends at its March departure; person:cur-b's one item is dated January 15, before it: the
    // foreign cursor used to answer 200 with person:cur-b's timeline after March, its January item silently missing.
    const first = await json<Page>('/v1/reports/timeline?subject=org:cur-a&limit=2');
    expect(first.next).toBeTruthy();
    const refused = await problem(withCursor('/v1/reports/timeline?subject=person:cur-b&limit=2', first.next!));
    expect(refused.errors).toEqual([{ path: 'cursor', message: expect.stringMatching(OTHER_QUERY) }]);
    // Its own first page has it.
    expect((await json<Page>('/v1/reports/timeline?subject=person:cur-b')).items.map((i) => i.occurredAt)).toEqual(['2023-01-15']);
  });

  it.each([
    [
      'leadership',
      '/v1/reports/leadership?organization=org:cur-a&show=tenures',
      '/v1/reports/leadership?organization=org:cur-c&show=tenures',
    ],
    [
      'leadership (another view)',
      '/v1/reports/leadership?organization=org:cur-a&show=tenures',
      '/v1/reports/leadership?organization=org:cur-a',
    ],
    ['departures', '/v1/reports/departures?organization=org:cur-a', '/v1/reports/departures?organization=org:cur-c'],
    [
      'departures (a window added)',
      '/v1/reports/departures?organization=org:cur-a',
      '/v1/reports/departures?organization=org:cur-a&from=2023-02',
    ],
    ['lawsuits', '/v1/reports/lawsuits?party=org:cur-a', '/v1/reports/lawsuits?party=person:cur-b'],
    ['financials (another organization)', '/v1/reports/financials?organization=org:cur-a', '/v1/reports/financials?organization=org:cur-c'],
    ['financials (a metric)', '/v1/reports/financials?organization=org:cur-a', '/v1/reports/financials?organization=org:cur-a&metric=loss'],
    ['timeline (types)', '/v1/reports/timeline?subject=org:cur-a', '/v1/reports/timeline?subject=org:cur-a&types=executive.departed'],
    ['timeline (asOf)', '/v1/reports/timeline?subject=org:cur-a', '/v1/reports/timeline?subject=org:cur-a&asOf=2023-04'],
    ['timeline (modality)', '/v1/reports/timeline?subject=org:cur-a', '/v1/reports/timeline?subject=org:cur-a&modality=reported'],
    ['sources', '/v1/sources', '/v1/sources?outlet=Cursor%20Wire'],
    ['a source', `/v1/sources/${sourceIdOf(WIRE)}`, `/v1/sources/${sourceIdOf(WIRE)}?modality=reported`],
    ['conflicts', '/v1/reports/conflicts?subject=org:cur-a', '/v1/reports/conflicts?subject=org:cur-c'],
    ['conflicts (a kind)', '/v1/reports/conflicts?subject=org:cur-a', '/v1/reports/conflicts?subject=org:cur-a&kind=financial'],
    ['an entity', '/v1/entities/org:cur-a', '/v1/entities/org:cur-a?types=executive.departed'],
  ])(
    '%s: a cursor of one query is refused on another with 400 on cursor; on its own query it pages to the end',
    async (_what, query, other) => {
      const first = await json<Page>(`${query}${query.includes('?') ? '&' : '?'}limit=1`);
      expect({ query, next: first.next }).toEqual({ query, next: expect.any(String) });
      const refused = await problem(withCursor(`${other}${other.includes('?') ? '&' : '?'}limit=1`, first.next!));
      expect(refused.errors).toEqual([{ path: 'cursor', message: expect.stringMatching(OTHER_QUERY) }]);
      // The same query with its own cursor pages through everything, each item once.
      const paged = await all(query, 1);
      const whole = (await json<Page>(query)).items.map(idOf);
      expect(paged).toEqual(whole);
      expect(new Set(paged).size).toBe(paged.length);
    },
  );

  it('a cursor goes on across format, lang and limit: CSV, JSON and TimelineJS pages of one query share cursors', async () => {
    const path = '/v1/reports/timeline?subject=org:cur-a';
    const whole = (await json<Page>(path)).items.map((i) => i.factId);
    expect(whole.length).toBeGreaterThan(3);
    // First page as CSV (the cursor in X-Next-Cursor), the second as JSON in French, the third as TimelineJS, the
    // rest as CSV again with a bigger page: every item once, in order.
    const csvPage = await get(`${path}&limit=1&format=csv`);
    const firstSheet: string[][] = parse(await csvPage.text(), { record_delimiter: '\r\n' });
    const [header, ...rows] = firstSheet;
    const seen = rows.map((r) => r[header.indexOf('fact_id')]);
    const second = await json<Page>(withCursor(`${path}&limit=1&lang=fr`, csvPage.headers.get('x-next-cursor')!));
    seen.push(...second.items.map((i) => i.factId!));
    const tl = await get(withCursor(`${path}&limit=1&format=timelinejs`, second.next!));
    expect(tl.status).toBe(200);
    seen.push(...((await tl.json()) as { events: Array<{ unique_id: string }> }).events.map((e) => e.unique_id));
    const rest = await get(withCursor(`${path}&limit=1000&format=csv`, tl.headers.get('x-next-cursor')!), { accept: 'text/csv' });
    const restSheet: string[][] = parse(await rest.text(), { record_delimiter: '\r\n' });
    const [h2, ...r2] = restSheet;
    seen.push(...r2.map((r) => r[h2.indexOf('fact_id')]));
    expect(rest.headers.get('x-next-cursor')).toBeNull();
    expect(seen).toEqual(whole);
  });

  it('binds the filters as parsed: a list in another order, a date written another way, and a repeated parameter are the same query', async () => {
    const first = await json<Page>('/v1/reports/timeline?subject=org:cur-a&types=executive.departed,lawsuit.filed&from=2023&limit=1');
    for (const same of [
      '/v1/reports/timeline?subject=org:cur-a&types=lawsuit.filed,executive.departed&from=2023-01-01&limit=1',
      '/v1/reports/timeline?subject=org:cur-a&types=lawsuit.filed&types=executive.departed&from=2023-01&limit=1',
    ]) {
      expect((await get(withCursor(same, first.next!))).status).toBe(200);
    }
  });

  it('knownAt: a later page may repeat the instant its cursor pins, or leave it out; another instant is another query (400 on cursor)', async () => {
    const first = await json<Page>('/v1/reports/departures?organization=org:cur-a&limit=1');
    const pinned = (
      await json<{ knownAt: string | null }>(withCursor('/v1/reports/departures?organization=org:cur-a&limit=1', first.next!))
    ).knownAt!;
    expect(pinned).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await get(withCursor(`/v1/reports/departures?organization=org:cur-a&limit=1&knownAt=${pinned}`, first.next!))).status).toBe(
      200,
    );
    const refused = await problem(withCursor('/v1/reports/departures?organization=org:cur-a&limit=1&knownAt=2023-06-01', first.next!));
    expect(refused.errors).toEqual([
      { path: 'cursor', message: expect.stringMatching(/^belongs to another query: it reads the state as known at /) },
    ]);
  });

  it("given a cursor issued before cursors were bound to their query, then 400 on cursor saying to ask the first page again; another endpoint's is still not this one's", async () => {
    const first = await json<Page>('/v1/reports/timeline?subject=org:cur-a&limit=1');
    const [at, position, pinned] = JSON.parse(Buffer.from(first.next!, 'base64url').toString('utf8')) as unknown[];
    const legacy = Buffer.from(JSON.stringify([at, position, pinned, 'timeline'])).toString('base64url');
    expect((await problem(withCursor('/v1/reports/timeline?subject=org:cur-a&limit=1', legacy))).errors).toEqual([
      {
        path: 'cursor',
        message: expect.stringMatching(/^was issued before cursors were bound to their query.*ask the first page again without cursor$/),
      },
    ]);
    expect((await problem(withCursor('/v1/reports/departures?organization=org:cur-a', first.next!))).errors).toEqual([
      { path: 'cursor', message: 'is not a cursor this endpoint returned' },
    ]);
    // The first releases' cursors were the sort key alone: ["2023-01-01T00:00:00.000Z","19"], as departures issued it.
    expect((await problem('/v1/reports/departures?limit=1&cursor=WyIyMDIzLTAxLTAxVDAwOjAwOjAwLjAwMFoiLCIxOSJd')).errors).toEqual([
      {
        path: 'cursor',
        message: expect.stringMatching(/^was issued before cursors were bound to their query.*ask the first page again without cursor$/),
      },
    ]);
  });
});
