import { EVENT_HEADERS } from '@newsroom/messaging';
import { chainGaps } from '../src/topic-gap.util';

const item = (position: number, prev?: number | string) => ({
  position: BigInt(position),
  message: { headers: prev === undefined ? {} : { [EVENT_HEADERS.partitionPrevPosition]: String(prev) } },
});

describe('chainGaps: events a partition lacks, by the relay partition chain', () => {
  it('finds none when every message follows the one before it (or the checkpoint)', () => {
    expect(chainGaps([item(12, 10), item(15, 12), item(16, 15)], 10n)).toEqual([]);
    expect(chainGaps([item(1, 0), item(4, 1)], -1n)).toEqual([]);
  });

  it('finds an event missing before the batch and one inside it, each before the message that shows it', () => {
    expect(chainGaps([item(15, 12), item(16, 15), item(21, 19), item(22, 21)], 10n)).toEqual([
      { at: 0, after: 10n, before: 15n },
      { at: 2, after: 16n, before: 21n },
    ]);
  });

  it('finds the whole partition missing for a projector with no checkpoint', () => {
    expect(chainGaps([item(30, 27)], -1n)).toEqual([{ at: 0, after: -1n, before: 30n }]);
  });

  it('sees no gap in redelivered messages, in messages without the header, or in a header not below its message', () => {
    // A relay republish after a crash: positions start again below what was seen, each linked to the one before.
    // Applied up to 20, then 14, 18 and 20 again, then 23.
    expect(chainGaps([item(14, 12), item(18, 14), item(20, 18), item(23, 20)], 20n)).toEqual([]);
    // Inside a batch: 20 again after 23, then 26 (linked to 23).
    expect(chainGaps([item(23, 20), item(20, 18), item(26, 23)], 20n)).toEqual([]);
    expect(chainGaps([item(40), item(50)], 10n)).toEqual([]);
    expect(chainGaps([item(40, 40), item(50, 60)], 10n)).toEqual([]);
  });
});
