import { compileFilter, parseFeedQuery, scopeFeedFilter } from './feed-query.reader';
import { LiveEntityLinks } from './live-entity-links.util';

const item = (type: string, subject: string, organizations: string[] = []) => ({
  type,
  subject,
  subjects: [...new Set([subject, ...organizations])],
  organizations,
  targetType: null,
});
const link = (type: string, subject: string, data: object, position: string) => ({ type, subject, data, position });

describe('feed filters over one entity, many names', () => {
  it('given a merge, then an organization filter matches items of either subject, and a subject filter both streams', () => {
    const links = new LiveEntityLinks();
    links.reset([{ subject: 'org:openai-inc', link: 'merge', target: 'org:openai', linked_position: '5' }]);
    const byOrg = compileFilter(scopeFeedFilter(parseFeedQuery({ organization: 'org:openai' }), links.graph()));
    expect(byOrg(item('financial.loss_reported', 'org:openai-inc', ['org:openai-inc']))).toBe(true);
    expect(byOrg(item('executive.departed', 'person:a', ['org:openai']))).toBe(true);
    expect(byOrg(item('executive.departed', 'person:a', ['org:anthropic']))).toBe(false);
    // Asked by the merged slug: the same entity.
    const bySubject = compileFilter(scopeFeedFilter(parseFeedQuery({ subjects: 'org:openai-inc' }), links.graph()));
    expect(bySubject(item('headcount.reported', 'org:openai'))).toBe(true);
    expect(bySubject(item('headcount.reported', 'org:anthropic'))).toBe(false);
  });

  it('given merge and unmerge items in order, then the scope widens at the merge and narrows at the unmerge, and a repeat changes nothing', () => {
    const links = new LiveEntityLinks();
    links.reset([]);
    const filter = parseFeedQuery({ subjects: 'person:sam-altman' });
    const matchesNow = () => compileFilter(scopeFeedFilter(filter, links.graph()));
    expect(matchesNow()(item('executive.departed', 'person:samuel-altman'))).toBe(false);
    const merge = link('entity.merged', 'person:samuel-altman', { into: 'person:sam-altman', reason: 'same' }, '10');
    expect(links.apply(merge)).toBe(true);
    expect(links.apply(merge)).toBe(false);
    expect(matchesNow()(item('executive.departed', 'person:samuel-altman'))).toBe(true);
    expect(links.apply(link('entity.unmerged', 'person:samuel-altman', { from: 'person:other' }, '11'))).toBe(false);
    expect(links.apply(link('entity.aliased', 'person:sam-altman', { name: 'Samuel H. Altman' }, '12'))).toBe(false);
    expect(links.apply(link('entity.unmerged', 'person:samuel-altman', { from: 'person:sam-altman' }, '13'))).toBe(true);
    expect(matchesNow()(item('executive.departed', 'person:samuel-altman'))).toBe(false);
  });

  it('given no subject or organization, then scoping leaves the filter as it was', () => {
    const links = new LiveEntityLinks();
    const scoped = scopeFeedFilter(parseFeedQuery({ types: 'executive.departed' }), links.graph());
    expect(scoped).toMatchObject({ types: ['executive.departed'], subjects: null, organization: null, organizations: null });
  });
});
