import { renderHeadline, type HeadlineEvent } from '@newsroom/domain';
import { headlineFact, VALID } from './fixtures/submissions.fixture';

const appointed = (role: unknown) =>
  headlineFact('executive.appointed', {
    subject: 'person:t3-eve',
    data: { organization: 'org:t3-acme', role, roleCategory: 'research' },
  });

describe('French elision in headlines', () => {
  it.each([
    [{ fr: 'ingénieure en chef' }, "T3 Acme nomme T3 Eve au poste d'ingénieure en chef"],
    [{ fr: 'administrateur indépendant' }, "T3 Acme nomme T3 Eve au poste d'administrateur indépendant"],
    [{ fr: 'Économiste en chef' }, "T3 Acme nomme T3 Eve au poste d'Économiste en chef"],
    [{ fr: 'huissier de justice' }, "T3 Acme nomme T3 Eve au poste d'huissier de justice"],
    [{ fr: 'hébergement des données' }, "T3 Acme nomme T3 Eve au poste d'hébergement des données"],
    [{ fr: 'responsable produit' }, 'T3 Acme nomme T3 Eve au poste de responsable produit'],
    // An aspirated h (or any h the list does not know) keeps "de".
    [{ fr: 'haut-commissaire' }, 'T3 Acme nomme T3 Eve au poste de haut-commissaire'],
    [{ fr: 'héros du jour' }, 'T3 Acme nomme T3 Eve au poste de héros du jour'],
    // "y" elides before a consonant only; "onze" never.
    [{ fr: 'yachtman' }, 'T3 Acme nomme T3 Eve au poste de yachtman'],
  ])(
    'given the role %j, when the appointment is rendered in French, then "de" is elided before a vowel or mute h only',
    (role, expected) => {
      expect(renderHeadline(appointed(role), 'fr')).toBe(expected);
    },
  );

  it('given an English-only role the glossary does not know, when rendered in French, then the fallback is elided too', () => {
    expect(renderHeadline(appointed('Applied AI engineer'), 'fr')).toBe("T3 Acme nomme T3 Eve au poste d'Applied AI engineer [en]");
  });

  it('given a role starting with a vowel, when rendered in English, then nothing changes', () => {
    expect(renderHeadline(appointed({ en: 'Independent Director', fr: 'administrateur indépendant' }), 'en')).toBe(
      'T3 Eve appointed Independent Director at T3 Acme',
    );
  });

  it.each([
    ['org:openai', "\u00ab\u00a0Open AI\u00a0\u00bb\u00a0: autre nom d'OpenAI"],
    ['org:huawei', '\u00ab\u00a0Open AI\u00a0\u00bb\u00a0: autre nom de Huawei'],
    ['org:meta', '\u00ab\u00a0Open AI\u00a0\u00bb\u00a0: autre nom de Meta'],
  ])('given an alias of %s, when rendered in French, then "de" is elided before the name as French writes it', (subject, expected) => {
    const aliased = { type: 'entity.aliased', subject, occurredAt: null, modality: 'reported', data: { name: 'Open AI' } };
    expect(renderHeadline(aliased as HeadlineEvent, 'fr')).toBe(expected);
  });

  it('given a removed alias of an organization starting with a vowel, when rendered in French, then it reads "nom d\'"', () => {
    const removed = {
      type: 'entity.aliased',
      subject: 'org:ibm',
      occurredAt: null,
      modality: 'reported',
      data: { name: 'Big Blue', removed: true },
    };
    expect(renderHeadline(removed as HeadlineEvent, 'fr')).toBe("\u00ab\u00a0Big Blue\u00a0\u00bb n'est plus un autre nom d'IBM");
  });

  it.each([
    ['Autorité de la concurrence', "Elon Musk poursuit OpenAI et Sam Altman en justice devant l'Autorité de la concurrence"],
    ['Office européen des brevets', "Elon Musk poursuit OpenAI et Sam Altman en justice devant l'Office européen des brevets"],
    ['Haute cour de Londres', 'Elon Musk poursuit OpenAI et Sam Altman en justice devant la Haute cour de Londres'],
  ])('given the court %s, when the suit is rendered in French, then its article is elided like any other', (court, expected) => {
    const filed = headlineFact('lawsuit.filed', { data: { ...VALID['lawsuit.filed'].data, court: { fr: court } } });
    expect(renderHeadline(filed, 'fr')).toBe(expected);
  });
});

describe('French counted nouns in headlines', () => {
  const headcount = (total: number) => headlineFact('headcount.reported', { subject: 'org:t3-acme', data: { total } });

  it.each([
    [0, 'T3 Acme compte 0\u00a0employé', 'T3 Acme reports headcount of 0'],
    [1, 'T3 Acme compte 1\u00a0employé', 'T3 Acme reports headcount of 1'],
    [2, 'T3 Acme compte 2\u00a0employés', 'T3 Acme reports headcount of 2'],
    [1600, 'T3 Acme compte 1\u202f600\u00a0employés', 'T3 Acme reports headcount of 1,600'],
  ])('given a headcount of %d, when rendered, then French takes the singular for 0 and 1 only', (total, fr, en) => {
    expect(renderHeadline(headcount(total), 'fr')).toBe(fr);
    expect(renderHeadline(headcount(total), 'en')).toBe(en);
  });

  it.each([
    ['1000000', '1\u00a0million\u00a0USD', '1 million USD'],
    ['1500000000', '1,5\u00a0milliard\u00a0USD', '1.5 billion USD'],
    ['2000000000', '2\u00a0milliards\u00a0USD', '2 billion USD'],
  ])('given funding of %s, when rendered, then the scale word agrees the same way', (amount, fr, en) => {
    const funding = headlineFact('funding.round_closed', { subject: 'org:t3-acme', data: { money: { amount, currency: 'USD' } } });
    expect(renderHeadline(funding, 'fr')).toBe(`T3 Acme lève ${fr}`);
    expect(renderHeadline(funding, 'en')).toBe(`T3 Acme raises ${en}`);
  });
});
