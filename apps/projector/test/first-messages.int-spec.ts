import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { KafkaClient, ManagedConsumer, TopicNames } from '@newsroom/messaging';
import { advanceFeedWatermark, createProjections, partitionOfKey, ProjectionRunner } from '@newsroom/projections';
import { eventToAppend, pollUntil } from '@newsroom/testing';
import { losingRelay, publishAll, ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';
import { expectLikeRebuild } from './support/read-models.harness';

// A partition's first messages come before it has any checkpoint row, so there is no row for the batch's
// FOR UPDATE to lock. Two projector instances handling it at once (a rebalance), or a batch and the progress check's
// fill of a lost record, must still apply each event once: the read models would survive a second application (they
// take redelivery), but it is work done twice, counted twice in projector_events_applied_total, and a later
// transaction's checkpoints could overwrite an earlier one's further ones.
const NAMES = ['feed', 'departures', 'timeline', 'leadership'];
const PARTITIONS = 3;
const departed = (n: number): EventToAppend =>
  eventToAppend({ data: { organization: `org:o-${n % 5}`, role: `Officer ${n}`, roleCategory: 'c-suite', reason: 'resigned' } });

describe("Projector: a partition's first messages, before it has checkpoints", () => {
  let p: ProjectorPipeline;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: TopicNames;
  let appended = 0;
  let runner: ProjectionRunner | null = null;
  const consumers: ManagedConsumer[] = [];

  /** Stream ids whose events go to `partition` (the relay's partitioner). */
  const streamsOf = (partition: number, count: number): string[] => {
    const out: string[] = [];
    for (let i = 0; out.length < count; i++) if (partitionOfKey(`person:q-${i}`, PARTITIONS) === partition) out.push(`person:q-${i}`);
    return out;
  };
  /** Appends one event to each stream, store only, and returns their positions in log order. */
  const record = async (streams: string[]): Promise<string[]> => {
    const positions: string[] = [];
    for (const streamId of streams) {
      const [event] = await store.append({ streamId, expectedVersion: 'any', events: [departed(appended++)] });
      positions.push(String(event.globalPosition));
    }
    return positions;
  };
  const checkpoints = async (partition: number) =>
    ds.query(
      `SELECT projection, last_position::text AS position, last_offset::text AS "offset" FROM read_model.projection_checkpoints
       WHERE topic = $1 AND partition = $2 ORDER BY projection`,
      [topics.events, partition],
    );

  beforeAll(async () => {
    p = await startPipeline('first-messages', { partitions: PARTITIONS, relayBatchSize: 50 });
    ({ ds, store, kafka, topics } = p);
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop().catch(() => undefined);
    await p?.close();
  });

  it("applies a partition's first batch once when two instances take it at the same time", async () => {
    const positions = await record(streamsOf(0, 12));
    await p.publishAll();
    // Both instances get the partition's first messages (two groups: each is given every partition, as two
    // members are for a moment across a rebalance). Holding the feed's table makes sure both transactions are open
    // at once: neither has committed a checkpoint when the other reads them.
    const blocker: PoolClient = await p.db.pool.connect();
    const applied = new Map<string, number>();
    const lastOffsets: string[] = [];
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE read_model.feed_items IN EXCLUSIVE MODE');
      for (let i = 0; i < 2; i++) {
        const { consumer } = await p.startProjector(createProjections(NAMES), {
          partitionsConsumedConcurrently: PARTITIONS,
          runner: { onApplied: (name, n) => void applied.set(name, (applied.get(name) ?? 0) + n) },
          onBatch: (batch) => void lastOffsets.push(batch.messages[batch.messages.length - 1].offset),
        });
        consumers.push(consumer);
      }
      await pollUntil(
        async () =>
          (
            await p.db.pool.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0].n >= 2,
        { timeoutMs: 30000, what: 'both instances inside their first batch' },
      );
    } finally {
      await blocker.query('COMMIT').catch(() => undefined);
      blocker.release();
    }
    const last = String(positions.length - 1);
    await pollUntil(async () => lastOffsets.filter((o) => o === last).length >= 2, { timeoutMs: 30000, what: 'both instances done' });

    // Each event applied once by each read model, however many instances handled it. (Without the partition's lock
    // the second instance applies the batch again, or deadlocks with the first and is retried: three runs in four
    // counted 24 here.)
    expect(Object.fromEntries(applied)).toEqual(Object.fromEntries(NAMES.map((name) => [name, positions.length])));
    expect((await checkpoints(0)).map((c: { position: string }) => c.position)).toEqual(NAMES.map(() => positions[positions.length - 1]));
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
    for (const c of consumers.splice(0)) await c.stop();
  });

  it('fills a lost record from the store on a partition the topic never held a message on', async () => {
    const filled: number[] = [];
    // The partition's first event is lost after the broker acknowledged it: the partition stays empty and has no
    // checkpoint, and no later message shows the loss. Partition 0 goes on, so the watermark waits right before it.
    const [lost] = await record(streamsOf(1, 1));
    const { relay: losing, dropped } = losingRelay(p.db, store, kafka, topics.events, new Set([lost]));
    await publishAll(losing);
    expect(dropped).toEqual([lost]);
    expect(await checkpoints(1)).toEqual([]);
    const offsets = () => kafka.topicOffsets(topics.events);

    const started = await p.startProjector(createProjections(NAMES), {
      partitionsConsumedConcurrently: PARTITIONS,
      runner: { onGapFilled: (_partition, events) => void filled.push(events) },
      afterCommit: true,
    });
    consumers.push(started.consumer);
    runner = started.runner;
    const waitsAt = String(BigInt(lost) - 1n);
    await pollUntil(async () => (await advanceFeedWatermark(ds.manager)) === waitsAt, {
      timeoutMs: 60000,
      what: `the watermark at ${waitsAt}`,
    });

    expect(await runner.fillLostTail(topics.events, await p.watermark(), offsets)).toBe(1);
    expect(await advanceFeedWatermark(ds.manager)).toBe(lost);
    // Its checkpoints keep the partition's offset before any message (-1): the next message, at offset 0, is no gap.
    expect(await checkpoints(1)).toEqual(
      NAMES.slice()
        .sort()
        .map((projection) => ({ projection, position: lost, offset: '-1' })),
    );
    expect(await runner.fillLostTail(topics.events, await p.watermark(), offsets)).toBe(0);

    // The partition's next event comes through the topic as usual.
    const [next] = await record(streamsOf(1, 1));
    await p.publishAll();
    await pollUntil(async () => (await advanceFeedWatermark(ds.manager)) === next, { timeoutMs: 60000, what: `the watermark at ${next}` });
    expect(filled).toEqual([1]);
    expect((await checkpoints(1))[0]).toMatchObject({ position: next, offset: '0' });
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
  });

  it('leaves a partition alone where a projection has no checkpoint but the topic holds messages (it sees new events only)', async () => {
    // A read model added to a running system: no checkpoint on a partition this instance has applied to its end.
    // A lost record there is not the start of a history to fold into it (that is what a rebuild is for).
    await ds.query('DELETE FROM read_model.projection_checkpoints WHERE topic = $1 AND partition = 1 AND projection = $2', [
      topics.events,
      'feed',
    ]);
    const before = (await ds.query('SELECT count(*)::int AS n FROM read_model.feed_items'))[0].n;
    const [lost] = await record(streamsOf(1, 1));
    const { relay: losing } = losingRelay(p.db, store, kafka, topics.events, new Set([lost]));
    await publishAll(losing);
    expect(await runner!.fillLostTail(topics.events, String(BigInt(lost) - 1n), () => kafka.topicOffsets(topics.events))).toBe(0);
    expect((await ds.query('SELECT count(*)::int AS n FROM read_model.feed_items'))[0].n).toBe(before);
  });
});
