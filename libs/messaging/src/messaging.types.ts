/** The small surface the apps see; kafkajs stays behind it. */
export type Headers = Record<string, string>;

/** A header as it goes on the wire: text, bytes, or every value of a header given more than once (in order). */
export type OutgoingHeaderValue = string | Buffer | Array<string | Buffer>;

export interface OutgoingMessage {
  /** null: no key. */
  key: string | Buffer | null;
  /** null: a tombstone. */
  value: string | Buffer | null;
  headers?: Record<string, OutgoingHeaderValue>;
}

/**
 * A record exactly as the broker gave it: key and value bytes (null when absent: no key, a tombstone), and every
 * value of every header in its order (a header with a null value comes as an empty buffer). Dead letters repeat these.
 */
export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer[]>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  /** The key as UTF-8 text (null without a key). */
  key: string | null;
  /** The value (empty for a tombstone: see `raw`). */
  value: Buffer;
  /** The first value of each header as UTF-8 text, for the headers a handler reads (trace ids). */
  headers: Headers;
  /** The bytes as they came: set by ManagedConsumer; a message built by hand (unit tests) may leave it out. */
  raw?: RawRecord;
  /**
   * Set when the record could not be read: its batch did not decompress (over the size bound, corrupt). The key,
   * value and headers are then empty; a handler dead-letters it with this reason, naming its partition and offset.
   */
  unreadable?: string;
}

export interface Publisher {
  /** Resolves once the broker acknowledged every message (acks = all); order is kept per partition. */
  /** `withinBudget`: the caller already sized the messages into one produce request's budget (the relay does). */
  /**
   * `deadLetters`: the messages go to a dead-letter topic and must always fit it: sent GZIP-compressed, and one that
   * is too large even so is cut (dead-letter.util.ts: `fitDeadLetter`), never refused by the broker.
   */
  publish(topic: string, messages: OutgoingMessage[], options?: PublishOptions): Promise<void>;
}

export interface PublishOptions {
  withinBudget?: boolean;
  deadLetters?: boolean;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

/**
 * Handles one fetched batch of a single partition. Return the offset of the last message whose effect is
 * durable; the consumer commits it. Throwing makes the consumer retry the batch after a backoff.
 */
export type BatchHandler = (batch: { topic: string; partition: number; messages: IncomingMessage[] }) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  handler: BatchHandler;
  partitionsConsumedConcurrently?: number;
  maxWaitTimeInMs?: number;
  /** Broker-side session timeout (default 30 s): how long a member that stopped heartbeating stays in the group. */
  sessionTimeout?: number;
  /**
   * A joined member that shows no sign of life (no fetch, heartbeat or batch) for this long is replaced: the last
   * resort for a kafkajs consumer that hangs without crashing (kafkajs issues 659, 1443). Above kafkajs' rebalance
   * timeout (60 s), through which a rejoining member is legitimately silent. Default 90 s; 0 turns it off.
   */
  replaceSilentAfterMs?: number;
  /**
   * A batch whose handler throws holds back only its own partition: that partition is paused and its batch retried
   * after a backoff (0.5 s doubling to 30 s), while the consumer stays in the group and the other partitions go on
   * and commit. Off: the error fails the whole consumer, which is replaced (every partition's uncommitted batches
   * are then delivered again).
   */
  isolateFailingPartitions?: boolean;
}

/**
 * `stalled`: joined, but no fetch, heartbeat or batch for a while (the broker is away); `retrying`: running, but a
 * partition's batch failed and waits to be tried again (isolateFailingPartitions). Readiness fails on both.
 */
export type ConsumerState = 'starting' | 'running' | 'stalled' | 'retrying' | 'restarting' | 'stopped';
