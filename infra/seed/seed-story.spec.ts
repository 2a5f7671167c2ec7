import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storyToSubmissions, validateStoryRequest } from '@newsroom/domain';

const seed = JSON.parse(readFileSync(join(__dirname, 'openai-commercial-transformation.story.json'), 'utf8'));

describe('the seed story file', () => {
  it('given the file, when validated as a POST /v1/stories body, then it is accepted', () => {
    const result = validateStoryRequest(seed);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('given the file, when expanded, then every event is sourced by the story with its own French quote', () => {
    const result = validateStoryRequest(seed);
    if (!result.ok) throw new Error('seed is invalid');
    const submissions = storyToSubmissions(result.value);
    expect(submissions).toHaveLength(seed.events.length);
    submissions.forEach((s, i) => {
      expect(s.sources[0]).toEqual({ ...seed.story, quote: seed.events[i].quote });
      expect(s.sources[0].language).toBe('fr');
      expect(s.sources[0].quote!.length).toBeGreaterThan(10);
    });
  });

  it('given the file, when its ids are read, then they are fixed and unique, so loading it twice records nothing new', () => {
    const ids = seed.events.map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id: string) => expect(id).toMatch(/^0193b7f0-0000-7000-8000-0000000000\d\d$/));
  });
});
