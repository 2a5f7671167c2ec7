import {
  displayNameOf,
  formatMoney,
  periodPhrase,
  renderHeadline,
  resolvedHeadline,
  type HeadlineEvent,
  type RecordableEventType,
} from '@newsroom/domain';
import { headlineFact, VALID } from './fixtures/submissions.fixture';

const NNBSP = '\u202f'; // U+202F NARROW NO-BREAK SPACE: French digit groups
const NBSP = '\u00a0'; // U+00A0 NO-BREAK SPACE: French, before a colon and between a figure and its unit
const fact = headlineFact;

const EXPECTED: Record<RecordableEventType, { en: string; fr: string }> = {
  'executive.appointed': {
    en: 'Kevin Weil appointed Chief Product Officer at OpenAI',
    fr: 'OpenAI nomme Kevin Weil au poste de responsable produit',
  },
  'executive.departed': {
    en: 'Mira Murati leaves OpenAI as Chief Technology Officer',
    fr: 'Mira Murati quitte OpenAI (directeur ou directrice technique)',
  },
  'headcount.reported': {
    en: 'OpenAI reports headcount of 1,600 (commercial: 300)',
    fr: `OpenAI compte 1${NNBSP}600${NBSP}employés (commercial${NBSP}: 300)`,
  },
  'revenue.reported': {
    en: 'OpenAI projects revenue of 3.7 billion USD for 2024',
    fr: `OpenAI prévoit un chiffre d'affaires de 3,7${NBSP}milliards${NBSP}USD en 2024`,
  },
  'revenue.target_set': {
    en: 'OpenAI reports revenue target of 100 billion USD for 2029, set by Giancarlo Lionetti',
    fr: `OpenAI vise un chiffre d'affaires de 100${NBSP}milliards${NBSP}USD en 2029 (objectif fixé par Giancarlo Lionetti)`,
  },
  'financial.loss_reported': {
    en: 'OpenAI reports loss of 30 billion USD for H1 2024',
    fr: `OpenAI enregistre une perte de 30${NBSP}milliards${NBSP}USD au premier semestre 2024`,
  },
  'funding.round_closed': {
    en: 'OpenAI raises 6.6 billion USD at a 157 billion USD valuation, led by Thrive Capital',
    fr: `OpenAI lève 6,6${NBSP}milliards${NBSP}USD sur une valorisation de 157${NBSP}milliards${NBSP}USD, tour mené par Thrive Capital`,
  },
  'lawsuit.filed': {
    en: 'Elon Musk sues OpenAI and Sam Altman in N.D. Cal.',
    fr: 'Elon Musk poursuit OpenAI et Sam Altman en justice devant N.D. Cal. [en]',
  },
  'lawsuit.status_changed': {
    en: 'Musk v. OpenAI: injunction sought',
    fr: `Musk v. OpenAI${NBSP}: injonction demandée`,
  },
  'regulatory.intervention_requested': {
    en: 'Mark Zuckerberg asks the California attorney general to intervene against OpenAI',
    fr: "Mark Zuckerberg demande au procureur général de Californie d'intervenir contre OpenAI",
  },
  'product.announced': {
    en: 'OpenAI launches ChatGPT search with real-time search',
    fr: 'OpenAI lance ChatGPT search avec recherche en temps réel',
  },
  'strategy.revenue_model_explored': {
    en: 'OpenAI explores revenue models: advertising, enterprise and API',
    fr: `OpenAI explore de nouveaux modèles de revenus${NBSP}: publicité, services aux entreprises et interfaces API`,
  },
  'governance.restructuring_announced': {
    en: 'OpenAI announces restructuring from non-profit controlled to public benefit corporation',
    fr: `OpenAI annonce une restructuration${NBSP}: non-profit controlled [en] → public benefit corporation [en]`,
  },
};

