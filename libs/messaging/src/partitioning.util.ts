import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { EVENT_HEADERS } from './topics.config';

/**
 * The partition the relay's producer puts a key on: kafkajs's DefaultPartitioner (the Java client's murmur2 of the
 * key, made positive, modulo the partition count), called as the producer calls it.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const partitionMetadata =
    PARTITION_METADATA[partitions] ??
    (PARTITION_METADATA[partitions] = Array.from({ length: partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
    })));
  return DEFAULT_PARTITIONER({ topic: '', partitionMetadata, message: { key, value: null } });
}
const DEFAULT_PARTITIONER = Partitioners.DefaultPartitioner();
/** How many keys a PartitionChain remembers the partition of (then it starts again). */
const PLACED_KEYS = 50_000;
const PARTITION_METADATA: Record<number, PartitionMetadata[]> = {};

/**
 * The `partition-prev-position` header of a message of the events topic: the position of the log's previous event on
 * the same partition ('0': none before it), or null when the header is absent or not a decimal.
 */
export function partitionPrevPosition(headers: Record<string, string | undefined>): bigint | null {
  const value = headers[EVENT_HEADERS.partitionPrevPosition];
  return value !== undefined && /^\d{1,19}$/.test(value) ? BigInt(value) : null;
}

/**
 * Where each partition of the events topic stands in the log, so the relay can put on every message the position of
 * the log's previous event on the same partition (`partition-prev-position`). A consumer that sees that header point
 * past what it has applied of the partition knows the topic lacks an event the store holds (a broker that lost
 * acknowledged records in a crash, say) and reads it from the store before it goes on, in order.
 *
 * It is a property of the log and the partition count, not of what reached the topic: the chain covers the log up to
 * `upTo`, and the relay seeds a new one whenever its next read does not start there (a restart, a failed cycle that
 * reads again from the checkpoint) or the chain is older than the relay allows (the partition count is asked again).
 */
export class PartitionChain {
  private constructor(
    readonly partitions: number,
    private position: string,
    /** Each partition's last event up to `upTo`; a partition absent here is unknown (no header). */
    private readonly last: Map<number, string>,
    readonly seededAt: number,
  ) {}

  /** Keys already placed (a chain lives at most a minute, with one partition count). */
  private readonly placed = new Map<string, number>();

  /**
   * A chain up to `upTo`, from the log's latest events at or below it (`recent`, newest first, at most `limit` of
   * them, as asked of the store). A partition none of them is on is known to have nothing before when the read reached
   * the log's start (fewer rows than asked for), and is unknown otherwise.
   */
  static seed(
    partitions: number,
    upTo: string,
    recent: ReadonlyArray<{ position: string; streamId: string }>,
    limit: number,
    now = Date.now(),
  ): PartitionChain {
    if (!Number.isSafeInteger(partitions) || partitions < 1) throw new Error(`partition chain: ${partitions} partitions`);
    const last = new Map<number, string>();
    for (const { position, streamId } of recent) {
      if (last.size === partitions) break;
      const p = partitionOfKey(streamId, partitions);
      if (!last.has(p)) last.set(p, position);
    }
    if (recent.length < limit) for (let p = 0; p < partitions; p++) if (!last.has(p)) last.set(p, '0');
    return new PartitionChain(partitions, upTo, last, now);
  }

  /** The position of the last event the chain covers. */
  get upTo(): string {
    return this.position;
  }

  /**
   * The header for the log's next event (keyed `key`, at `position`): the previous position on its partition, or
   * null when unknown. The chain then covers that event. Events must come in log order, with none skipped.
   */
  next(key: string, position: string): string | null {
    let p = this.placed.get(key);
    if (p === undefined) {
      // kafkajs's partitioner costs about 2 µs a call (measured); a stream's events come again and again.
      if (this.placed.size >= PLACED_KEYS) this.placed.clear();
      p = partitionOfKey(key, this.partitions);
      this.placed.set(key, p);
    }
    const previous = this.last.get(p) ?? null;
    this.last.set(p, position);
    this.position = position;
    return previous;
  }
}
