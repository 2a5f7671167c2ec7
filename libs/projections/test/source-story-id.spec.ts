import { createHash } from 'node:crypto';
import { mergeSources, sourceIdOf, storyKeyOf } from '../src/facts/source-id.util';

const sha = (fields: unknown[]) => createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 24);

describe('story ids: a source with neither url nor title is told apart by its date', () => {
  type Cited = { outlet: string; language: string; publishedAt?: string; quote?: string };
  const may: Cited = { outlet: 'Le Monde', language: 'fr', publishedAt: '2025-05-06' };
  const september = { ...may, publishedAt: '2025-09-16' };

  it('gives articles of one outlet on different dates different ids and story keys', () => {
    expect(sourceIdOf(may)).not.toBe(sourceIdOf(september));
    expect(storyKeyOf(may)).not.toBe(storyKeyOf(september));
    expect(sourceIdOf(may)).toBe(sha(['Le Monde', null, null, '2025-05-06']));
  });

  it("keeps one date's articles of one outlet one story, the outlet folded for the key and trimmed for the id", () => {
    const other = { ...may, language: 'en', quote: 'autre citation' };
    expect(sourceIdOf(other)).toBe(sourceIdOf(may));
    expect(sourceIdOf({ ...may, outlet: ' Le Monde ' })).toBe(sourceIdOf(may));
    expect(storyKeyOf({ ...may, outlet: 'LE  MONDE' })).toBe(storyKeyOf(may));
    expect(storyKeyOf({ ...may, outlet: 'LE  MONDE', publishedAt: '2025-09-16' })).toBe(storyKeyOf(september));
  });

  it('keeps the id a story with a url or a title always had, whatever its date, and one with no date at all', () => {
    const url = 'https://www.lemonde.fr/a';
    expect(sourceIdOf({ ...may, url })).toBe(sha(['Le Monde', url, null]));
    expect(sourceIdOf({ ...september, url })).toBe(sourceIdOf({ ...may, url }));
    expect(sourceIdOf({ ...may, title: 'OpenAI' })).toBe(sha(['Le Monde', null, 'OpenAI']));
    expect(storyKeyOf({ ...september, title: 'OpenAI' })).toBe(storyKeyOf({ ...may, title: 'OpenAI' }));
    const undated: Cited = { outlet: 'Le Monde', language: 'fr' };
    expect(sourceIdOf(undated)).toBe(sha(['Le Monde', null, null]));
  });

  it("merges one event's citations of one story, not two dated articles of one outlet", () => {
    expect(mergeSources([may], [september])).toEqual([may, september]);
    expect(mergeSources([may], [{ ...may, quote: 'q' }])).toEqual([{ ...may, quote: 'q' }]);
  });
});
