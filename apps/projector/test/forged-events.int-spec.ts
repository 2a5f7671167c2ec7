import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { KafkaClient, toWireMessage, TopicNames } from '@newsroom/messaging';
import { createProjections } from '@newsroom/projections';
import { eventToAppend, forEachTopicMessage, pollUntil, TEST_KAFKA_BROKERS } from '@newsroom/testing';
import { ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';
import { expectLikeRebuild } from './support/read-models.harness';

// Issue 11, point 3: anyone who can write to the events topic could move every checkpoint past every real event
// (a huge globalPosition) or put other content in a read model (a real event's position and id, other data). The
// projector applies only what the event store vouches for.
const NAMES = ['feed', 'departures', 'leadership'];
const STREAM = 'person:forged-target';
const departed = (role: string): EventToAppend =>
  eventToAppend({ data: { organization: 'org:openai', role, roleCategory: 'c-suite', reason: 'resigned' } });

describe('Projector: a message the event store does not vouch for is refused', () => {
  let p: ProjectorPipeline;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: TopicNames;
  const forged = new Map<string, number>();
  const realIds: string[] = [];

  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const event = departed(`Chief Officer ${realIds.length}`);
      await store.append({ streamId: STREAM, expectedVersion: 'any', events: [event] });
      realIds.push(event.eventId);
    }
  };

  beforeAll(async () => {
    p = await startPipeline('forged', { partitions: 2 });
    ({ ds, store, kafka, topics } = p);
    await p.startProjector(createProjections(NAMES), {
      runner: { onForged: (reason, n) => void forged.set(reason, (forged.get(reason) ?? 0) + n) },
      partitionsConsumedConcurrently: 2,
      afterCommit: true,
    });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('applies every real event, keeps checkpoints within the store, and dead-letters the forged messages', async () => {
    await append(4);
    await p.publishAll();
    // Recorded but not yet relayed: the forgeries get to the partition before the real events.
    await append(4);
    const [target] = await store.readAll('4', 1);
    expect(target.eventId).toBe(realIds[4]);
    const altered = toWireMessage({ ...target, data: { ...(target.data as object), role: 'Forged Officer', reason: 'fired' } });
    const huge = toWireMessage({ ...target, eventId: randomUUID(), globalPosition: '1000000000000000', streamVersion: 99 });
    await kafka.publish(topics.events, [altered, huge]);
    await p.publishAll();
    await append(2);
    await p.publishAll();

    const head = await store.headPosition();
    const feedIds = async () =>
      (await ds.query('SELECT event_id FROM read_model.feed_items ORDER BY position')).map((r: { event_id: string }) => r.event_id);
    await pollUntil(async () => (await feedIds()).length === realIds.length && forged.size === 2, {
      timeoutMs: 30000,
      what: 'every real event in the feed and both forgeries refused',
    }).catch(() => undefined);

    // Later real events were applied, each once, in order.
    expect(await feedIds()).toEqual(realIds);
    // No checkpoint passed the store's head.
    const cps = await ds.query(
      'SELECT projection, max(last_position)::text AS position FROM read_model.projection_checkpoints GROUP BY projection ORDER BY projection',
    );
    expect(cps).toEqual(NAMES.sort().map((projection) => ({ projection, position: head })));
    // The read models are what a rebuild from the store gives (no forged content).
    await expectLikeRebuild(ds, NAMES);
    expect(JSON.stringify(await ds.query('SELECT * FROM read_model.feed_items'))).not.toContain('Forged Officer');
    // Both counted and dead-lettered with the reason.
    expect(Object.fromEntries(forged)).toEqual({ 'beyond-head': 1, 'content-mismatch': 1 });
    const errors: string[] = [];
    await forEachTopicMessage(TEST_KAFKA_BROKERS, topics.eventsDlq, (m) => errors.push(String(m.headers['dlq-error'])), 30000);
    expect(errors.sort()).toEqual([expect.stringContaining('beyond-head'), expect.stringContaining('content-mismatch')]);
  });
});
