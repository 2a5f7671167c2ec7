import {
  BILINGUAL_GLOSSARY,
  displayNameIn,
  fallbacksIn,
  glossaryTranslation,
  markedTextIn,
  renderHeadline,
  textIn,
  textOf,
  validateSubmission,
  type HeadlineEvent,
} from '@newsroom/domain';
import { VALID, withData } from './fixtures/submissions.fixture';

const NBSP = '\u00a0'; // U+00A0 NO-BREAK SPACE: French, before a colon

const departed = (role: unknown, extra: object = {}): HeadlineEvent =>
  ({
    type: 'executive.departed',
    subject: 'person:mira-murati',
    occurredAt: '2024-09',
    modality: 'reported',
    data: { organization: 'org:openai', role, roleCategory: 'c-suite', ...extra },
  }) as HeadlineEvent;

describe('text given per language', () => {
  describe('textIn', () => {
    it('given {en, fr}, when asked for either, then it answers that language as given', () => {
      const role = { en: 'Chief Technology Officer', fr: 'directrice technique' };
      expect(textIn(role, 'fr')).toEqual({ text: 'directrice technique', lang: 'fr', via: 'given', fallback: false });
      expect(textIn(role, 'en')).toEqual({ text: 'Chief Technology Officer', lang: 'en', via: 'given', fallback: false });
    });

    it('given a plain string, then it is English (the default language), as every value recorded before', () => {
      expect(textIn('Sora video model lead', 'en')).toEqual({ text: 'Sora video model lead', lang: 'en', via: 'given', fallback: false });
    });

    it('given English only and a term the glossary does not know, when asked in French, then the English text is a visible fallback', () => {
      expect(textIn({ en: 'Sora video model lead' }, 'fr')).toEqual({
        text: 'Sora video model lead',
        lang: 'en',
        via: 'fallback',
        fallback: true,
      });
      expect(textIn('Sora video model lead', 'fr').fallback).toBe(true);
      expect(markedTextIn('Sora video model lead', 'fr')).toBe('Sora video model lead [en]');
    });

    it('given French only, when asked in English, then the glossary translates a known term and marks an unknown one', () => {
      expect(textIn({ fr: 'responsable produit' }, 'en')).toEqual({
        text: 'Chief Product Officer',
        lang: 'en',
        via: 'glossary',
        fallback: false,
      });
      expect(textIn({ fr: 'super application' }, 'en')).toEqual({ text: 'super application', lang: 'fr', via: 'fallback', fallback: true });
      expect(markedTextIn({ fr: 'super application' }, 'en')).toBe('super application [fr]');
    });

    it('given a value that is not text, then it is shown as is and is never a fallback', () => {
      expect(textIn(42, 'fr')).toEqual({ text: '42', lang: null, via: 'none', fallback: false });
      expect(textIn(undefined, 'fr')).toEqual({ text: '', lang: null, via: 'none', fallback: false });
    });

    it('given per-language text, then textOf (plain columns, CSV, sort keys) keeps the English text, else the French', () => {
      expect(textOf({ en: 'Chief Technology Officer', fr: 'directrice technique' })).toBe('Chief Technology Officer');
      expect(textOf({ fr: 'directrice technique' })).toBe('directrice technique');
    });
  });

  describe('the glossary', () => {
    it('given the roles and authorities that recur, then it translates both ways, whatever the case and spacing', () => {
      expect(glossaryTranslation('chief  product officer', 'en', 'fr')).toBe('responsable produit');
      expect(glossaryTranslation('CTO', 'en', 'fr')).toBe('directeur ou directrice technique');
      expect(glossaryTranslation('European Commission', 'en', 'fr')).toBe('Commission européenne');
      expect(glossaryTranslation('Commission nationale de l’informatique et des libertés', 'fr', 'en')).toBe('CNIL');
      expect(glossaryTranslation('FTC', 'en', 'fr')).toBe('FTC');
      expect(glossaryTranslation('procureur général de Californie', 'fr', 'en')).toBe('California Attorney General');
      expect(glossaryTranslation('Chief Vibes Officer', 'en', 'fr')).toBeUndefined();
    });

    it('given a gendered French role, when translated from English, then both forms are shown: gender is never guessed', () => {
      // The article says "la directrice technique, Mira Murati": only an event that says so gets the feminine form.
      expect(textIn('Chief Technology Officer', 'fr').text).toBe('directeur ou directrice technique');
      expect(textIn({ en: 'Chief Technology Officer', fr: 'directrice technique' }, 'fr').text).toBe('directrice technique');
      // Either French form translates back to the one English title.
      expect(textIn({ fr: 'directrice technique' }, 'en').text).toBe('Chief Technology Officer');
      expect(textIn({ fr: 'directeur technique' }, 'en').text).toBe('Chief Technology Officer');
      // An epicene French role needs no double form.
      expect(textIn('Chief Product Officer', 'fr').text).toBe('responsable produit');
    });

    it('given every entry, then a gendered role (its French forms differ) reads as both forms in French', () => {
      for (const e of BILINGUAL_GLOSSARY.filter((x) => x.kind === 'role' && (x.frAlso ?? []).length >= 2)) {
        expect(e.fr).toMatch(/ ou /);
      }
    });

    it('given an authority subject, then its French display name comes from the glossary; proper names stay as they are', () => {
      expect(displayNameIn('authority:california-attorney-general', 'fr')).toBe('procureur général de Californie');
      expect(displayNameIn('authority:european-commission', 'fr')).toBe('Commission européenne');
      expect(displayNameIn('person:mira-murati', 'fr')).toBe('Mira Murati');
      expect(displayNameIn('authority:european-commission', 'en')).toBe('European Commission');
    });
  });

  describe('headlines', () => {
    it('given the role in French, when rendered in French, then the headline uses it with no marker', () => {
      const event = departed({ en: 'Chief Technology Officer', fr: 'directrice technique' });
      expect(renderHeadline(event, 'fr')).toBe('Mira Murati quitte OpenAI (directrice technique)');
      expect(renderHeadline(event, 'en')).toBe('Mira Murati leaves OpenAI as Chief Technology Officer');
    });

    it('given the role in English only and unknown to the glossary, when rendered in French, then the English text shows with [en]', () => {
      const event = departed('Sora video model lead');
      expect(renderHeadline(event, 'fr')).toBe('Mira Murati quitte OpenAI (Sora video model lead [en])');
      expect(renderHeadline(event, 'en')).toBe('Mira Murati leaves OpenAI as Sora video model lead');
    });

    it('given the role in French only, when rendered in English, then the French text shows with [fr] (or the glossary title)', () => {
      expect(renderHeadline(departed({ fr: 'cheffe de la cantine' }), 'en')).toBe('Mira Murati leaves OpenAI as cheffe de la cantine [fr]');
      expect(renderHeadline(departed({ fr: 'directrice technique' }), 'en')).toBe('Mira Murati leaves OpenAI as Chief Technology Officer');
    });

    it('given features and revenue models per language, then each list reads in the requested language', () => {
      const product = {
        type: 'product.announced',
        subject: 'product:chatgpt',
        occurredAt: '2024',
        modality: 'reported',
        data: {
          organization: 'org:openai',
          name: 'ChatGPT',
          status: 'announced',
          features: [{ en: 'real-time search', fr: 'recherche en temps réel' }, 'advanced voice', { en: 'canvas' }],
        },
      } as HeadlineEvent;
      expect(renderHeadline(product, 'fr')).toBe('OpenAI annonce ChatGPT avec recherche en temps réel, voix avancée et canvas [en]');
      const models = {
        ...VALID['strategy.revenue_model_explored'],
        type: 'strategy.revenue_model_explored',
        modality: 'reported',
        data: { models: ['advertising', { en: 'api', fr: 'interfaces API' }] },
      };
      expect(renderHeadline(models as HeadlineEvent, 'fr')).toBe(
        `OpenAI explore de nouveaux modèles de revenus${NBSP}: publicité et interfaces API`,
      );
      expect(renderHeadline(models as HeadlineEvent, 'en')).toBe('OpenAI explores revenue models: advertising and API');
    });

    it('given an authority, when rendered in French, then it is named in French with its article', () => {
      const request = {
        ...VALID['regulatory.intervention_requested'],
        type: 'regulatory.intervention_requested',
        modality: 'reported',
      } as HeadlineEvent;
      expect(renderHeadline(request, 'fr')).toBe("Mark Zuckerberg demande au procureur général de Californie d'intervenir contre OpenAI");
    });
  });

  describe('fallbacksIn', () => {
    it('given an event, then it lists the paths of the free text that has no text in the language (subjects are not text)', () => {
      expect(fallbacksIn('executive.departed', { role: { en: 'Sora video model lead' }, destination: 'org:anthropic' }, 'fr')).toEqual([
        'data.role',
      ]);
      expect(fallbacksIn('executive.departed', { role: { en: 'Sora video model lead' } }, 'en')).toEqual([]);
      expect(fallbacksIn('executive.departed', { role: 'Chief Technology Officer' }, 'fr')).toEqual([]);
      expect(fallbacksIn('product.announced', { features: ['advanced voice', 'canvas'] }, 'fr')).toEqual(['data.features[1]']);
      expect(fallbacksIn('headcount.reported', { total: 3 }, 'fr')).toEqual([]);
    });
  });

  describe('validation', () => {
    const withRole = (role: unknown) => withData('executive.departed', { role });

    it('given {en, fr} where a string is accepted, then the event is valid; a plain string still is', () => {
      expect(validateSubmission(withRole({ en: 'Chief Technology Officer', fr: 'directrice technique' })).ok).toBe(true);
      expect(validateSubmission(withRole({ fr: 'directrice technique' })).ok).toBe(true);
      expect(validateSubmission(withRole('Chief Technology Officer')).ok).toBe(true);
    });

    it('given a bad per-language value, then the error names the field path', () => {
      const errors = (role: unknown) => {
        const r = validateSubmission(withRole(role));
        return r.ok ? [] : r.errors;
      };
      expect(errors({})).toEqual([{ path: 'data.role', message: 'give the text in at least one of en, fr' }]);
      expect(errors({ en: 'CTO', de: 'Technischer Direktor' })).toEqual([{ path: 'data.role.de', message: 'unknown field' }]);
      expect(errors({ fr: '   ' })).toEqual([{ path: 'data.role.fr', message: 'name must not be blank' }]);
      expect(errors(42)).toEqual([{ path: 'data.role', message: 'must be a string or an object {"en": "...", "fr": "..."}' }]);
    });
  });
});
