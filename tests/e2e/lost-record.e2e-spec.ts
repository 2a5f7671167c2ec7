import { PgEventStore } from '@newsroom/event-store';
import { KafkaClient, partitionOfKey } from '@newsroom/messaging';
import {
  createTestDatabase,
  eventToAppend,
  pollUntil,
  RunningApp,
  startApp,
  TEST_KAFKA_BROKERS,
  TestDatabase,
  testApiKey,
  testKafka,
  testTopics,
} from '@newsroom/testing';
import { losingRelay, publishAll } from '../../apps/projector/test/support/projector-pipeline.harness';

/**
 * The projector as a process: a record the broker acknowledged and lost, the last of its partition (no later
 * message's partition-prev-position shows it), is found by the app's progress check and read from the store, in
 * seconds and without a consumer restart. (The runner's side, and a consumer still behind: topic-gap.int-spec.ts.)
 */
describe('projector app: a lost record that was its partition’s last', () => {
  const { prefix, topics } = testTopics('lost-record');
  let db: TestDatabase;
  let kafka: KafkaClient;
  let app: RunningApp | null = null;

  const metric = async (name: string) => {
    const text = await (await fetch(`${app!.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const watermark = async () => String((await db.pool.query('SELECT position::text AS p FROM read_model.feed_watermark')).rows[0].p);

  beforeAll(async () => {
    db = await createTestDatabase('lost_record');
    kafka = testKafka('lost-record-e2e');
    app = await startApp('projector', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_EVENTS_PARTITIONS: '3',
      PROJECTOR_GROUP_ID: `projector-${prefix}`,
      NEWSROOM_API_KEYS: `${testApiKey()}:admin`,
    });
    await pollUntil(async () => (await fetch(`${app!.url}/health/ready`).catch(() => null))?.status === 200, {
      timeoutMs: 60000,
      intervalMs: 200,
      what: 'the projector ready',
    });
  }, 120000);

  afterAll(async () => {
    await Promise.race([app?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 10000).unref())]).catch(() => undefined);
    await kafka?.deleteTopics([topics.events, topics.eventsDlq]).catch(() => undefined);
    await kafka?.close().catch(() => undefined);
    await db?.drop().catch(() => undefined);
  }, 60000);

  it('reads it from the store within a few progress checks, with no consumer restart', async () => {
    const store = new PgEventStore(db.pool);
    for (let i = 0; i < 20; i++)
      await store.append({
        streamId: `person:p-${i % 7}`,
        expectedVersion: 'any',
        events: [eventToAppend({ data: { organization: 'org:o', role: `Officer ${i}`, roleCategory: 'c-suite', reason: 'resigned' } })],
      });
    const head = await store.headPosition();
    const { relay: losing, dropped } = losingRelay(db, store, kafka, topics.events, new Set([head]));
    await publishAll(losing);
    await losing.stop();
    expect(dropped).toEqual([head]);

    const published = Date.now();
    await pollUntil(async () => (await watermark()) === head, { timeoutMs: 30000, intervalMs: 200, what: `the feed watermark at ${head}` });
    process.stdout.write(`[lost-record e2e] the lost record was in the feed ${Date.now() - published} ms after the relay published\n`);
    const feed = await db.pool.query('SELECT count(*)::int AS n FROM read_model.feed_items WHERE position = $1', [head]);
    expect(feed.rows[0].n).toBe(1);
    expect(await metric('projector_gap_events_filled_total')).toBe(1);
    expect(await metric('projector_stall_restarts_total')).toBe(0);
  });

  // A single broker whose host crashes loses what it had not flushed: the tail of every partition at once. One
  // progress check reads them all, one partition after another, instead of one partition every other check (10 s
  // each, 60 s with the default six partitions).
  it('reads the lost last records of every partition in one progress check', async () => {
    const store = new PgEventStore(db.pool);
    const last = new Map<number, string>();
    for (let i = 0; i < 30; i++) {
      const streamId = `person:q-${i % 9}`;
      const [{ globalPosition }] = await store.append({
        streamId,
        expectedVersion: 'any',
        events: [eventToAppend({ data: { organization: 'org:o', role: `Director ${i}`, roleCategory: 'c-suite', reason: 'resigned' } })],
      });
      last.set(partitionOfKey(streamId, 3), globalPosition);
    }
    expect(last.size).toBe(3);
    const head = await store.headPosition();
    const filledBefore = await metric('projector_gap_events_filled_total');
    const { relay: losing, dropped } = losingRelay(db, store, kafka, topics.events, new Set(last.values()));
    await publishAll(losing);
    await losing.stop();
    expect(dropped.sort()).toEqual([...last.values()].sort());

    const published = Date.now();
    // Without the loop the third partition's record would come at about the sixth check (30 s).
    await pollUntil(async () => (await watermark()) === head, { timeoutMs: 25000, intervalMs: 200, what: `the feed watermark at ${head}` });
    process.stdout.write(
      `[lost-record e2e] three partitions' lost last records were in the feed ${Date.now() - published} ms after the relay published\n`,
    );
    expect(await metric('projector_gap_events_filled_total')).toBe(filledBefore + 3);
    expect(await metric('projector_stall_restarts_total')).toBe(0);
  });
});
