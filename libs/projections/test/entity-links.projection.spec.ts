import { distinctNames, EntityGraph, evolveEntityLinks, evolveFeed } from '@newsroom/projections';
import { event } from './support/events.builder';

describe('entity links: the pure evolve, the graph, and the feed item of an entity record', () => {
  const merged = event('entity.merged', 'person:samuel-altman', null, { into: 'person:sam-altman', reason: 'same person' });
  const unmerged = event('entity.unmerged', 'person:samuel-altman', null, { from: 'person:sam-altman', reason: 'apart' });

  it('given a merge and its reversal, then a link starts and the same link ends', () => {
    expect(evolveEntityLinks(merged)).toMatchObject({
      op: 'link',
      link: 'merge',
      subject: 'person:samuel-altman',
      target: 'person:sam-altman',
    });
    expect(evolveEntityLinks(unmerged)).toMatchObject({
      op: 'unlink',
      link: 'merge',
      subject: 'person:samuel-altman',
      target: 'person:sam-altman',
    });
  });

  it('given a chain and a racing opposite merge, then the graph follows the chain and leaves out the merge that closes a cycle', () => {
    const graph = new EntityGraph([
      { subject: 'person:a', link: 'merge', target: 'person:b', linked_position: '1' },
      { subject: 'person:b', link: 'merge', target: 'person:c', linked_position: '2' },
      { subject: 'person:c', link: 'merge', target: 'person:a', linked_position: '3' },
      { subject: 'person:a', link: 'name', target: 'A. Person', linked_position: '4' },
    ]);
    expect(graph.canonicalOf('person:a')).toBe('person:c');
    expect(graph.membersOf('person:b')).toEqual(['person:c', 'person:a', 'person:b']);
    expect(graph.aliasNamesOf('person:c')).toEqual(['A. Person']);
  });

  it('given alias names of two merged subjects that a reader tells apart only by case, spacing or invisible marks, then the entity lists each once, the first recorded', () => {
    const graph = new EntityGraph([
      { subject: 'person:a', link: 'name', target: 'Sam Altman', linked_position: '1' },
      { subject: 'person:b', link: 'name', target: 'sam  altman', linked_position: '2' },
      { subject: 'person:b', link: 'name', target: 'Sam\u200b Altman', linked_position: '3' },
      { subject: 'person:b', link: 'name', target: 'Samuel Altman', linked_position: '4' },
      { subject: 'person:b', link: 'merge', target: 'person:a', linked_position: '5' },
    ]);
    expect(graph.aliasNamesOf('person:b')).toEqual(['Sam Altman', 'Samuel Altman']);
    expect(distinctNames(['Sam Altman', 'A. Person', 'sam altman', 'a. person'])).toEqual(['Sam Altman', 'A. Person']);
  });

  it('given an entity.merged, then the feed gets an item with a headline in both languages', () => {
    const [change] = evolveFeed(merged);
    expect(JSON.stringify(change)).toContain('Samuel Altman is the same entity as Sam Altman');
  });
});
