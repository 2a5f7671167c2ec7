import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:paging-catching-up';
const TOPIC = 'paging-catching-up-test';

interface Page {
  knownAt: string | null;
  items: Array<{ factId: string }>;
  next: string | null;
}

/**
 * t26: a departures report paged while the projector caught up (a batch of 1,000 folded by partitions at different
 * speeds) pinned the recording time of the feed's last item, in the middle of the batch: the pages after the first
 * read that instant while part of what was recorded before it was not folded yet, ended early, and the same knownAt
 * asked again later answered hundreds more. The read models holding events past the feed watermark is that state:
 * here a rebuild folds two batches, and the watermark is set back to the first's end.
 */
describe('reports paged while the read models hold events past the feed watermark (real Postgres, over HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const first: string[] = [];
  const second: string[] = [];
  /** The recording time of the first batch's last event, to the millisecond. */
  let firstEnd = '';
  const reader = reportsReader(() => base);

  const departure = (n: number) =>
    toAppend({
      type: 'executive.departed',
      subject: `person:pcu-${String(n).padStart(3, '0')}`,
      occurredAt: `2023-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
      data: { organization: ORG, role: `Vice President ${n}`, roleCategory: 'other', reason: 'unknown' },
      sources: [{ outlet: 'Paging Wire', language: 'en' }],
    });
  /** Every page of the departures report from `query` on: the knownAt each page claims and every item's id. */
  const pages = async (query: string) => {
    const seen: Page[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await reader.json<Page>(
        `/v1/reports/departures?organization=${ORG}&limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(page);
      cursor = page.next;
    } while (cursor);
    return { knownAts: [...new Set(seen.map((p) => p.knownAt))], ids: seen.flatMap((p) => p.items.map((i) => i.factId)) };
  };
  const setWatermark = (position: string) => ds.query(`UPDATE read_model.feed_watermark SET position = $1 WHERE id = 1`, [position]);

  beforeAll(async () => {
    db = await createTestDatabase('paging_catching_up');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    for (let n = 0; n < 30; n++) {
      const [stored] = await store.append(departure(n));
      first.push(stored.eventId);
      firstEnd = stored.recordedAt;
    }
    await pastMillisecondOf(firstEnd);
    for (let n = 30; n < 60; n++) second.push((await store.append(departure(n)))[0].eventId);
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: TOPIC, partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('every page reads the last instant the read models hold whole, and that knownAt answers the same later', async () => {
    const [{ position }] = await ds.query(`SELECT global_position::text AS position FROM event_store.events WHERE event_id = $1`, [
      first[first.length - 1],
    ]);
    const [{ end }] = await ds.query(`SELECT position::text AS end FROM read_model.feed_watermark WHERE id = 1`);
    await setWatermark(position);
    try {
      const paged = await pages('');
      const instant = new Date(firstEnd).toISOString();
      // One state, claimed by every page, first included: the first batch whole, none of the second, none twice.
      expect(paged.knownAts).toEqual([instant]);
      expect(paged.ids.sort()).toEqual([...first].sort());
      // The same knownAt asked again, the watermark still behind: the same answer.
      expect((await pages(`&knownAt=${instant}`)).ids.sort()).toEqual([...first].sort());
      await setWatermark(end);
      // Caught up: the instant claimed then still answers what it answered.
      expect((await pages(`&knownAt=${instant}`)).ids.sort()).toEqual([...first].sort());
    } finally {
      await setWatermark(end);
    }
  });

  it('caught up, a first page reads now and the pages after it every event, each once', async () => {
    const paged = await pages('');
    expect(paged.knownAts[0]).toBeNull();
    expect(paged.ids.sort()).toEqual([...first, ...second].sort());
    expect(new Set(paged.ids).size).toBe(60);
  });
});
