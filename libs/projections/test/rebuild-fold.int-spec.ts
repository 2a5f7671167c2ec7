import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, FEED_CHANNEL, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import {
  amendmentAppend,
  laterCorrections,
  laterEnvelopes,
  seedEnvelopes,
  storyAppends,
  toAppend,
} from '../../../tests/fixtures/story.fixture';

const TABLES = createProjections().flatMap((p) => p.tables ?? []);

/**
 * The rebuild's fold: groups of read models folded side by side over shared pages give the same tables as one
 * group folding everything, and an event one read model cannot take is set aside for that model only.
 */
describe('rebuild fold: groups side by side, bad events set aside (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const poisonId = randomUUID();

  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await ds.query(`SELECT * FROM read_model.${t} t ORDER BY t::text`);
    return out;
  };
  const rebuild = (concurrency: number, batchSize: number) =>
    new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'fold-test', partitions: [0], concurrency, batchSize });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_fold');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    // A departure without a role: the feed and the timeline take it, leadership and departures (role NOT NULL) cannot.
    await store.append(
      toAppend({
        id: poisonId,
        type: 'executive.departed',
        subject: 'person:no-role',
        occurredAt: '2025-01',
        data: { organization: 'org:openai', roleCategory: 'other' },
        sources: [{ outlet: 'Odd Wire', language: 'en' }],
      }),
    );
    await store.appendMany(storyAppends(laterEnvelopes()));
    const [fix] = laterCorrections();
    await store.append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('sets the bad event aside for the read models that cannot take it, and folds everything else', async () => {
    const result = await rebuild(3, 5);
    expect(result.failures).toBe(2);
    expect(
      (await ds.query(`SELECT projection FROM read_model.projection_failures WHERE event_id = $1 ORDER BY 1`, [poisonId])).map(
        (r: { projection: string }) => r.projection,
      ),
    ).toEqual(['departures', 'leadership']);
    expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.feed_items WHERE event_id = $1`, [poisonId])).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.timeline_facts WHERE fact_id = $1`, [poisonId])).toEqual([{ n: 2 }]);
  });

  it('gives the same tables whatever the number of groups and the page size', async () => {
    await rebuild(3, 5);
    const three = await snapshot();
    await rebuild(1, 1000);
    expect(await snapshot()).toEqual(three);
    expect(three.leadership_events.length).toBeGreaterThan(5);
  });

  // A log no projector has seen (a new deployment over an imported log): the rebuilt feed holds every event up to the
  // head, so readers are served all of it at once, not as the projector's walk creeps up 5,000 events a call.
  it('given a watermark that never moved, when the feed is rebuilt, then the watermark is at the head and query instances hear of it', async () => {
    await ds.query(`UPDATE read_model.feed_watermark SET position = 0 WHERE id = 1`);
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => n.channel === FEED_CHANNEL && heard.push(String(n.payload)));
      await listener.query(`LISTEN ${FEED_CHANNEL}`);
      const result = await rebuild(2, 50);
      const [{ head }] = await ds.query(`SELECT max(global_position)::text AS head FROM event_store.events`);
      expect(result.head).toBe(head);
      expect(await ds.query(`SELECT position::text AS position FROM read_model.feed_watermark WHERE id = 1`)).toEqual([{ position: head }]);
      for (let i = 0; i < 50 && !heard.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual([head]);
    } finally {
      await listener.end();
    }
  });
});
