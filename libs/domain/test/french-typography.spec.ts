import {
  FR_COLON,
  formatMoney,
  frColon,
  frenchDigits,
  guillemets,
  NBSP,
  NNBSP,
  periodPhrase,
  renderHeadline,
  withUnit,
  type HeadlineEvent,
  type RecordableEventType,
} from '@newsroom/domain';
import { headlineFact, VALID } from './fixtures/submissions.fixture';

/** The code points of a string, so a failure shows which space is where. */
const codePoints = (s: string) => [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

const fact = headlineFact;

describe('French typography helper', () => {
  it('names U+202F and U+00A0', () => {
    expect(codePoints(NNBSP)).toEqual(['U+202F']);
    expect(codePoints(NBSP)).toEqual(['U+00A0']);
  });

  it('puts U+00A0 before a colon and a plain space after it', () => {
    expect(FR_COLON).toBe('\u00a0: ');
    expect(frColon('Correction', 'texte')).toBe('Correction\u00a0: texte');
  });

  it('puts U+00A0 inside guillemets', () => {
    expect(guillemets('oui')).toBe('\u00ab\u00a0oui\u00a0\u00bb');
  });

  it('joins a figure and its unit with U+00A0, and leaves a figure without unit as it is', () => {
    expect(withUnit('30', 'milliards')).toBe('30\u00a0milliards');
    expect(withUnit('30', '')).toBe('30');
  });

  it('separates digit groups with U+202F whichever space Intl or an older ICU wrote, and keeps the decimal comma', () => {
    expect(frenchDigits('250 000,5')).toBe('250\u202f000,5');
    expect(frenchDigits('1\u00a0234\u00a0567')).toBe('1\u202f234\u202f567');
    expect(frenchDigits('250\u202f000')).toBe('250\u202f000');
    expect(frenchDigits('-4,5')).toBe('-4,5');
  });
});

describe('French text in French typography', () => {
  it('an amount with thousands: U+202F between the groups, a decimal comma, U+00A0 before the currency', () => {
    expect(formatMoney({ amount: '250000', currency: 'EUR' }, 'fr')).toBe('250\u202f000\u00a0EUR');
    expect(codePoints(formatMoney({ amount: '250000.50', currency: 'EUR' }, 'fr'))).toEqual(codePoints('250\u202f000,50\u00a0EUR'));
    expect(formatMoney({ amount: '250000', currency: 'EUR' }, 'en')).toBe('250,000 EUR');
  });

  it('a scaled amount: U+00A0 between the figure and its scale, and before the currency', () => {
    expect(formatMoney({ amount: '30000000000', currency: 'USD' }, 'fr')).toBe('30\u00a0milliards\u00a0USD');
    expect(formatMoney({ amount: '30000000000', currency: 'USD' }, 'en')).toBe('30 billion USD');
  });

  it('a headline with an amount and a date: the day on its month line', () => {
    const revenue = fact('revenue.reported', {
      data: { money: { amount: '250000', currency: 'USD' }, period: '2024-09-01', basis: 'actual' },
    });
    expect(renderHeadline(revenue, 'fr')).toBe("OpenAI annonce un chiffre d'affaires de 250\u202f000\u00a0USD le 1er\u00a0septembre 2024");
    expect(renderHeadline(revenue, 'en')).toBe('OpenAI reports revenue of 250,000 USD on September 1, 2024');
    expect(periodPhrase('2024-09-25', 'fr')).toBe('le 25\u00a0septembre 2024');
  });

  it('a departure, rumored: U+00A0 before the colon of its prefix, the rest of the clause as before', () => {
    const departure = fact('executive.departed', { occurredAt: '2024-09-25', modality: 'rumored' });
    expect(renderHeadline(departure, 'fr')).toBe('Rumeur\u00a0: Mira Murati quitte OpenAI (directeur ou directrice technique)');
    expect(renderHeadline(departure, 'en')).toBe('Rumor: Mira Murati leaves OpenAI as Chief Technology Officer');
  });

  it('a headcount: U+202F in the figure, U+00A0 before "employés" and before each colon', () => {
    expect(renderHeadline(fact('headcount.reported'), 'fr')).toBe('OpenAI compte 1\u202f600\u00a0employés (commercial\u00a0: 300)');
  });

  it('a correction: "Correction" then U+00A0 and the colon', () => {
    const target = fact('executive.departed');
    const corrected = {
      type: 'event.corrected',
      subject: 'person:mira-murati',
      occurredAt: null,
      modality: 'reported',
      data: { targetEventId: '00000000-0000-4000-8000-000000000001', changes: { data: { role: 'CTO' } }, reason: 'titre' },
    } as HeadlineEvent;
    expect(codePoints(renderHeadline(corrected, 'fr', { target }).slice(0, 13))).toEqual(codePoints('Correction\u00a0: '));
    expect(renderHeadline(corrected, 'en', { target }).startsWith('Correction: ')).toBe(true);
  });

  it('an alias: the name in guillemets with U+00A0 inside', () => {
    const aliased = { type: 'entity.aliased', subject: 'org:openai', occurredAt: null, modality: 'reported', data: { name: 'Open AI' } };
    expect(renderHeadline(aliased as HeadlineEvent, 'fr')).toBe("\u00ab\u00a0Open AI\u00a0\u00bb\u00a0: autre nom d'OpenAI");
  });

  it.each(Object.keys(VALID) as RecordableEventType[])('%s in French: no plain space before : ; ! ? » or after «', (type) => {
    for (const modality of ['reported', 'rumored', 'denied'] as const) {
      const headline = renderHeadline(fact(type, { modality }), 'fr');
      expect(headline).not.toMatch(/ [:;!?»]|« /);
      expect(headline).not.toMatch(/\d (?:milliards?|millions?|billions?|[A-Z]{3}\b|employés)/);
    }
  });
});