describe('renderHeadline', () => {
  describe.each(Object.keys(EXPECTED) as RecordableEventType[])('%s', (type) => {
    it.each(['en', 'fr'] as const)('given the example, when rendered in %s, then the headline reads from its data', (lang) => {
      expect(renderHeadline(fact(type), lang)).toBe(EXPECTED[type][lang]);
    });
  });

  it.each([
    [
      'en',
      { money: { amount: '100000000000', currency: 'USD' }, targetPeriod: '2029' },
      'OpenAI reports revenue target of 100 billion USD for 2029',
    ],
    [
      'fr',
      { money: { amount: '100000000000', currency: 'USD' }, targetPeriod: '2029' },
      `OpenAI vise un chiffre d'affaires de 100${NBSP}milliards${NBSP}USD en 2029`,
    ],
  ] as const)('given the brief revenue target, when rendered in %s, then it matches the newsroom wording', (lang, data, expected) => {
    expect(renderHeadline(fact('revenue.target_set', { data }), lang)).toBe(expected);
  });

  it.each([
    ['rumored', 'en', 'Rumor: Mira Murati leaves OpenAI as Chief Technology Officer'],
    ['denied', 'en', 'Denied: Mira Murati leaves OpenAI as Chief Technology Officer'],
    ['rumored', 'fr', `Rumeur${NBSP}: Mira Murati quitte OpenAI (directeur ou directrice technique)`],
    ['denied', 'fr', `Démenti${NBSP}: Mira Murati quitte OpenAI (directeur ou directrice technique)`],
    ['confirmed', 'en', 'Mira Murati leaves OpenAI as Chief Technology Officer'],
  ] as const)('given modality %s, when rendered in %s, then the headline is prefixed accordingly', (modality, lang, expected) => {
    expect(renderHeadline(fact('executive.departed', { modality }), lang)).toBe(expected);
  });

  describe('variants', () => {
    it.each([
      [
        'an interim appointment',
        fact('executive.appointed', { data: { ...VALID['executive.appointed'].data, interim: true } }),
        'Kevin Weil appointed interim Chief Product Officer at OpenAI',
        'OpenAI nomme Kevin Weil au poste de responsable produit par intérim',
      ],
      [
        'a departure with a destination',
        fact('executive.departed', { data: { ...VALID['executive.departed'].data, destination: 'org:thinking-machines-lab' } }),
        'Mira Murati leaves OpenAI as Chief Technology Officer to join Thinking Machines Lab',
        'Mira Murati quitte OpenAI (directeur ou directrice technique) pour rejoindre Thinking Machines Lab',
      ],
      [
        // The tester's round: a lead investor that is a tracked subject reads by its display name, as a setter does.
        'a round led by a tracked investor (a subject)',
        fact('funding.round_closed', { data: { ...VALID['funding.round_closed'].data, leadInvestor: 'org:t12-fr2-thrive' } }),
        'OpenAI raises 6.6 billion USD at a 157 billion USD valuation, led by T12 Fr2 Thrive',
        `OpenAI lève 6,6${NBSP}milliards${NBSP}USD sur une valorisation de 157${NBSP}milliards${NBSP}USD, tour mené par T12 Fr2 Thrive`,
      ],
      [
        // A plain name is a name in either language: never marked "[en]" nor translated.
        'a round led by an investor given as a plain name',
        fact('funding.round_closed', { data: { money: { amount: '1000000', currency: 'EUR' }, leadInvestor: 'Index Ventures' } }),
        'OpenAI raises 1 million EUR, led by Index Ventures',
        `OpenAI lève 1${NBSP}million${NBSP}EUR, tour mené par Index Ventures`,
      ],
      [
        'headcount by function only',
        fact('headcount.reported', { data: { byFunction: { commercial: 300 } } }),
        'OpenAI reports headcount by function (commercial: 300)',
        `OpenAI publie ses effectifs par fonction (commercial${NBSP}: 300)`,
      ],
      [
        // jsonb gives the keys shorter first ({"sales": 1, "research": 400}): the order sent is lost, so the headline orders.
        'headcount by function as jsonb returns it: the largest first',
        fact('headcount.reported', { data: { total: 1000, byFunction: { sales: 1, research: 400 } } }),
        'OpenAI reports headcount of 1,000 (research: 400, sales: 1)',
        `OpenAI compte 1${NNBSP}000${NBSP}employés (research${NBSP}: 400, sales${NBSP}: 1)`,
      ],
      [
        'headcount by function: equal counts by name with case folded, the three largest',
        fact('headcount.reported', { data: { byFunction: { ops: 1, Sales: 5, research: 400, engineering: 5 } } }),
        'OpenAI reports headcount by function (research: 400, engineering: 5, Sales: 5)',
        `OpenAI publie ses effectifs par fonction (research${NBSP}: 400, engineering${NBSP}: 5, Sales${NBSP}: 5)`,
      ],
      [
        'a cumulative projected loss over a range',
        fact('financial.loss_reported', {
          data: { money: { amount: '440000000000', currency: 'USD' }, period: '2025/2029', basis: 'cumulative_projected' },
        }),
        'OpenAI projects cumulative losses of 440 billion USD for 2025–2029',
        `OpenAI prévoit des pertes cumulées de 440${NBSP}milliards${NBSP}USD entre 2025 et 2029`,
      ],
      [
        'annualized revenue for a quarter',
        fact('revenue.reported', { data: { money: { amount: '1500000000', currency: 'EUR' }, period: '2024-Q3', basis: 'annualized' } }),
        'OpenAI reports annualized revenue of 1.5 billion EUR for Q3 2024',
        `OpenAI annonce un chiffre d'affaires annualisé de 1,5${NBSP}milliard${NBSP}EUR au troisième trimestre 2024`,
      ],
      [
        'revenue for a day',
        fact('revenue.reported', { data: { money: { amount: '250000', currency: 'USD' }, period: '2024-09-01', basis: 'actual' } }),
        'OpenAI reports revenue of 250,000 USD on September 1, 2024',
        `OpenAI annonce un chiffre d'affaires de 250${NNBSP}000${NBSP}USD le 1er${NBSP}septembre 2024`,
      ],
      [
        'annualized revenue over a range of days (D10)',
        fact('revenue.reported', {
          data: { money: { amount: '1', currency: 'USD' }, period: '2023-01-01T00:00:00Z/2023-06-30T00:00:00Z', basis: 'annualized' },
        }),
        'OpenAI reports annualized revenue of 1 USD for January 1–June 30, 2023',
        `OpenAI annonce un chiffre d'affaires annualisé de 1${NBSP}USD entre le 1er${NBSP}janvier et le 30${NBSP}juin 2023`,
      ],
      [
        'a loss with cents (D10)',
        fact('financial.loss_reported', { data: { money: { amount: '250000.50', currency: 'EUR' }, period: '2024-Q1', basis: 'actual' } }),
        'OpenAI reports loss of 250,000.50 EUR for Q1 2024',
        `OpenAI enregistre une perte de 250${NNBSP}000,50${NBSP}EUR au premier trimestre 2024`,
      ],
      [
        'a loss just under a million over months (D11)',
        fact('financial.loss_reported', {
          data: { money: { amount: '999999', currency: 'USD' }, period: '2024-03/2024-05', basis: 'projected' },
        }),
        'OpenAI projects loss of 999,999 USD for March–May 2024',
        `OpenAI prévoit une perte de 999${NNBSP}999${NBSP}USD entre mars et mai 2024`,
      ],
      [
        'a dismissal with detail',
        fact('lawsuit.status_changed', { data: { status: 'dismissed', detail: 'without prejudice' } }),
        'Musk v. OpenAI: case dismissed (without prejudice)',
        `Musk v. OpenAI${NBSP}: plainte rejetée (without prejudice [en])`,
      ],
      [
        'two plaintiffs',
        fact('lawsuit.filed', { data: { ...VALID['lawsuit.filed'].data, plaintiffs: ['person:elon-musk', 'org:xai'], court: undefined } }),
        'Elon Musk and xAI sue OpenAI and Sam Altman',
        'Elon Musk et xAI poursuivent OpenAI et Sam Altman en justice',
      ],
      [
        'a court named in French',
        fact('lawsuit.filed', {
          data: { ...VALID['lawsuit.filed'].data, court: { en: 'Superior Court of California', fr: 'Cour supérieure de Californie' } },
        }),
        'Elon Musk sues OpenAI and Sam Altman in Superior Court of California',
        'Elon Musk poursuit OpenAI et Sam Altman en justice devant la Cour supérieure de Californie',
      ],
      [
        'a court whose French name takes le',
        fact('lawsuit.filed', {
          data: { ...VALID['lawsuit.filed'].data, court: { en: 'Paris court', fr: 'Tribunal judiciaire de Paris' } },
        }),
        'Elon Musk sues OpenAI and Sam Altman in Paris court',
        'Elon Musk poursuit OpenAI et Sam Altman en justice devant le Tribunal judiciaire de Paris',
      ],
      [
        'an announced product',
        fact('product.announced', { data: { organization: 'org:openai', name: 'Sora', features: [], status: 'announced' } }),
        'OpenAI announces Sora',
        'OpenAI annonce Sora',
      ],
    ])('given %s, when rendered, then en and fr read naturally', (_what, event, en, fr) => {
      expect(renderHeadline(event, 'en')).toBe(en);
      expect(renderHeadline(event, 'fr')).toBe(fr);
    });
  });

  describe('corrections and retractions', () => {
    const target = fact('executive.departed');
    const corrected: HeadlineEvent = {
      type: 'event.corrected',
      subject: 'person:mira-murati',
      occurredAt: null,
      data: {
        targetEventId: '00000000-0000-4000-8000-000000000001',
        changes: { data: { role: 'Chief Technology Officer (CTO)' } },
        reason: 'Title was incomplete',
      },
      modality: 'reported',
    };
    const retracted: HeadlineEvent = {
      ...corrected,
      type: 'event.retracted',
      data: { targetEventId: corrected.data.targetEventId, reason: 'Hoax' },
    };

    it.each([
      ['en', 'Correction: Mira Murati leaves OpenAI as Chief Technology Officer (CTO)'],
      ['fr', `Correction${NBSP}: Mira Murati quitte OpenAI (Chief Technology Officer (CTO) [en])`],
    ] as const)('given a correction and its target, when rendered in %s, then it repeats the corrected headline', (lang, expected) => {
      expect(renderHeadline(corrected, lang, { target })).toBe(expected);
    });

    it.each([
      ['en', 'Correction: earlier report on Mira Murati amended (Title was incomplete)'],
      ['fr', `Correction${NBSP}: information sur Mira Murati modifiée (Title was incomplete)`],
    ] as const)('given a correction alone, when rendered in %s, then it names the subject and the reason', (lang, expected) => {
      expect(renderHeadline(corrected, lang)).toBe(expected);
    });

    it.each([
      [
        'en',
        'Retracted: Mira Murati leaves OpenAI as Chief Technology Officer',
        'Retracted: earlier report on Mira Murati withdrawn (Hoax)',
      ],
      [
        'fr',
        `Retrait${NBSP}: Mira Murati quitte OpenAI (directeur ou directrice technique)`,
        `Retrait${NBSP}: information sur Mira Murati retirée (Hoax)`,
      ],
    ] as const)('given a retraction, when rendered in %s, then it is marked retracted', (lang, withTarget, alone) => {
      expect(renderHeadline(retracted, lang, { target })).toBe(withTarget);
      expect(renderHeadline(retracted, lang)).toBe(alone);
    });

    it('given a very long reason, when rendered, then the headline stays short', () => {
      const long = { ...retracted, data: { ...retracted.data, reason: 'x'.repeat(2000) } };
      expect(renderHeadline(long, 'en').length).toBeLessThan(200);
    });
  });
});

