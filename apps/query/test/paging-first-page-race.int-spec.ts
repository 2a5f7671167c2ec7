import { INestApplication } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:first-page-race';
const TOPIC = 'first-page-race-test';

interface Page {
  knownAt: string | null;
  items: Array<{ factId: string }>;
  next: string | null;
}

/**
 * The fifty-eighth session's known limit: a first page read without knownAt checked whether the read models held
 * events past the feed watermark, then ran its query on the pool. A batch committing between the two showed on the
 * first page, while the instant its cursor pinned (the last one held whole at the check) left that batch out of the
 * pages after it. Here the batch commits exactly there, deterministically: from another connection, when the
 * departures report sends its page's query, in one transaction as the projector writes one (the read model's rows,
 * the feed's items, then the watermark).
 */
describe('a first page whose check and query a folded batch falls between (real Postgres, over HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let writer: DataSource;
  let app: INestApplication;
  let base: string;
  const first: string[] = [];
  const second: string[] = [];
  let firstEnd = '';
  /** The global position of the first batch's last event, and of the second's. */
  let firstPosition = '';
  let secondPosition = '';
  /** Set: the next page query of the departures report commits the second batch before it runs. */
  let armed = false;
  const reader = reportsReader(() => base);

  // Two batches whose departures interleave in valid-time order: the second's fall on every page.
  const departure = (n: number) =>
    toAppend({
      type: 'executive.departed',
      subject: `person:fpr-${String(n).padStart(3, '0')}`,
      occurredAt: `2023-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
      data: { organization: ORG, role: `Vice President ${n}`, roleCategory: 'other', reason: 'unknown' },
      sources: [{ outlet: 'Race Wire', language: 'en' }],
    });
  const pages = async () => {
    const seen: Page[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await reader.json<Page>(`/v1/reports/departures?organization=${ORG}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(page);
      cursor = page.next;
    } while (cursor);
    return { pages: seen, ids: seen.flatMap((p) => p.items.map((i) => i.factId)) };
  };

  /** Takes the second batch out of the read model and the feed (kept aside), the watermark back at the first's end. */
  const unfoldSecond = () =>
    writer.transaction(async (m) => {
      await m.query(`DROP TABLE IF EXISTS race_departures; DROP TABLE IF EXISTS race_feed_items`);
      await m.query(`CREATE TABLE race_departures AS SELECT * FROM read_model.departures WHERE fact_position > $1`, [firstPosition]);
      await m.query(`CREATE TABLE race_feed_items AS SELECT * FROM read_model.feed_items WHERE position > $1`, [firstPosition]);
      await m.query(`DELETE FROM read_model.departures WHERE fact_position > $1`, [firstPosition]);
      await m.query(`DELETE FROM read_model.feed_items WHERE position > $1`, [firstPosition]);
      await m.query(`UPDATE read_model.feed_watermark SET position = $1 WHERE id = 1`, [firstPosition]);
    });
  /** The second batch folded as the projector folds one: its rows and feed items in one transaction, then the watermark. */
  const foldSecond = async () => {
    await writer.transaction(async (m) => {
      await m.query(`INSERT INTO read_model.departures SELECT * FROM race_departures`);
      await m.query(`INSERT INTO read_model.feed_items SELECT * FROM race_feed_items`);
    });
    await writer.query(`UPDATE read_model.feed_watermark SET position = $1 WHERE id = 1`, [secondPosition]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('paging_first_page_race');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    writer = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    for (let n = 0; n < 30; n++) {
      const [stored] = await store.append(departure(n * 2));
      first.push(stored.eventId);
      firstEnd = stored.recordedAt;
      firstPosition = String(stored.globalPosition);
    }
    await pastMillisecondOf(firstEnd);
    for (let n = 0; n < 30; n++) {
      const [stored] = await store.append(departure(n * 2 + 1));
      second.push(stored.eventId);
      secondPosition = String(stored.globalPosition);
    }
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: TOPIC, partitions: [0] });
    // The hook: the departures page query, once armed, waits for the second batch to commit on the other connection.
    const query = ds.query.bind(ds);
    ds.query = async <T>(sql: string, parameters?: unknown[], runner?: QueryRunner): Promise<T> => {
      if (armed && sql.includes('FROM read_model.departures t WHERE')) {
        armed = false;
        await foldSecond();
      }
      return query(sql, parameters, runner);
    };
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await writer?.destroy();
    await db?.drop();
  });

  it('the first page and the pages after it list one state: every item once, the batch on none of them', async () => {
    await unfoldSecond();
    armed = true;
    const paged = await pages();
    expect(armed).toBe(false);
    // The first page read now (nothing was past the watermark when it looked) and pinned the first batch's end.
    expect(paged.pages.map((p) => p.knownAt)).toEqual([null, ...paged.pages.slice(1).map(() => new Date(firstEnd).toISOString())]);
    expect(paged.ids.sort()).toEqual([...first].sort());
    // The batch is there for a new first page: every event, each once.
    const again = await pages();
    expect(again.ids.sort()).toEqual([...first, ...second].sort());
  });
});
