import { Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { EVENTS_CHANNEL, PgEventStore, StoredEvent } from '@newsroom/event-store';
import { encodeWireMessage, PartitionChain, Publisher } from '@newsroom/messaging';
import { chunkByBytes, DEFAULT_MAX_EVENT_BYTES, publishBudgetBytes } from '@newsroom/platform';
import { Queryable, RelayCheckpoints } from './relay-checkpoints.repository';

export interface EventRelayOptions {
  topic: string;
  batchSize: number;
  idleWaitMs: number;
  maxBackoffMs: number;
  /** Advisory lock key that makes exactly one relay per database the active one. */
  leaderLockKey: number;
  /** NEWSROOM_MAX_EVENT_BYTES: bounds what one produce request carries (config/limits.config.ts). */
  maxEventBytes?: number;
  /**
   * RELAY_BATCH_MAX_BYTES: the records of one produce request add up to at most this (an event larger than it
   * goes alone). Never above what one topic batch takes under NEWSROOM_MAX_EVENT_BYTES.
   */
  batchMaxBytes?: number;
  /**
   * Runs after leadership is taken, before the first publish, until it succeeds: the service ensures the topic
   * and its max.message.bytes there. A failure is the relay's lastError (readiness says what to set).
   */
  prepare?: () => Promise<unknown>;
  /** How often a standby tries the lock, and how long a deposed leader waits before it tries again (2 s). */
  standbyPollMs?: number;
  /**
   * The events topic's partition count (the broker's answer): with it every message carries `partition-prev-position`
   * (PartitionChain), by which a projector finds an event the topic lost. Without it (or while it fails) no message does.
   */
  partitionCount?: () => Promise<number>;
  /** How long a partition chain is used before it is made again from the store and the count asked again (60 s). */
  chainMaxAgeMs?: number;
}

export interface RelayStatus {
  leader: boolean;
  checkpoint: string;
  lastError: string | null;
  lastLoopAt: number;
  published: number;
}

/** RELAY_BATCH_MAX_BYTES's default: 1 MiB, below the broker's default message.max.bytes (1 MiB + 12 bytes). */
const DEFAULT_RELAY_BATCH_MAX_BYTES = 1024 * 1024;
/** A read holds about this many produce requests' worth of events (so at most twice that is held, with the read-ahead). */
const READ_REQUESTS = 4;
/** How far back a new partition chain looks for each partition's last event (one indexed read, newest first). */
const CHAIN_SEED_EVENTS = 10_000;

/**
 * Copies the event log to Kafka in position order, checkpointing in Postgres after each acknowledged batch.
 * A crash between publish and checkpoint republishes that batch: consumers skip by position, so at-least-once
 * here is exactly-once in effect downstream. Kafka down: appends go on; the relay retries with backoff.
 */
export class EventRelay {
  private readonly logger = new Logger(EventRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private lockClient: PoolClient | null = null;
  private listenClient: PoolClient | null = null;
  private wake: (() => void) | null = null;
  /**
   * An append's NOTIFY that came while the relay was not sleeping (reading or publishing): the next idle wait is
   * skipped, so an append committed just after a read found nothing is not left waiting for the idle poll.
   */
  private woken = false;
  /**
   * The last cycle's read came back short of its limit: it held every event committed before it began, so the next
   * appends are announced by their NOTIFY (or found by the idle poll) and the loop waits for that instead of
   * reading again at once (a read that could only find what committed during the publish, which woke it anyway).
   */
  private caughtUp = false;
  private readonly status: RelayStatus = { leader: false, checkpoint: '0', lastError: null, lastLoopAt: 0, published: 0 };
  private prepared = false;
  private lostLeadershipAt = 0;
  /** Events per read: the batch size, lowered while events are large so one read holds a few requests' worth. */
  private readLimit: number;
  private readonly budgetBytes: number;
  /** What one produce request carries at most: RELAY_BATCH_MAX_BYTES, capped by the byte budget. */
  private readonly batchBytes: number;
  /** The read of the next batch, started while the current one is in flight (at most one batch ahead). */
  private ahead: { after: string; events: Promise<StoredEvent[]> } | null = null;
  onPublished: (count: number, checkpoint: string) => void = () => undefined;
  private storeId: string | null | undefined;
  /** Where each partition stands in the log, up to the last event encoded (see chainAt). */
  private chain: PartitionChain | null = null;
  /** The partition count the broker last gave: what a chain is made with while it cannot be asked. */
  private knownPartitions: number | null = null;
  private chainWarnedAt = 0;

  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly publisher: Publisher,
    private readonly checkpoints: RelayCheckpoints,
    private readonly options: EventRelayOptions,
  ) {
    this.readLimit = options.batchSize;
    this.budgetBytes = publishBudgetBytes(options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
    this.batchBytes = Math.min(options.batchMaxBytes ?? DEFAULT_RELAY_BATCH_MAX_BYTES, this.budgetBytes);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    // A read-ahead still running holds a pooled client: let it finish before the pool may be ended.
    await this.ahead?.events.catch(() => undefined);
    await this.releaseClients();
  }

  getStatus(): RelayStatus {
    return { ...this.status };
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      this.status.lastLoopAt = Date.now();
      try {
        const lock = await this.ensureLeadership();
        if (!lock) {
          this.status.lastError = null; // a standby is healthy
          await this.sleep(this.standbyPollMs);
          continue;
        }
        if (!this.prepared) {
          await this.options.prepare?.();
          this.prepared = true;
        }
        const published = await this.publishOnce(lock);
        this.status.lastError = null;
        backoff = 200;
        if (published === 0 || this.caughtUp) await this.idle();
      } catch (error) {
        this.ahead = null;
        this.status.lastError = (error as Error).message;
        this.logger.warn(`relay iteration failed, retrying in ${backoff} ms: ${this.status.lastError}`);
        if (this.isConnectionLoss(error)) await this.releaseClients();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
  }

  /**
   * Publishes the next events after the checkpoint; returns how many went out. The loop passes the leader's
   * lock session: the checkpoint is read and saved on it, so a lost lease fails the cycle (no extra query); a cycle
   * with no read-ahead waiting reads the events after the checkpoint in the same statement (one round trip).
   *
   * What one read returns is split into produce requests of at most `batchMaxBytes`, sent one after the other
   * (one request in flight, so order per partition, hence per key, holds). Each is checkpointed once the broker
   * acknowledged it: the save of one request's checkpoint runs while the next request is in flight, but it only
   * starts after that request's own acknowledgement, and saves go in order on the one lock session (and the
   * statement keeps the greater position), so the checkpoint never passes an event Kafka has not acknowledged.
   * When a read came back full, the next one is started before the first request leaves (read-ahead, at most one
   * batch ahead): the next cycle finds its events read while this one was in flight to Kafka.
   */
  async publishOnce(session: Queryable = this.pool): Promise<number> {
    const { topic } = this.options;
    // What this cycle reads covers every append notified so far.
    this.woken = false;
    const limit = this.readLimit;
    const { checkpoint, events } = await this.next(session, limit);
    this.status.checkpoint = checkpoint;
    this.caughtUp = events.length < limit;
    if (events.length === 0) return 0;
    // The store's identity, read once: consumers of another store skip these (null on a schema from before it: no header).
    this.storeId ??= await this.store.storeId();
    const storeId = this.storeId;
    const chain = await this.chainAt(checkpoint);
    // The wire JSON of each event is built once, as the bytes the producer sends, and measured from them.
    const messages = events.map((event) => ({
      event,
      ...encodeWireMessage(event, storeId, chain ? chain.next(event.streamId, event.globalPosition) : null),
    }));
    let total = 0;
    for (const m of messages) total += m.bytes;
    if (events.length >= limit) this.readAhead(events[events.length - 1].globalPosition, limit);
    this.readLimit = Math.max(1, Math.min(this.options.batchSize, Math.floor((READ_REQUESTS * this.batchBytes) / (total / events.length))));
    const chunks = total <= this.batchBytes ? [messages] : chunkByBytes(messages, this.batchBytes, (m) => m.bytes);
    let published = 0;
    let saving: Promise<void> | null = null;
    try {
      for (const chunk of chunks) {
        // Alone above the batch bound is fine (it goes in a request of its own); above what a topic batch takes is not.
        if (chunk.length === 1 && chunk[0].bytes > this.budgetBytes) throw this.tooLarge(chunk[0].event, chunk[0].bytes);
        if (session !== this.pool && session !== this.lockClient) throw new Error('relay lost its leadership');
        await this.publisher.publish(
          topic,
          chunk.map((m) => m.message),
          { withinBudget: true },
        );
        const last = chunk[chunk.length - 1].event.globalPosition;
        // The previous save is awaited before this one starts: a failed save stops the cycle at the next request.
        if (saving) await saving;
        saving = this.saveCheckpoint(topic, last, chunk.length, session);
        published += chunk.length;
      }
    } finally {
      // Whatever happened after it, an acknowledged request's checkpoint is saved (or its error surfaces).
      if (saving) await saving;
    }
    return published;
  }

  /**
   * The partition chain for a read after `after`: the one kept when it ends there and is young enough, else a new one
   * from the store's latest events at or below `after` and the broker's partition count (asked again each time, so a
   * topic given more partitions is followed within chainMaxAgeMs). A chain covers every event up to its end, in log
   * order: a cycle that failed part-way reads again from the checkpoint, below the kept chain's end, and so gets a new
   * one. When the count cannot be had, the last one the broker gave is used (a count gone stale can only make a
   * projector read the store for nothing); before the first answer, the messages go without the header (publishing
   * does not wait for it).
   */
  private async chainAt(after: string): Promise<PartitionChain | null> {
    const { partitionCount, chainMaxAgeMs = 60_000 } = this.options;
    if (!partitionCount) return null;
    const kept = this.chain;
    if (kept && kept.upTo === after && Date.now() - kept.seededAt < chainMaxAgeMs) return kept;
    this.chain = null;
    let partitions: number;
    try {
      partitions = this.knownPartitions = await partitionCount();
    } catch (error) {
      if (Date.now() - this.chainWarnedAt >= 60_000) {
        this.chainWarnedAt = Date.now();
        this.logger.warn(
          this.knownPartitions === null
            ? `publishing without partition-prev-position: the topic's partition count is unknown (${(error as Error).message})`
            : `the topic's partition count could not be asked (${(error as Error).message}); chaining with the last known, ${this.knownPartitions}`,
        );
      }
      if (this.knownPartitions === null) return null;
      partitions = this.knownPartitions;
    }
    const recent = after === '0' ? [] : await this.store.latestStreams(after, CHAIN_SEED_EVENTS);
    this.chain = PartitionChain.seed(partitions, after, recent, CHAIN_SEED_EVENTS);
    return this.chain;
  }

  private async saveCheckpoint(topic: string, position: string, count: number, session: Queryable): Promise<void> {
    await this.checkpoints.save(topic, position, session).catch((e) => this.onSessionError(session, e));
    this.status.checkpoint = position;
    this.status.published += count;
    this.onPublished(count, position);
  }

  /**
   * The checkpoint (read on `session`) and the events after it. With no read-ahead waiting (a relay keeping up,
   * woken by each append), both in one statement on the session; else the checkpoint, then the read-ahead's events.
   */
  private async next(session: Queryable, limit: number): Promise<{ checkpoint: string; events: StoredEvent[] }> {
    const { topic } = this.options;
    if (!this.ahead) return this.checkpoints.loadWithEvents(topic, limit, session).catch((e) => this.onSessionError(session, e));
    const checkpoint = await this.checkpoints.load(topic, session).catch((e) => this.onSessionError(session, e));
    return { checkpoint, events: await this.read(checkpoint, limit) };
  }

  /** The events after `after`: the read-ahead when it was for that position and found some, else a read now. */
  private async read(after: string, limit: number): Promise<StoredEvent[]> {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead && ahead.after === after) {
      const events = await ahead.events;
      // Empty when it ran before the next appends committed: read again rather than wait out the idle poll.
      if (events.length > 0) return events;
    }
    return this.store.readAll(after, limit);
  }

  /**
   * Starts reading the batch after `after` now. The log only grows past a committed position (positions become
   * visible in commit order), so what it returns is still exactly the next events when the cycle takes it; a
   * failure surfaces there (and fails that cycle), never as an unhandled rejection.
   */
  private readAhead(after: string, limit: number): void {
    const events = this.store.readAll(after, limit);
    events.catch(() => undefined);
    this.ahead = { after, events };
  }

  /** Any error of a query on the lock session (closed, terminated, read timeout) is lost leadership. */
  private onSessionError(session: Queryable, error: Error): never {
    if (session === this.lockClient) this.leadershipLost(this.lockClient, error);
    throw error;
  }

  private tooLarge(e: StoredEvent, bytes: number): Error {
    const need = bytes + 64 * 1024;
    return new Error(
      `event ${e.eventId} at position ${e.globalPosition} is a ${bytes}-byte Kafka record, above the ${this.budgetBytes} bytes ` +
        `one produce request may carry under NEWSROOM_MAX_EVENT_BYTES=${this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES}; ` +
        `set NEWSROOM_MAX_EVENT_BYTES to at least ${need} on every service and restart the relay (it raises the topics' max.message.bytes)`,
    );
  }

  /** The lock session while this relay leads, else null. Any error on that session is lost leadership. */
  private async ensureLeadership(): Promise<PoolClient | null> {
    if (this.lockClient) return this.lockClient;
    // A deposed leader stands by a full poll interval first, so a standby that saw the lock free takes it.
    if (Date.now() - this.lostLeadershipAt < this.standbyPollMs) return null;
    const client = await this.pool.connect();
    client.on('error', (error) => this.leadershipLost(client, error));
    let ok = false;
    try {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [this.options.leaderLockKey]);
      ok = rows[0].ok === true;
    } finally {
      if (!ok) client.release(true);
    }
    if (!ok) {
      this.status.leader = false;
      return null;
    }
    this.lockClient = client;
    this.status.leader = true;
    this.prepared = false;
    this.logger.log('relay is the leader for this database');
    await this.listen();
    return client;
  }

  /** The lock session failed (terminated, timed out, network): the lease may be someone else's now. Stop at once. */
  private leadershipLost(client: PoolClient, error: Error): void {
    if (this.lockClient !== client) return;
    this.logger.warn(`relay lost its leadership (lock session failed: ${error.message}); back to standby`);
    this.status.lastError = `lost leadership: ${error.message}`;
    void this.releaseClients();
  }

  /** Appends NOTIFY on commit, so the relay wakes at once instead of waiting out its poll interval. */
  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('error', () => undefined);
    client.on('notification', () => {
      if (this.wake) this.wake();
      else this.woken = true;
    });
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listenClient = client;
  }

  private async releaseClients(): Promise<void> {
    if (this.lockClient) this.lostLeadershipAt = Date.now();
    for (const client of [this.lockClient, this.listenClient]) {
      if (!client) continue;
      // Destroy rather than reuse: a session advisory lock must not outlive the relay's claim on it.
      client.release(true);
    }
    this.lockClient = null;
    this.listenClient = null;
    this.ahead = null;
    this.status.leader = false;
  }

  private get standbyPollMs(): number {
    return this.options.standbyPollMs ?? 2000;
  }

  private isConnectionLoss(error: unknown): boolean {
    // kafkajs protocol errors carry a numeric code: only Postgres SQLSTATE strings are checked for class 08.
    const e = error as { code?: unknown; message?: string };
    return (
      /terminat|ECONNREFUSED|ECONNRESET|Connection|unavailable|not queryable|lost its leadership/i.test(e?.message ?? '') ||
      (typeof e?.code === 'string' && e.code.startsWith('08'))
    );
  }

  /** The wait after a cycle that found nothing: none when an append was notified since that cycle began. */
  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return this.sleep(this.options.idleWaitMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}