describe('formatMoney', () => {
  it.each([
    ['999', '999 USD', `999${NBSP}USD`],
    ['300000', '300,000 USD', `300${NNBSP}000${NBSP}USD`],
    ['999999', '999,999 USD', `999${NNBSP}999${NBSP}USD`],
    ['1234.56', '1,234.56 USD', `1${NNBSP}234,56${NBSP}USD`],
    ['250000.50', '250,000.50 USD', `250${NNBSP}000,50${NBSP}USD`],
    ['250000.00', '250,000 USD', `250${NNBSP}000${NBSP}USD`],
    ['12.5', '12.50 USD', `12,50${NBSP}USD`],
    ['0.125', '0.125 USD', `0,125${NBSP}USD`],
    ['-4.5', '-4.50 USD', `-4,50${NBSP}USD`],
    ['1000000', '1 million USD', `1${NBSP}million${NBSP}USD`],
    ['2500000', '2.5 million USD', `2,5${NBSP}millions${NBSP}USD`],
    ['1234567', '1,234,567 USD', `1${NNBSP}234${NNBSP}567${NBSP}USD`],
    ['1234000', '1.234 million USD', `1,234${NBSP}million${NBSP}USD`],
    ['1000000000', '1 billion USD', `1${NBSP}milliard${NBSP}USD`],
    ['999999999', '999,999,999 USD', `999${NNBSP}999${NNBSP}999${NBSP}USD`],
    ['1500000000', '1.5 billion USD', `1,5${NBSP}milliard${NBSP}USD`],
    ['-30000000000', '-30 billion USD', `-30${NBSP}milliards${NBSP}USD`],
    ['1200000000000', '1.2 trillion USD', `1,2${NBSP}billion${NBSP}USD`],
    ['1000000.5', '1,000,000.50 USD', `1${NNBSP}000${NNBSP}000,50${NBSP}USD`],
  ])('given %s USD, then en reads %j and fr reads %j', (amount, en, fr) => {
    expect(formatMoney({ amount, currency: 'USD' }, 'en')).toBe(en);
    expect(formatMoney({ amount, currency: 'USD' }, 'fr')).toBe(fr);
  });

  it.each([
    ['JPY', '1500.5', '1,500.5 JPY', `1${NNBSP}500,5${NBSP}JPY`],
    ['KWD', '12.5', '12.500 KWD', `12,500${NBSP}KWD`],
    ['EUR', '1234.56', '1,234.56 EUR', `1${NNBSP}234,56${NBSP}EUR`],
  ])('given an amount with a fraction in %s, then it shows the currency minor unit', (currency, amount, en, fr) => {
    expect(formatMoney({ amount, currency }, 'en')).toBe(en);
    expect(formatMoney({ amount, currency }, 'fr')).toBe(fr);
  });

  it('given an amount that is not a decimal, then it is shown as given', () => {
    expect(formatMoney({ amount: 'lots', currency: 'USD' }, 'en')).toBe('lots USD');
  });
});

