import type { ICustomPartitioner, PartitionerArgs, RecordMetadata } from 'kafkajs';

/**
 * kafkajs 2.2.4 can resolve a send without having written all of it (measured in the leader-kill fault test, and
 * `tests/fault/produce-retry-loss.fault-spec.ts` makes it happen on purpose).
 *
 * `sendMessages` sends one request per partition leader and keeps each broker's answer across its retries, so a
 * retry only goes to brokers that have not answered yet. When a broker fails (killed, connection reset) and its
 * partitions move, at the retry's metadata refresh, to a broker that already answered the first attempt, the
 * retry sends nothing for them: the send resolves with the first answers only, and the moved partitions'
 * messages were never written. The relay would then checkpoint past events Kafka never had (every read model
 * misses them; the feed watermark stands still before the first one). Upstream: tulios/kafkajs#1798 (open).
 *
 * The guard: remember the partition kafkajs chose for each message (its partitioner is called with our message
 * objects, on every attempt), and count a send as done only when its answer acknowledges every one of them.
 */
export type PartitionsChosen = WeakMap<object, number>;

/** Wraps a partitioner so the partition it returns for each message object is kept in `chosen` (the latest attempt's). */
export function recordingPartitioner(inner: ICustomPartitioner, chosen: PartitionsChosen): ICustomPartitioner {
  return () => {
    const partition = inner();
    return (args: PartitionerArgs) => {
      const p = partition(args);
      chosen.set(args.message, p);
      return p;
    };
  };
}

/**
 * The partitions of `topic` the messages went to that the answer does not acknowledge (errorCode 0), sorted; -1
 * stands for a message whose partition was never chosen (not sent at all).
 */
export function unacknowledgedPartitions(
  topic: string,
  messages: readonly object[],
  chosen: PartitionsChosen,
  answer: readonly RecordMetadata[],
): number[] {
  const acknowledged = new Set<number>();
  for (const r of answer) if (r.topicName === topic && r.errorCode === 0) acknowledged.add(r.partition);
  const missing = new Set<number>();
  for (const m of messages) {
    const p = chosen.get(m) ?? -1;
    if (!acknowledged.has(p)) missing.add(p);
  }
  return [...missing].sort((a, b) => a - b);
}

/** A send kafkajs resolved while some of its partitions were never acknowledged: nothing of it counts as published. */
export class UnacknowledgedSendError extends Error {
  readonly retriable = true;

  constructor(
    readonly topic: string,
    readonly partitions: number[],
    readonly messages: number,
  ) {
    super(
      `Kafka did not acknowledge partition(s) ${partitions.join(', ')} of ${topic} for a send of ${messages} message(s) ` +
        '(kafkajs dropped them on a retry after a partition leader moved); the send failed and is to be made again',
    );
    this.name = 'UnacknowledgedSendError';
  }
}
