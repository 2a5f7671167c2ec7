import { Logger } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { metric, withTimeout } from '@newsroom/platform';
import { unreadableReason } from './kafka-compression.codec';
import { ConsumerOptions, ConsumerState, Headers, IncomingMessage, RawRecord } from './messaging.types';

const headerValue = (v: unknown): string =>
  Array.isArray(v) ? headerValue(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : '';

/** The first value of each header as text: what handlers read (trace ids). Dead letters use `rawHeaders`. */
export function decodeHeaders(raw: Record<string, unknown> | undefined): Headers {
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, headerValue(v)]));
}

/** Every value of every header as the broker gave it (kafkajs makes an array of a header given more than once). */
function rawHeaders(raw: Record<string, unknown> | undefined): RawRecord['headers'] {
  const one = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.alloc(0));
  // Entries, not assignments: a header named `__proto__` stays a header.
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(one) : [one(v)]]));
}

/** How often a member commits the offsets it has handled (and when it stops). */
const COMMIT_INTERVAL_MS = 1000;
const STOP_COMMIT_TIMEOUT_MS = 2000;
/**
 * A member counts as recovered (the restart backoff starts again from 0.5 s) once it has handled a batch or stayed
 * joined this long. Not at the join itself: a consumer that joins and then fails every fetch (a record batch it
 * cannot read) restarted every 500 ms for good, 177 times in 25 s.
 */
const RECOVERED_AFTER_MS = 30_000;
/** isolateFailingPartitions: a failed batch's partition waits 0.5 s doubling to this before it is tried again. */
const PARTITION_RETRY_MAX_MS = 30_000;

const runningGauge = () =>
  metric('gauge', {
    name: 'messaging_consumers_running',
    help: 'kafkajs consumers connected in this process, by group (connect events minus disconnect events)',
    labelNames: ['group'],
  });
const restartsCounter = () =>
  metric('counter', {
    name: 'messaging_consumer_restarts_total',
    help: 'Consumers replaced after a crash or an unexpected stop',
    labelNames: ['group'],
  });

/**
 * A consumer group member that is always either running or on its way back, with exactly one kafkajs consumer
 * at any time.
 *
 * Restarts have ONE owner: this class. kafkajs 2.2.4 would restart a crashed consumer by itself (consumer/index.js
 * onCrash: it disconnects, emitting STOP and DISCONNECT, then emits CRASH and, for a retriable error, calls
 * start() again on the same consumer after retryTime, which reconnects the cluster). Running both that and our own
 * restart left an orphan member that stop() never closed, so `retry.restartOnFailure` returns false and every
 * crash (CRASH, or a STOP we did not ask for) replaces the consumer here, with backoff: the old one is fully
 * disconnected before the next one is created. Events of a replaced consumer are ignored (a generation number).
 *
 * `state` tells readiness the truth: `running` only after the group is joined AND the consumer has shown a sign
 * of life (a fetch, a heartbeat, a batch) recently; a member whose broker went away reports `stalled` long before
 * kafkajs gives up and crashes. Offsets are committed only after the handler resolves for a batch, at most once a
 * second and when the member stops (not after every batch, as kafkajs' autoCommit would).
 */
