import { evolveFeed, type FeedItemRow } from '@newsroom/projections';
import { correction, departed, event, retraction } from './support/events.builder';

/** The feed item an event inserts. */
const itemOf = (changes: ReturnType<typeof evolveFeed>): FeedItemRow => {
  const insert = changes.find((c) => c.kind === 'insert');
  if (!insert || insert.kind !== 'insert') throw new Error('no item');
  return insert.item;
};

describe('feed items in French typography: U+00A0 before the colon of a prefix', () => {
  const fact = departed('person:mira-murati', 'Chief Technology Officer', '2024-09-25');
  const target = itemOf(evolveFeed(fact));

  it('a correction: "Correction\\u00a0: " then the corrected fact; English unchanged', () => {
    const item = itemOf(evolveFeed(correction(fact, { data: { role: 'Head of Research' } }), target));
    expect(item.headlineFr).toBe('Correction\u00a0: Mira Murati quitte OpenAI (Head of Research [en])');
    expect(item.headlineEn).toBe('Correction: Mira Murati leaves OpenAI as Head of Research');
  });

  it('a retraction: "Retrait\\u00a0: "', () => {
    const item = itemOf(evolveFeed(retraction(fact), target));
    expect(item.headlineFr.startsWith('Retrait\u00a0: ')).toBe(true);
    expect(item.headlineEn.startsWith('Retracted: ')).toBe(true);
  });

  it('an outlet that denies: "<outlet> dément\\u00a0: "', () => {
    const sourced = event('event.sourced', fact.subject, null, {
      targetEventId: fact.id,
      stance: 'denies',
      source: { outlet: 'Le Quotidien', language: 'fr' },
    });
    const item = itemOf(evolveFeed(sourced, target));
    expect(item.headlineFr.startsWith('Le Quotidien dément\u00a0: Mira Murati quitte OpenAI')).toBe(true);
    expect(item.headlineEn.startsWith('Le Quotidien denies: ')).toBe(true);
  });
});