describe('periodPhrase', () => {
  it.each([
    ['2029', 'for 2029', 'en 2029'],
    ['2024-H1', 'for H1 2024', 'au premier semestre 2024'],
    ['2024-Q3', 'for Q3 2024', 'au troisième trimestre 2024'],
    ['2024-09', 'for September 2024', 'en septembre 2024'],
    ['2024-09-01', 'on September 1, 2024', `le 1er${NBSP}septembre 2024`],
    ['2024-09-25T10:00:00Z', 'on September 25, 2024', `le 25${NBSP}septembre 2024`],
    ['2025/2029', 'for 2025–2029', 'entre 2025 et 2029'],
    ['2023-01-01T00:00:00Z/2023-06-30T00:00:00Z', 'for January 1–June 30, 2023', `entre le 1er${NBSP}janvier et le 30${NBSP}juin 2023`],
    ['2023-12-15/2024-01-15', 'for December 15, 2023–January 15, 2024', `entre le 15${NBSP}décembre 2023 et le 15${NBSP}janvier 2024`],
    ['2024-01/2024-03', 'for January–March 2024', 'entre janvier et mars 2024'],
    ['2023-11/2024-02', 'for November 2023–February 2024', 'entre novembre 2023 et février 2024'],
    ['2024-Q1/2024-Q3', 'for Q1–Q3 2024', 'entre le premier et le troisième trimestre 2024'],
    ['2024-H1/2025-H2', 'for H1 2024–H2 2025', 'entre le premier semestre 2024 et le second semestre 2025'],
    ['2023/2024-Q2', 'for 2023–Q2 2024', 'entre 2023 et le deuxième trimestre 2024'],
    ['2024-Q1/2024-06', 'for Q1 2024–June 2024', 'entre le premier trimestre 2024 et juin 2024'],
    ['2024-06-15/2024', 'for June 15, 2024–end of 2024', `entre le 15${NBSP}juin 2024 et fin 2024`],
    ['2024/2024-06', 'for start of 2024–June 2024', 'entre début 2024 et juin 2024'],
    ['2024-03-10/2024-Q1', 'for March 10, 2024–end of Q1 2024', `entre le 10${NBSP}mars 2024 et fin du premier trimestre 2024`],
    ['2024/2024', 'for 2024', 'en 2024'],
    ['2024-05-01/2024-05-01T12:00:00Z', 'on May 1, 2024', `le 1er${NBSP}mai 2024`],
  ])('given %s, then en reads %j and fr reads %j', (period, en, fr) => {
    expect(periodPhrase(period, 'en')).toBe(en);
    expect(periodPhrase(period, 'fr')).toBe(fr);
  });
});

