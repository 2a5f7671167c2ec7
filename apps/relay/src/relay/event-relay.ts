import { Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { EVENTS_CHANNEL, PgEventStore, StoredEvent } from '@newsroom/event-store';
import { EVENT_HEADERS, OutgoingMessage, Publisher } from '@newsroom/messaging';
import { RelayCheckpoints } from './relay-checkpoints';

export interface EventRelayOptions {
  topic: string;
  batchSize: number;
  idleWaitMs: number;
  maxBackoffMs: number;
  /** Advisory lock key that makes exactly one relay per database the active one. */
  leaderLockKey: number;
}

export interface RelayStatus {
  leader: boolean;
  checkpoint: string;
  lastError: string | null;
  lastLoopAt: number;
  published: number;
}

/** The envelope consumers receive: PRODUCT.md's submission plus the server-side fields. */
export function toWireEvent(e: StoredEvent) {
  return {
    id: e.eventId,
    type: e.type,
    subject: e.streamId,
    occurredAt: e.occurredAt,
    data: e.data,
    sources: e.sources,
    modality: e.modality,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
    recordedAt: e.recordedAt,
    schemaVersion: e.schemaVersion,
    metadata: e.metadata,
  };
}

export function toMessage(e: StoredEvent): OutgoingMessage {
  return {
    key: e.streamId,
    value: JSON.stringify(toWireEvent(e)),
    headers: {
      [EVENT_HEADERS.eventId]: e.eventId,
      [EVENT_HEADERS.type]: e.type,
      [EVENT_HEADERS.globalPosition]: e.globalPosition,
      [EVENT_HEADERS.schemaVersion]: String(e.schemaVersion),
      [EVENT_HEADERS.streamVersion]: String(e.streamVersion),
      [EVENT_HEADERS.correlationId]: e.metadata?.correlationId ?? '',
      [EVENT_HEADERS.causationId]: e.metadata?.causationId ?? '',
    },
  };
}

/** The message with the event store's identity (`store-id` header), so a projector can refuse another store's events. */
export function toStoreMessage(e: StoredEvent, storeId: string | null): OutgoingMessage {
  const message = toMessage(e);
  return storeId ? { ...message, headers: { ...message.headers, 'store-id': storeId } } : message;
}

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
  private readonly status: RelayStatus = { leader: false, checkpoint: '0', lastError: null, lastLoopAt: 0, published: 0 };
  onPublished: (count: number, checkpoint: string) => void = () => undefined;
  private storeId: string | null | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly publisher: Publisher,
    private readonly checkpoints: RelayCheckpoints,
    private readonly options: EventRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
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
        if (!(await this.ensureLeadership())) {
          await this.sleep(2000);
          continue;
        }
        const published = await this.publishOnce();
        this.status.lastError = null;
        backoff = 200;
        if (published === 0) await this.sleep(this.options.idleWaitMs);
      } catch (error) {
        this.status.lastError = (error as Error).message;
        this.logger.warn(`relay iteration failed, retrying in ${backoff} ms: ${this.status.lastError}`);
        if (this.isConnectionLoss(error)) await this.releaseClients();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
  }

  /** Publishes the next batch after the checkpoint; returns how many events went out. */
  async publishOnce(): Promise<number> {
    const checkpoint = await this.checkpoints.load(this.options.topic);
    this.status.checkpoint = checkpoint;
    const events = await this.store.readAll(checkpoint, this.options.batchSize);
    if (events.length === 0) return 0;
    // The store's identity, read once (a one-row table made by a migration).
    this.storeId ??= await this.pool.query('SELECT id::text AS id FROM event_store.store_identity LIMIT 1').then(
      (r) => (r.rows[0]?.id as string | undefined) ?? null,
      (e) => (e.code === '42P01' ? null : Promise.reject(e)), // a schema from before the identity: no header
    );
    await this.publisher.publish(this.options.topic, events.map((e) => toStoreMessage(e, this.storeId as string | null)));
    const last = events[events.length - 1].globalPosition;
    await this.checkpoints.save(this.options.topic, last);
    this.status.checkpoint = last;
    this.status.published += events.length;
    this.onPublished(events.length, last);
    return events.length;
  }

  private async ensureLeadership(): Promise<boolean> {
    if (this.lockClient) return true;
    const client = await this.pool.connect();
    client.on('error', () => undefined);
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [this.options.leaderLockKey]);
    if (!rows[0].ok) {
      client.release();
      this.status.leader = false;
      return false;
    }
    this.lockClient = client;
    this.status.leader = true;
    this.logger.log('relay is the leader for this database');
    await this.listen();
    return true;
  }

  /** Appends NOTIFY on commit, so the relay wakes at once instead of waiting out its poll interval. */
  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('error', () => undefined);
    client.on('notification', () => this.wake?.());
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listenClient = client;
  }

  private async releaseClients(): Promise<void> {
    for (const client of [this.lockClient, this.listenClient]) {
      if (!client) continue;
      // Destroy rather than reuse: a session advisory lock must not outlive the relay's claim on it.
      client.release(true);
    }
    this.lockClient = null;
    this.listenClient = null;
    this.status.leader = false;
  }

  private isConnectionLoss(error: unknown): boolean {
    const e = error as { code?: string; message?: string };
    return /terminat|ECONNREFUSED|ECONNRESET|Connection|unavailable/i.test(e?.message ?? '') || e?.code?.startsWith('08') === true;
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
