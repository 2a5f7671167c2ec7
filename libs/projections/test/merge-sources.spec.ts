import { createHash } from 'node:crypto';
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

  it('gives a story the same id however many other stories came between (the kept keys are bounded, the ids are not)', () => {
    const expected = (outlet: string, url: string | null, title: string | null) =>
      createHash('sha256')
        .update(JSON.stringify([outlet, url, title]))
        .digest('hex')
        .slice(0, 24);
    // Fresh objects each time, as a report's rows and the projector's messages are: only the kept keys can answer.
    const cite = (i: number) => ({ outlet: 'Example Wire', url: `https://wire.example.com/a/${i}`, title: null });
    const first = sourceIdOf(cite(0));
    expect(first).toBe(expected('Example Wire', 'https://wire.example.com/a/0', null));
    // Far more new stories than are kept: the first one's key is long gone, then asked again.
    for (let i = 1; i <= 25_000; i++) sourceIdOf(cite(i));
    expect(sourceIdOf(cite(0))).toBe(first);
    // A story asked for again and again keeps its id while new ones keep coming.
    for (let i = 25_001; i <= 40_000; i++) {
      sourceIdOf(cite(i));
      if (i % 1000 === 0) expect(sourceIdOf(cite(7))).toBe(expected('Example Wire', 'https://wire.example.com/a/7', null));
    }
    expect(sourceIdOf(cite(40_000))).toBe(expected('Example Wire', 'https://wire.example.com/a/40000', null));
  });
});