describe('resolvedHeadline', () => {
  it.each([
    ['en', 'Conflict resolved: "OpenAI reports revenue of 1.2 million USD for 2024" stands (audited)'],
    [
      'fr',
      `Contradiction tranchée${NBSP}: «${NBSP}OpenAI annonce un chiffre d'affaires de 1,2${NBSP}million${NBSP}USD en 2024${NBSP}» est retenu (audited)`,
    ],
  ] as const)('given the standing fact, when rendered in %s, then its headline is quoted', (lang, expected) => {
    const standing = renderHeadline(
      fact('revenue.reported', { data: { money: { amount: '1200000', currency: 'USD' }, period: '2024', basis: 'actual' } }),
      lang,
    );
    expect(resolvedHeadline(standing, 'audited', lang)).toBe(expected);
  });

  it.each([
    ['en', 'Conflict resolved on OpenAI (audited)'],
    ['fr', 'Contradiction tranchée sur OpenAI (audited)'],
  ] as const)('given a resolution without its standing fact, when rendered in %s, then it names the subject', (lang, expected) => {
    const resolution = {
      type: 'conflict.resolved',
      subject: 'org:openai',
      occurredAt: null,
      modality: 'reported',
      data: { reason: 'audited' },
    } as unknown as HeadlineEvent;
    expect(renderHeadline(resolution, lang)).toBe(expected);
  });
});

describe('displayNameOf', () => {
  it.each([
    ['person:mira-murati', 'Mira Murati'],
    ['org:openai', 'OpenAI'],
    ['authority:california-attorney-general', 'California Attorney General'],
    ['case:musk-v-openai', 'Musk v. OpenAI'],
    ['authority:us-department-of-justice', 'US Department of Justice'],
    ['org:xai', 'xAI'],
    ['product:chatgpt-search', 'ChatGPT Search'],
    ['not a subject', 'not a subject'],
  ])('given %s, then the display name is %s', (subject, name) => {
    expect(displayNameOf(subject)).toBe(name);
  });
});
