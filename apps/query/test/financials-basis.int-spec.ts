import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { startReportsApp } from './support/reports-app.harness';

const SOURCE = { outlet: 'Basis Wire', url: 'https://basis.example/1', title: 'Figures', language: 'en' };
const ORG = 'org:basis-acme';
const NBSP = '\u00a0';

interface Points {
  items: Array<{ metric: string; basis: string; amount: string | null; count: number | null }>;
}
interface Problem {
  status: number;
  errors: Array<{ path: string; message: string }>;
}

/**
 * The financials report as a user sees it over HTTP (the controllers and repositories in a Nest app, on read models
 * rebuilt from a real Postgres log): a basis the asked metric cannot have is a 400 naming `basis`, not an empty
 * series that reads as "no data"; and a headcount's functions come out largest first, not in jsonb's key order.
 */
describe('financials: a basis typo is a 400; headcount functions by size (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;

  const get = (path: string) => fetch(`${base}${path}`);

  beforeAll(async () => {
    db = await createTestDatabase('financials_basis');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = (e: Parameters<typeof toAppend>[0]) => store.append(toAppend(e));
    await append({
      type: 'revenue.reported',
      subject: ORG,
      occurredAt: '2024-10',
      sources: [SOURCE],
      data: { money: { amount: '3700000000', currency: 'USD' }, period: '2024', basis: 'projected' },
    });
    await append({
      type: 'revenue.target_set',
      subject: ORG,
      occurredAt: '2024-10',
      sources: [SOURCE],
      data: { money: { amount: '100000000000', currency: 'USD' }, targetPeriod: '2029' },
    });
    // Sent research first; jsonb keeps shorter keys first, so the stored event reads {"sales": 1, "research": 400}.
    await append({
      type: 'headcount.reported',
      subject: ORG,
      occurredAt: '2024-11',
      sources: [SOURCE],
      data: { total: 1000, byFunction: { research: 400, sales: 1 } },
    });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'financials-basis-test', partitions: [0] });

    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it.each([
    ['revenue', 'target', '"target" is not a basis of revenue: allowed actual, annualized, projected'],
    ['revenue', 'foo', '"foo" is not a basis of revenue: allowed actual, annualized, projected'],
    ['loss', 'annualized', '"annualized" is not a basis of loss: allowed actual, projected, cumulative_projected'],
    ['revenue_target', 'projected', '"projected" is not a basis of revenue_target: allowed target'],
  ])(
    'given metric=%s&basis=%s, then 400 problem+json naming basis with the allowed values (JSON and CSV alike)',
    async (metric, basis, message) => {
      for (const format of ['json', 'csv']) {
        const res = await get(`/v1/reports/financials?organization=${ORG}&metric=${metric}&basis=${basis}&format=${format}`);
        expect({ format, status: res.status, type: res.headers.get('content-type') }).toEqual({
          format,
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
        expect(((await res.json()) as Problem).errors).toEqual([{ path: 'basis', message }]);
      }
    },
  );

  it.each([
    ['a basis of the metric', 'metric=revenue&basis=projected', [['revenue', 'projected']]],
    ['the target', 'metric=revenue_target&basis=target', [['revenue_target', 'target']]],
    ['a headcount function', 'metric=headcount&basis=research', [['headcount', 'research']]],
    ['a known basis without metric', 'basis=target', [['revenue_target', 'target']]],
    // Without metric a basis no other metric has may be a headcount function: answered, not refused.
    ['a headcount function without metric', 'basis=sales', [['headcount', 'sales']]],
    ['a name without metric that is no function on record: an empty series', 'basis=foo', []],
  ])('given %s, then 200 with its points', async (_what, query, expected) => {
    const res = await get(`/v1/reports/financials?organization=${ORG}&${query}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Points).items.map((p) => [p.metric, p.basis])).toEqual(expected);
  });

  it('renders a headcount breakdown largest first, in English and French, whatever order jsonb keeps its keys in', async () => {
    const headlines = async (lang: string) =>
      (
        (await (await get(`/v1/reports/timeline?subject=${ORG}&types=headcount.reported&lang=${lang}`)).json()) as {
          items: Array<{ headline: string }>;
        }
      ).items.map((i) => i.headline);
    expect(await headlines('en')).toEqual(['Basis Acme reports headcount of 1,000 (research: 400, sales: 1)']);
    expect(await headlines('fr')).toEqual([`Basis Acme compte 1\u202f000${NBSP}employés (research${NBSP}: 400, sales${NBSP}: 1)`]);
    // The financials report lists one point per function, in the series' own order (period, fact, then the point's
    // name: the functions by name, the total last), the same whatever order the event's keys came in.
    const points = (await (await get(`/v1/reports/financials?organization=${ORG}&metric=headcount`)).json()) as Points;
    expect(points.items.map((p) => [p.basis, p.count])).toEqual([
      ['research', 400],
      ['sales', 1],
      ['total', 1000],
    ]);
  });
});
