import { EVENT_HEADERS } from './topics.config';
import { PartitionChain, partitionOfKey, partitionPrevPosition } from './partitioning.util';

/** Keys whose partitions (of 3) are known, found by the partitioner itself. */
const keyOn = (partition: number, n = 0): string => {
  for (let i = 0, found = 0; i < 10_000; i++) {
    const key = `person:k-${i}`;
    if (partitionOfKey(key, 3) === partition && found++ === n) return key;
  }
  throw new Error(`no key on partition ${partition}`);
};

describe('PartitionChain: the previous event of each partition, for partition-prev-position', () => {
  it('links every event to the previous one of its partition, 0 before the first on an empty log', () => {
    const chain = PartitionChain.seed(3, '0', [], 10);
    const log = [keyOn(0), keyOn(1), keyOn(0, 1), keyOn(2), keyOn(1, 1), keyOn(0)];
    const headers = log.map((key, i) => chain.next(key, String(i + 1)));
    expect(headers).toEqual(['0', '0', '1', '0', '2', '3']);
    expect(chain.upTo).toBe('6');
  });

  it('starts from the log before it: the latest event of each partition, newest first', () => {
    const recent = [
      { position: '9', streamId: keyOn(1) },
      { position: '8', streamId: keyOn(1, 1) },
      { position: '5', streamId: keyOn(2) },
      { position: '4', streamId: keyOn(0) },
      { position: '2', streamId: keyOn(0, 1) },
    ];
    const chain = PartitionChain.seed(3, '9', recent, 5);
    expect([chain.next(keyOn(0), '10'), chain.next(keyOn(1), '11'), chain.next(keyOn(2), '12')]).toEqual(['4', '9', '5']);
  });

  it('knows a partition had nothing before only when the read reached the start of the log', () => {
    const recent = [{ position: '7', streamId: keyOn(1) }];
    // Fewer rows than asked for: the whole log was read, partitions 0 and 2 have no event yet.
    expect(PartitionChain.seed(3, '7', recent, 100).next(keyOn(2), '8')).toBe('0');
    // As many as asked for: older events may be on partition 2, so its first message goes without the header.
    const capped = PartitionChain.seed(3, '7', recent, 1);
    expect(capped.next(keyOn(2), '8')).toBeNull();
    expect(capped.next(keyOn(2), '9')).toBe('8');
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => PartitionChain.seed(0, '0', [], 1)).toThrow(/partitions/);
  });

  it('reads the header as a position, and nothing else', () => {
    const h = EVENT_HEADERS.partitionPrevPosition;
    expect(partitionPrevPosition({ [h]: '42' })).toBe(42n);
    expect(partitionPrevPosition({ [h]: '0' })).toBe(0n);
    for (const bad of ['', '-1', '1e3', ' 4', '99999999999999999999']) expect(partitionPrevPosition({ [h]: bad })).toBeNull();
    expect(partitionPrevPosition({})).toBeNull();
  });
});
