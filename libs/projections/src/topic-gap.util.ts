import { EntityManager } from 'typeorm';
import { EventLogReader, type StoredEvent } from '@newsroom/event-store';
import { partitionOfKey, partitionPrevPosition } from '@newsroom/messaging';

export { partitionOfKey };

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

/**
 * Where the relay's partition chain shows events missing before a message of a batch (one partition's, in offset
 * order): its `partition-prev-position` is above every position seen before it there (the lowest checkpoint of the
 * partition's projections, -1 when none has one, then the batch's items). The events in (after, before) of this
 * partition are then in the store and not on the topic. A message without the header (an older relay, or one that
 * did not know the partition count) or with '0' (nothing before it) shows none. One comparison per message.
 */
export function chainGaps(
  items: ReadonlyArray<{ position: bigint; message: { headers: Record<string, string | undefined> } }>,
  lowest: bigint,
): Array<{ at: number; after: bigint; before: bigint }> {
  const gaps: Array<{ at: number; after: bigint; before: bigint }> = [];
  let seen = lowest;
  items.forEach((item, at) => {
    const previous = partitionPrevPosition(item.message.headers);
    if (previous !== null && previous > 0n && previous > seen && item.position > previous)
      gaps.push({ at, after: seen, before: item.position });
    if (item.position > seen) seen = item.position;
  });
  return gaps;
}
