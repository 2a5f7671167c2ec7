import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { EntityManager } from 'typeorm';
import { EventLogReader, type StoredEvent } from '@newsroom/event-store';

/**
 * The partition the relay's producer puts a key on: kafkajs's DefaultPartitioner (the Java client's murmur2 of the
 * key, made positive, modulo the partition count), called as the producer calls it.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const partitioner = DEFAULT_PARTITIONER;
  const partitionMetadata =
    PARTITION_METADATA[partitions] ??
    (PARTITION_METADATA[partitions] = Array.from({ length: partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
    })));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
const DEFAULT_PARTITIONER = Partitioners.DefaultPartitioner();
const PARTITION_METADATA: Record<number, PartitionMetadata[]> = {};

/** Events read from the store per query while a gap is filled. */
const GAP_PAGE = 5000;

/**
 * The events in (after, before) that the relay put on `partition` of a topic with `partitions` partitions, read
 * from the event store in position order, a page at a time: what the topic should have delivered there and did
 * not (retention deleted it, or the topic was recreated).
 */
export async function* eventsMissingFromPartition(
  manager: EntityManager,
  { after, before, partition, partitions }: { after: bigint; before: bigint | null; partition: number; partitions: number },
): AsyncGenerator<StoredEvent[]> {
  const pages = new EventLogReader(manager).pages({ after, before, pageSize: GAP_PAGE });
  for await (const page of pages) {
    const mine = page.filter((e) => partitionOfKey(e.streamId, partitions) === partition);
    if (mine.length) yield mine;
  }
}
