import type { HeadlineEvent } from '@newsroom/domain';
import { correctionsReach, evolveFeed, mentionsOf, subjectsOf, type FeedItemRow } from '@newsroom/projections';
import { correction, departed, event, retraction } from './support/events.builder';

/** The item evolveFeed makes for an event (given its target's item, if any). */
const itemOf = (...args: Parameters<typeof evolveFeed>): FeedItemRow => {
  const insert = evolveFeed(...args).find((c) => c.kind === 'insert');
  if (!insert || insert.kind !== 'insert') throw new Error('no item');
  return insert.item;
};

// The black-box tester's three facts.
const intervention = () =>
  event('regulatory.intervention_requested', 'org:beta', '2026-03-01', { by: 'org:acme', authority: 'authority:ftc', request: 'block' });
const target = () => event('revenue.target_set', 'org:acme', '2026-03-01', { setBy: 'person:pat', amount: 1, currency: 'USD' });
const departure = () => departed('person:pat', 'CFO', '2026-03-01', { organization: 'org:acme', destination: 'org:gamma' });

describe('the entities a feed item concerns (subjects= and organization= filters)', () => {
  it("given the tester's three facts, then each item names every subject its data names, in the roles the timeline lists", () => {
    expect(itemOf(intervention()).subjects).toEqual(['org:beta', 'org:acme', 'authority:ftc']);
    expect(itemOf(intervention()).organizations).toEqual(['org:beta', 'org:acme']);
    expect(itemOf(target()).subjects).toEqual(['org:acme', 'person:pat']);
    expect(itemOf(target()).organizations).toEqual(['org:acme']);
    expect(itemOf(departure()).subjects).toEqual(['person:pat', 'org:acme', 'org:gamma']);
    // The destination is an organization: `organization=org:gamma` reaches the departure too.
    expect(itemOf(departure()).organizations).toEqual(['org:acme', 'org:gamma']);
  });

  it("given any fact, then its subjects are exactly the timeline's mentions of it (one list, not two)", () => {
    for (const e of [intervention(), target(), departure()]) {
      expect(subjectsOf(e)).toEqual(mentionsOf(e.subject, e.data).map((m) => m.subject));
    }
    const suit = event('lawsuit.filed', 'case:acme-v-beta', '2026-01-01', {
      plaintiffs: ['org:acme', 'person:pat'],
      defendants: ['org:beta', 'authority:ftc'],
    });
    expect(subjectsOf(suit)).toEqual(['case:acme-v-beta', 'org:acme', 'person:pat', 'org:beta', 'authority:ftc']);
    const round = event('funding.round_closed', 'org:beta', '2026-01-01', {
      leadInvestor: 'org:acme',
      investors: ['org:acme', 'org:gamma'],
    });
    expect(subjectsOf(round)).toEqual(['org:beta', 'org:acme', 'org:gamma']);
  });

  it('given a plain name where a subject may go (a destination not tracked), then only subjects are kept', () => {
    const d = departed('person:pat', 'CFO', null, { organization: 'org:acme', destination: 'a startup' });
    expect(subjectsOf(d)).toEqual(['person:pat', 'org:acme']);
  });

  it("given a correction, a retraction or an attached source, then its item reaches whoever its target's item reached", () => {
    const fact = departure();
    const factItem = itemOf(fact);
    expect(itemOf(retraction(fact), factItem).subjects).toEqual(factItem.subjects);
    expect(itemOf(correction(fact, { occurredAt: '2026-03-02' }), factItem).subjects).toEqual(factItem.subjects);
    const sourced = event('event.sourced', fact.subject, null, { targetEventId: fact.id, stance: 'confirms' });
    expect(itemOf(sourced, factItem).subjects).toEqual(factItem.subjects);
  });

  it('given a correction that moves the destination, then its item reaches the new destination and the old one', () => {
    const fact = departure();
    const fix = itemOf(correction(fact, { data: { destination: 'org:delta' } }), itemOf(fact));
    expect([...fix.subjects].sort()).toEqual(['org:acme', 'org:delta', 'org:gamma', 'person:pat']);
    expect([...fix.organizations].sort()).toEqual(['org:acme', 'org:delta', 'org:gamma']);
  });

  it("given a fact moved to another organization, then every later item on it reaches the old organization's readers and the new one's", () => {
    // The tester's steps: a departure from A, a source, a correction to B, another source, a retraction.
    const fact = departed('person:pat', 'CFO', '2026-03-01', { organization: 'org:a' });
    const factItem = itemOf(fact);
    expect(itemOf(event('event.sourced', fact.subject, null, { targetEventId: fact.id }), factItem).organizations).toEqual(['org:a']);
    const changes = { data: { organization: 'org:b' } };
    expect(itemOf(correction(fact, changes), factItem).organizations).toEqual(['org:b', 'org:a']);
    // After the correction the adapter gives the fact as it now stands and whom the corrections reached.
    const moved = { ...fact, data: { ...fact.data, organization: 'org:b' } } as unknown as HeadlineEvent;
    const reached = correctionsReach(fact.subject, [changes]);
    expect(reached).toEqual(['org:b']);
    const sourced = event('event.sourced', fact.subject, null, { targetEventId: fact.id });
    expect(itemOf(sourced, factItem, moved, [], reached).organizations).toEqual(['org:a', 'org:b']);
    expect(itemOf(retraction(fact), factItem, moved, [], reached).organizations).toEqual(['org:a', 'org:b']);
    // A second move (B to C) reaches A (the fact's item), B (the first correction) and C (the fact as it now stands).
    const again = itemOf(correction(fact, { data: { organization: 'org:c' } }), factItem, moved, [], reached);
    expect([...again.organizations].sort()).toEqual(['org:a', 'org:b', 'org:c']);
  });

  it('given a target stored before items kept subjects, then its organizations still reach the amendment', () => {
    const fact = departure();
    expect(subjectsOf(retraction(fact), { organizations: ['org:acme'] })).toEqual(['person:pat', 'org:acme']);
  });

  it("given a case's step, then it reaches its filing's parties, people and authorities as well as organizations", () => {
    const step = event('lawsuit.status_changed', 'case:x', '2026-02-01', { status: 'settled' });
    const item = itemOf(step, null, null, ['case:x', 'org:acme', 'person:pat', 'authority:ftc']);
    expect(item.subjects).toEqual(['case:x', 'org:acme', 'person:pat', 'authority:ftc']);
    expect(item.organizations).toEqual(['org:acme']);
  });
});
