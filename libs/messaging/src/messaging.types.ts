/** The small surface the apps see; kafkajs stays behind it. */
export type Headers = Record<string, string>;

export interface OutgoingMessage {
  key: string;
  value: string | Buffer;
  headers?: Headers;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Headers;
}

export interface Publisher {
  /** Resolves once the broker acknowledged every message (acks = all); order is kept per partition. */
  /** `withinBudget`: the caller already sized the messages into one produce request's budget (the relay does). */
  publish(topic: string, messages: OutgoingMessage[], options?: { withinBudget?: boolean }): Promise<void>;
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
}

/** `stalled`: joined, but no fetch, heartbeat or batch for a while (the broker is away); readiness fails. */
export type ConsumerState = 'starting' | 'running' | 'stalled' | 'restarting' | 'stopped';