export class ManagedConsumer {
  private readonly logger: Logger;
  private consumer: Consumer | null = null;
  private generation = 0;
  private stopping = true;
  private restartTimer: NodeJS.Timeout | null = null;
  /** The start of the current consumer (connect, subscribe, join): stop() waits for it, see stop(). */
  private launching: Promise<void> | null = null;
  /** The disconnect of the replaced consumer: the next one starts only after it. */
  private closing: Promise<void> = Promise.resolve();
  private attempts = 0;
  private phase: Exclude<ConsumerState, 'stalled'> = 'stopped';
  private lastSignOfLife = 0;
  private inHandler = 0;
  private readonly staleAfterMs: number;
  private readonly replaceSilentAfterMs: number;
  private silenceTimer: NodeJS.Timeout | null = null;
  /** Commits what the current consumer has handled and not committed yet (stop() calls it before leaving). */
  private flushCommits: (() => Promise<void>) | null = null;
  private joinedAt = 0;
  /** isolateFailingPartitions: partitions whose last batch failed (`topic/partition`), until a batch of theirs succeeds. */
  private readonly failing = new Map<string, { attempts: number; timer: NodeJS.Timeout | null }>();
  lastError: string | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.logger = new Logger(`Consumer:${options.groupId}`);
    const session = options.sessionTimeout ?? 30000;
    // An idle member fetches every maxWaitTimeInMs and heartbeats every heartbeatInterval; silence for several of
    // those (but less than the session timeout) means the broker is gone or the consumer is stuck.
    this.staleAfterMs = Math.max(5000, Math.min(10000, session / 2), 3 * (options.maxWaitTimeInMs ?? 100));
    this.replaceSilentAfterMs = options.replaceSilentAfterMs ?? 90_000;
  }

  /** starting | running | stalled (joined but silent: broker away) | retrying (a partition's batch failed) | restarting | stopped. */
  get state(): ConsumerState {
    if (this.phase === 'running' && this.inHandler === 0 && Date.now() - this.lastSignOfLife > this.staleAfterMs) return 'stalled';
    if (this.phase === 'running' && this.failing.size > 0) return 'retrying';
    return this.phase;
  }

  /** Starts the member; never throws: a failure is logged and retried with backoff until stop(). */
  async start(): Promise<void> {
    if (!this.stopping) return;
    this.stopping = false;
    this.phase = 'starting';
    if (this.replaceSilentAfterMs > 0) {
      this.silenceTimer = setInterval(() => this.replaceIfSilent(), Math.min(5000, this.replaceSilentAfterMs / 3));
      this.silenceTimer.unref();
    }
    await this.launch();
  }

  /**
   * The last resort: a joined member silent for replaceSilentAfterMs is replaced, as after a crash. Only a joined
   * one: a member still joining is left to kafkajs' own retries (disconnecting it mid-join orphans its runner).
   */
  private replaceIfSilent(): void {
    if (this.stopping || this.restartTimer || this.state !== 'stalled') return;
    const silentMs = Date.now() - this.lastSignOfLife;
    if (silentMs >= this.replaceSilentAfterMs) this.replace(this.generation, new Error(`no sign of life for ${silentMs} ms`));
  }

  private launch(): Promise<void> {
    const launching = this.launchOnce().finally(() => {
      if (this.launching === launching) this.launching = null;
    });
    this.launching = launching;
    return launching;
  }

  private async launchOnce(): Promise<void> {
    await this.closing;
    if (this.stopping) return;
    const gen = ++this.generation;
    const { groupId, topics, handler } = this.options;
    const session = this.options.sessionTimeout ?? 30000;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // A fetch returns as soon as anything is there (minBytes 1), so an idle consumer adds no latency; under load
      // batches grow by themselves while the previous fetch is applied, up to 1 MB (about 850 events) a partition.
      // Larger caps (2-4 MB) measured no faster in the bench: the per-batch cost is already spread thin.
      minBytes: 1,
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: session,
      heartbeatInterval: Math.min(3000, Math.floor(session / 3)),
      // One owner of restarts: us (see the class comment). kafkajs still retries requests inside a running member.
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.watch(consumer, gen);
    try {
      await consumer.connect();
      for (const topic of topics) {
        if (gen !== this.generation) return;
        await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
      }
      if (gen !== this.generation) return;
      await consumer.run({
        // kafkajs 2.2.4 with autoCommit on commits after EVERY batch, whatever autoCommitInterval says (runner.js
        // ends each batch with autoCommitOffsets(), not ...IfNecessary: tulios/kafkajs#1014): one OffsetCommit round
        // trip to the broker between each batch and the next fetch, 20 a second at 50 events/s. Committed here at
        // most once a second instead (commitOffsetsIfNecessary keeps the interval), and once more by stop(); what a
        // crash or a rebalance leaves uncommitted (at most a second's messages) is delivered again, which every
        // handler takes (the projector's checkpoints, ingest's ids from the log position).
        autoCommit: false,
        autoCommitInterval: COMMIT_INTERVAL_MS,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        // kafkajs hands these as plain closures over the batch (its types declare them as methods): safe to destructure.
        // eslint-disable-next-line @typescript-eslint/unbound-method
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, uncommittedOffsets }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const messages: IncomingMessage[] = batch.messages.map((m) => {
            const at = { topic: batch.topic, partition: batch.partition, offset: m.offset };
            // A stand-in for a record of a batch that could not be decompressed (kafka-compression.codec.ts).
            const unreadable = unreadableReason(m.headers);
            if (unreadable !== null)
              return { ...at, key: null, value: Buffer.alloc(0), headers: {}, raw: { key: null, value: null, headers: {} }, unreadable };
            return {
              ...at,
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value ?? Buffer.alloc(0),
              headers: decodeHeaders(m.headers),
              raw: { key: m.key ?? null, value: m.value ?? null, headers: rawHeaders(m.headers) },
            };
          });
          this.inHandler++;
          try {
            await handler({ topic: batch.topic, partition: batch.partition, messages });
          } catch (error) {
            if (!this.options.isolateFailingPartitions || gen !== this.generation) throw error;
            // Not resolved: once resumed, the partition is fetched again from this batch's first message.
            this.holdBack(consumer, gen, batch.topic, batch.partition, batch.messages[0].offset, error);
            return;
          } finally {
            this.inHandler--;
            this.lastSignOfLife = Date.now();
          }
          this.recovered(batch.topic, batch.partition);
          resolveOffset(batch.messages[batch.messages.length - 1].offset);
          if (gen === this.generation) this.flushCommits = () => commitOffsetsIfNecessary(uncommittedOffsets());
          await commitOffsetsIfNecessary();
          await heartbeat();
        },
      });
    } catch (error) {
      this.replace(gen, error);
    }
  }

  private watch(consumer: Consumer, gen: number): void {
    const { groupId } = this.options;
    const current = () => gen === this.generation;
    const alive = () => {
      if (current()) this.lastSignOfLife = Date.now();
    };
    // The gauge counts what the process really has, whatever generation: kafkajs emits CONNECT from connect() and
    // again when its group connects, DISCONNECT once the cluster is closed.
    let connected = false;
    consumer.on(consumer.events.CONNECT, () => {
      if (!connected) runningGauge().inc({ group: groupId });
      connected = true;
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      if (connected) runningGauge().dec({ group: groupId });
      connected = false;
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (!current()) return;
      const { duration, memberAssignment } = event.payload as { duration: number; memberAssignment: Record<string, number[]> };
      const assigned = Object.entries(memberAssignment ?? {})
        .map(([topic, partitions]) => `${topic} [${partitions.join(',')}]`)
        .join(', ');
      // After a restart at warn, like the restart itself: the two lines bound the outage in the log.
      const line = `joined the group in ${duration} ms${this.attempts ? ` after ${this.attempts} restart(s)` : ''}: ${assigned || 'no partitions'}`;
      if (this.attempts) this.logger.warn(line);
      else this.logger.log(line);
      this.phase = 'running';
      this.lastSignOfLife = Date.now();
      this.joinedAt = Date.now();
      // A partition held back and now another member's is no longer ours to retry.
      for (const [key, held] of this.failing) {
        const [topic, partition] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))];
        if (!(memberAssignment?.[topic] ?? []).includes(partition)) {
          if (held.timer) clearTimeout(held.timer);
          this.failing.delete(key);
        }
      }
      if (this.failing.size === 0) this.lastError = null;
    });
    consumer.on(consumer.events.FETCH, alive);
    consumer.on(consumer.events.HEARTBEAT, alive);
    consumer.on(consumer.events.END_BATCH_PROCESS, alive);
    // kafkajs emits STOP on its way to CRASH (and on our own disconnects, which bump the generation first): the
    // first of the two retires the consumer; a CRASH right after its STOP only tells the real reason.
    let stoppedByItself = false;
    consumer.on(consumer.events.CRASH, (event) => {
      const { error } = event.payload as { error: Error };
      if (current()) this.replace(gen, error);
      else if (stoppedByItself && !this.stopping) {
        this.lastError = error?.message ?? String(error);
        this.logger.warn(`the consumer that stopped had crashed: ${this.lastError}`);
      }
    });
    consumer.on(consumer.events.STOP, () => {
      if (!current()) return;
      stoppedByItself = true;
      this.replace(gen, new Error('consumer stopped unexpectedly'));
    });
  }

  /**
   * Replaces the running consumer with a new one (leave the group, rejoin with fresh metadata): for a consumer that
   * looks alive (heartbeats flow) but makes no progress, which kafkajs can do after a partition leader dies.
   */
  restart(reason: string): void {
    if (this.stopping || this.restartTimer || !this.consumer) return;
    this.replace(this.generation, new Error(reason));
  }

  /**
   * isolateFailingPartitions: a batch failed. Its partition alone is paused and resumed after a backoff (the batch is
   * then fetched again); the member stays in the group, so the other partitions go on and commit, and nothing they
   * handled is delivered again. Readiness says `retrying` with the partition and offset until a batch of it succeeds.
   */
  private holdBack(consumer: Consumer, gen: number, topic: string, partition: number, offset: string, error: unknown): void {
    const key = `${topic}/${partition}`;
    const held = this.failing.get(key) ?? { attempts: 0, timer: null };
    if (held.timer) clearTimeout(held.timer);
    const delay = Math.min(PARTITION_RETRY_MAX_MS, 500 * 2 ** Math.min(held.attempts, 6));
    held.attempts++;
    this.failing.set(key, held);
    this.lastError = `${topic} partition ${partition} at offset ${offset}: ${(error as Error)?.message ?? String(error)}`;
    this.logger.error(`batch failed, ${this.lastError}; partition paused, tried again in ${delay} ms (attempt ${held.attempts})`);
    consumer.pause([{ topic, partitions: [partition] }]);
    held.timer = setTimeout(() => {
      held.timer = null;
      if (gen === this.generation && !this.stopping) consumer.resume([{ topic, partitions: [partition] }]);
    }, delay);
    held.timer.unref();
  }

  /** A batch was handled: the partition (and the member) count as recovered. */
  private recovered(topic: string, partition: number): void {
    this.attempts = 0;
    const key = `${topic}/${partition}`;
    if (!this.failing.has(key)) return;
    this.failing.delete(key);
    this.logger.warn(`${topic} partition ${partition} handled its batch again`);
    if (this.failing.size === 0) this.lastError = null;
  }

  /** Retires consumer `gen` (once) and schedules its successor with backoff. */
  private replace(gen: number, error: unknown): void {
    if (this.stopping || gen !== this.generation) return;
    // A member that stayed joined a while had recovered from whatever came before: its crash starts the backoff anew.
    if (this.phase === 'running' && Date.now() - this.joinedAt >= RECOVERED_AFTER_MS) this.attempts = 0;
    this.generation++;
    this.flushCommits = null;
    const old = this.consumer;
    this.consumer = null;
    if (old) {
      const closed = old.disconnect().catch((e) => this.logger.warn(`disconnecting the crashed consumer failed: ${(e as Error).message}`));
      this.closing = Promise.all([this.closing, closed]).then(() => undefined);
    }
    this.phase = 'restarting';
    this.lastError = (error as Error)?.message ?? String(error);
    restartsCounter().inc({ group: this.options.groupId });
    // 0.5 s doubling to 10 s: a reconnect attempt is cheap, and a long cap would delay recovery after a broker outage.
    const delay = Math.min(10000, 500 * 2 ** Math.min(this.attempts++, 5));
    this.logger.warn(`consumer stopped (${this.lastError}); disconnected it, starting a new one in ${delay} ms (attempt ${this.attempts})`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) void this.launch();
    }, delay);
    this.restartTimer.unref();
  }

  /**
   * Leaves the group and closes the connections. It first lets a start in progress finish: kafkajs 2.2.4 loses
   * track of a member whose disconnect() lands while it is still joining (its runner keeps going), so a member is
   * only ever disconnected once run() has returned.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = null;
    for (const held of this.failing.values()) if (held.timer) clearTimeout(held.timer);
    this.failing.clear();
    await this.launching?.catch(() => undefined);
    // What was handled since the last commit, committed before leaving, so the next member starts after it; bounded,
    // so a broker that is away cannot hold the shutdown (the offsets are then delivered again).
    const flush = this.flushCommits;
    this.flushCommits = null;
    if (flush && this.consumer)
      await withTimeout(flush(), STOP_COMMIT_TIMEOUT_MS, 'the offset commit').catch((e: unknown) =>
        this.logger.warn(`committing the last offsets failed (they will be delivered again): ${(e as Error).message}`),
      );
    this.generation++;
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) {
      // Through `closing`, so a second stop() (or a start()) running meanwhile waits for this disconnect too.
      const closed = consumer.disconnect().catch((e) => this.logger.warn(`disconnect failed: ${(e as Error).message}`));
      this.closing = Promise.all([this.closing, closed]).then(() => undefined);
    }
    await this.closing;
    this.phase = 'stopped';
  }
}
