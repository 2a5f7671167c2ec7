import { mergeSources, sourceIdOf } from '../src/facts/source-id.util';

describe("mergeSources: an event's sources and a correction's, without repeating a story", () => {
  type Source = { outlet: string; url: string | null; title: string | null; quote?: string };
  const story: Source = { outlet: 'Le Monde', url: 'https://www.lemonde.fr/a', title: 'OpenAI' };

  it('gives back the same array when there is nothing to merge (one source, or several distinct ones)', () => {
    const one = [story];
    expect(mergeSources(one, [])).toBe(one);
    const none: Source[] = [];
    expect(mergeSources(none, [])).toBe(none);
    const two = [story, { ...story, url: 'https://www.lemonde.fr/b' }];
    expect(mergeSources(two, [])).toBe(two);
  });

  it('keeps a story cited twice once, with the quote a later citation adds', () => {
    const merged = mergeSources(
      [story],
      [
        { ...story, quote: '« une citation »' },
        { outlet: ' Reuters ', url: null, title: null },
      ],
    );
    expect(merged).toEqual([
      { ...story, quote: '« une citation »' },
      { outlet: ' Reuters ', url: null, title: null },
    ]);
    // The same story in one event's list twice is one source too.
    expect(mergeSources([story, { ...story }], [])).toEqual([story]);
    expect(sourceIdOf({ ...story, outlet: ' Le Monde ' })).toBe(sourceIdOf(story));
  });
});
