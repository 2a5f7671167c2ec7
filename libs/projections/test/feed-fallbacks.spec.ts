import { evolveFeed, type FeedItemRow } from '@newsroom/projections';
import { appointed, correction, event, retraction } from './support/events.builder';

const itemOf = (...args: Parameters<typeof evolveFeed>): FeedItemRow => {
  const insert = evolveFeed(...args).find((c) => c.kind === 'insert');
  if (!insert || insert.kind !== 'insert') throw new Error('no item');
  return insert.item;
};

describe("an item naming another fact lists that fact's fallbacks (French in French)", () => {
  it('given a correction giving a role in French alone, then its English item marks it and lists data.role, its French one nothing', () => {
    // Recorded in French alone (a plain string would be the English text, which the French merges beside).
    const fact = appointed('person:ann', 'Head of Widgets', '2026-03-01', { organization: 'org:acme', role: { fr: 'chef des widgets' } });
    const factItem = itemOf(fact);
    expect(factItem.fallbacks).toBeNull();
    const fix = itemOf(correction(fact, { data: { role: { fr: 'responsable des widgets' } } }), factItem);
    expect(fix.headlineEn).toContain('responsable des widgets [fr]');
    expect(fix.fallbacks).toEqual({ en: ['data.role'], fr: [] });
  });

  it('given a correction giving the French of a role recorded as a plain string, then both items read their own language, no fallback', () => {
    const fact = appointed('person:ann', 'Head of Widgets', '2026-03-01', { organization: 'org:acme' });
    const fix = itemOf(correction(fact, { data: { role: { fr: 'responsable des widgets' } } }), itemOf(fact));
    expect(fix.headlineEn).toContain('Head of Widgets');
    expect(fix.fallbacks).toEqual({ en: [], fr: [] });
  });

  it("given a retraction or an attached source of a fact with English text alone, then the item's French lists it", () => {
    const fact = appointed('person:ann', 'Head of Widgets', '2026-03-01', { organization: 'org:acme' });
    const factItem = itemOf(fact);
    expect(itemOf(retraction(fact), factItem).fallbacks).toEqual({ en: [], fr: ['data.role'] });
    const sourced = event('event.sourced', fact.subject, null, { targetEventId: fact.id, stance: 'confirms' });
    expect(itemOf(sourced, factItem).fallbacks).toEqual({ en: [], fr: ['data.role'] });
  });

  it('given an amendment whose target is not in the feed, then it keeps none (its own data is served)', () => {
    const fact = appointed('person:ann', 'Head of Widgets', '2026-03-01', { organization: 'org:acme' });
    expect(itemOf(retraction(fact)).fallbacks).toBeNull();
  });
});
