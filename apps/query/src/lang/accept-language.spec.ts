import { ACCEPT_LANGUAGE_MAX_LENGTH, languageOf, withNegotiatedLang } from './accept-language.util';

describe('languageOf: the language of en, fr an Accept-Language header prefers (RFC 9110 12.5.4)', () => {
  it.each([
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
    ['fr', 'fr'],
    ['FR-ca', 'fr'],
    ['fr-CA', 'fr'],
    ['en-US,en;q=0.9,fr;q=0.8', 'en'],
    ['de-DE,de;q=0.9,fr;q=0.5,en;q=0.4', 'fr'],
    ['en;q=0.5, fr;q=0.6', 'fr'],
    ['en;q=0.5,fr;q=0.5', 'en'], // equal q: the header's order
    ['fr;q=0.5,en;q=0.5', 'fr'],
    ['fr;q=1.000', 'fr'],
    ['fr;Q=0.9', 'fr'],
    ['  fr ;  q=0.9 , en;q=0.1 ', 'fr'],
    [',, fr ,', 'fr'], // empty list elements are allowed
    ['*', 'en'],
    ['de, *;q=0.5', 'en'],
    ['en;q=0, *', 'fr'], // q=0 excludes; * is then French
    ['*;q=0.9, en;q=0.1', 'fr'], // * stands for the languages no range names: French at 0.9 (t33)
    ['fr;q=0.5, *;q=0.5', 'fr'],
    ['*;q=0.5, fr;q=0.5', 'en'], // equal weights: * comes first
    ['fr-CA;q=0.2, fr-BE;q=0.7, en;q=0.5', 'fr'], // the highest of fr's regions
    ['fr;q=0, en;q=0, *', null],
    ['en;q=0, fr;q=0.001', 'fr'],
    ['fr;q=0', null],
    ['fr-CA;q=0.9, fr;q=0, en;q=0.1', 'en'], // fr excluded: fr-CA falls back to it no more
    ['de-DE, de, ja', null],
    ['zh-Hant-TW, fr-x-private', 'fr'],
    [['de', 'fr;q=0.5'], 'fr'], // the header repeated
  ])('%j -> %s', (header, lang) => {
    expect(languageOf(header)).toBe(lang);
  });

  it.each([
    ['fr;q=2', 'q over 1'],
    ['fr;q=1.5', 'q over 1'],
    ['fr;q=0.12345', 'more than three decimals'],
    ['fr;q=', 'an empty q'],
    ['fr;level=1', 'a parameter other than q'],
    ['fr_FR', 'an underscore'],
    ['français', 'a letter outside ASCII'],
    ['fr-', 'an empty subtag'],
    ['abcdefghi', 'a subtag over 8 letters'],
    ['fr;q=0.9;q=0.8', 'two weights'],
    ['de, fr;q=abc', 'one bad element (the whole header is ignored)'],
  ])('ignores a malformed header: %j (%s)', (header) => {
    expect(languageOf(header)).toBeNull();
  });

  it('answers null without a header, and for one over the bound (not parsed at all)', () => {
    expect(languageOf(undefined)).toBeNull();
    expect(languageOf('')).toBeNull();
    // "fr," then spaces (optional whitespace) up to the length asked for.
    const ofLength = (n: number) => 'fr,'.padEnd(n, ' ');
    expect(languageOf(ofLength(ACCEPT_LANGUAGE_MAX_LENGTH))).toBe('fr');
    expect(languageOf(ofLength(ACCEPT_LANGUAGE_MAX_LENGTH + 1))).toBeNull();
  });

  it('reads a header of many elements up to the bound (the length cap bounds its cost; no timing is asserted in tests)', () => {
    const header = 'de-DE;q=0.1,'.repeat(Math.floor(ACCEPT_LANGUAGE_MAX_LENGTH / 12)) + 'fr';
    expect(header.length).toBeLessThanOrEqual(ACCEPT_LANGUAGE_MAX_LENGTH);
    expect(languageOf(header)).toBe('fr');
  });
});

describe('withNegotiatedLang: an explicit lang wins', () => {
  it('fills in lang from the header only when the query has none', () => {
    expect(withNegotiatedLang({ limit: '5' }, 'fr-FR,fr;q=0.9')).toEqual({ query: { limit: '5', lang: 'fr' }, negotiated: true });
    expect(withNegotiatedLang({}, 'de')).toEqual({ query: { lang: 'en' }, negotiated: true });
    expect(withNegotiatedLang({}, undefined)).toEqual({ query: { lang: 'en' }, negotiated: true });
    expect(withNegotiatedLang({ lang: 'en' }, 'fr')).toEqual({ query: { lang: 'en' }, negotiated: false });
    // A bad lang stays the parameters' to refuse (400), whatever the header says.
    expect(withNegotiatedLang({ lang: 'de' }, 'fr')).toEqual({ query: { lang: 'de' }, negotiated: false });
    expect(withNegotiatedLang({ lang: '' }, 'fr')).toEqual({ query: { lang: '' }, negotiated: false });
  });
});
