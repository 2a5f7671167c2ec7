import { displayNameIn, displayNameOf, renderHeadline } from '@newsroom/domain';
import { headlineFact } from './fixtures/submissions.fixture';

const request = (authority: string) =>
  headlineFact('regulatory.intervention_requested', {
    subject: 'org:openai',
    data: { by: 'person:mark-zuckerberg', authority, request: 'block the conversion' },
  });

describe('authorities in headlines', () => {
  it.each([
    [
      'authority:ftc',
      'Mark Zuckerberg asks the FTC to intervene against OpenAI',
      "Mark Zuckerberg demande à la FTC d'intervenir contre OpenAI",
    ],
    [
      'authority:federal-trade-commission',
      'Mark Zuckerberg asks the FTC to intervene against OpenAI',
      "Mark Zuckerberg demande à la FTC d'intervenir contre OpenAI",
    ],
    [
      'authority:sec',
      'Mark Zuckerberg asks the SEC to intervene against OpenAI',
      "Mark Zuckerberg demande à la SEC d'intervenir contre OpenAI",
    ],
    [
      'authority:doj',
      'Mark Zuckerberg asks the DOJ to intervene against OpenAI',
      "Mark Zuckerberg demande au ministère américain de la Justice d'intervenir contre OpenAI",
    ],
    [
      'authority:cnil',
      'Mark Zuckerberg asks the CNIL to intervene against OpenAI',
      "Mark Zuckerberg demande à la CNIL d'intervenir contre OpenAI",
    ],
    [
      'authority:european-commission',
      'Mark Zuckerberg asks the European Commission to intervene against OpenAI',
      "Mark Zuckerberg demande à la Commission européenne d'intervenir contre OpenAI",
    ],
    [
      'authority:california-attorney-general',
      'Mark Zuckerberg asks the California attorney general to intervene against OpenAI',
      "Mark Zuckerberg demande au procureur général de Californie d'intervenir contre OpenAI",
    ],
    // Not in the glossary: an acronym-like slug reads as an acronym with "the"; a longer name is named bare.
    [
      'authority:arcep',
      'Mark Zuckerberg asks the ARCEP to intervene against OpenAI',
      "Mark Zuckerberg demande à ARCEP d'intervenir contre OpenAI",
    ],
    [
      'authority:texas-railroad-commission',
      'Mark Zuckerberg asks Texas Railroad Commission to intervene against OpenAI',
      "Mark Zuckerberg demande à Texas Railroad Commission d'intervenir contre OpenAI",
    ],
  ])('given a request to %s, when rendered, then each language names it with its article', (authority, en, fr) => {
    expect(renderHeadline(request(authority), 'en')).toBe(en);
    expect(renderHeadline(request(authority), 'fr')).toBe(fr);
  });

  it.each([
    ['authority:cnil', 'CNIL', 'CNIL'],
    ['authority:ftc', 'FTC', 'FTC'],
    ['authority:federal-trade-commission', 'Federal Trade Commission', 'FTC'],
    ['authority:arcep', 'ARCEP', 'ARCEP'],
    ['authority:texas-railroad-commission', 'Texas Railroad Commission', 'Texas Railroad Commission'],
  ])('given %s, when its display name is asked, then it is spelt as the glossary spells it, else from the slug', (subject, en, fr) => {
    expect(displayNameIn(subject, 'en')).toBe(en);
    expect(displayNameIn(subject, 'fr')).toBe(fr);
  });

  it('given an organization with a short slug, when its display name is asked, then it is not taken for an acronym', () => {
    expect(displayNameOf('org:meta')).toBe('Meta');
  });
});
