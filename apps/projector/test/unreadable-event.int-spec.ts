import { DataSource } from 'typeorm';
import { createUpcaster, CURRENT_SCHEMA_VERSION, UPCASTERS } from '@newsroom/domain';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { KafkaClient, TopicNames } from '@newsroom/messaging';
import { createProjections } from '@newsroom/projections';
import { eventToAppend, pollUntil } from '@newsroom/testing';
import { replayFailures } from '../src/replay/replay-failures.command';
import { ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';
import { liveAndRebuilt } from './support/read-models.harness';

// Stall 2: an event the running projector cannot read (a newer schema version from a newer ingest) must not stop
// the feed; a replay with code that knows it applies it later.
const NAMES = ['feed', 'departures'];
const departed = (person: string, schemaVersion = 1): EventToAppend =>
  eventToAppend({
    schemaVersion,
    data: { organization: 'org:openai', role: `Chief Officer ${person}`, roleCategory: 'c-suite', reason: 'resigned' },
  });
// What a newer release would ship: executive.departed at schema version 2 (an added optional field).
const knowsV2 = createUpcaster([...UPCASTERS, { type: 'executive.departed', fromVersion: 1, up: (data) => ({ ...(data as object) }) }], {
  ...CURRENT_SCHEMA_VERSION,
  'executive.departed': 2,
});

describe('Projector: an event it cannot read is recorded as failed and the feed moves past it', () => {
  let p: ProjectorPipeline;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: TopicNames;
  const newer = departed('newer', 2);

  beforeAll(async () => {
    p = await startPipeline('unreadable', { partitions: 3 });
    ({ ds, store, kafka, topics } = p);
    await p.startProjector(createProjections(NAMES), { afterCommit: true });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('records the unreadable event as failed for every projection, and the watermark passes it', async () => {
    for (let i = 0; i < 6; i++)
      await store.append({ streamId: `person:before-${i}`, expectedVersion: 'any', events: [departed(`before-${i}`)] });
    await store.append({ streamId: 'person:newer', expectedVersion: 'any', events: [newer] });
    for (let i = 0; i < 6; i++)
      await store.append({ streamId: `person:after-${i}`, expectedVersion: 'any', events: [departed(`after-${i}`)] });
    await p.publishAll();
    // A message with no position at all is still only dead-lettered, and blocks nothing.
    await kafka.publish(topics.events, [{ key: 'person:after-0', value: 'garbage' }]);
    const head = await store.headPosition();
    await pollUntil(async () => (await p.watermark()) === head, {
      timeoutMs: 30000,
      what: 'the feed watermark to pass the unreadable event',
    });
    const position = (await ds.query('SELECT global_position FROM event_store.events WHERE event_id = $1', [newer.eventId]))[0]
      .global_position;
    const failures = await ds.query('SELECT projection, position, event_id, type FROM read_model.projection_failures ORDER BY projection');
    expect(failures).toEqual(
      NAMES.sort().map((projection) => ({ projection, position, event_id: newer.eventId, type: 'executive.departed' })),
    );
    const feed = await ds.query('SELECT event_id FROM read_model.feed_items ORDER BY position');
    expect(feed).toHaveLength(12);
    expect(feed.map((r: { event_id: string }) => r.event_id)).not.toContain(newer.eventId);
  });

  it('replays it with code that knows its schema version: the read models then equal a rebuild', async () => {
    const result = await replayFailures(ds, { upcast: knowsV2, write: () => undefined });
    expect(result.failed).toEqual([]);
    expect(result.replayed).toEqual(NAMES.sort().map((projection) => expect.objectContaining({ projection, eventId: newer.eventId })));
    expect(await ds.query('SELECT * FROM read_model.projection_failures')).toEqual([]);
    expect((await ds.query('SELECT 1 FROM read_model.feed_items WHERE event_id = $1', [newer.eventId])).length).toBe(1);
    // A rebuild by the same code: every stored event folded into fresh copies of the tables.
    for (const { table, live, rebuilt } of await liveAndRebuilt(ds, NAMES, knowsV2)) {
      expect({ table, rows: live }).toEqual({ table, rows: rebuilt });
      expect(live.length).toBeGreaterThan(0);
    }
  });
});
