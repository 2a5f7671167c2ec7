import { absentRemovals, mergePatch, sameJsonValue } from './merge-patch.util';

describe('sameJsonValue', () => {
  it('given objects with the same keys in another order, then equal; arrays keep their order', () => {
    expect(sameJsonValue({ a: 1, b: { c: ['x', 'y'] } }, { b: { c: ['x', 'y'] }, a: 1 })).toBe(true);
    expect(sameJsonValue({ c: ['x', 'y'] }, { c: ['y', 'x'] })).toBe(false);
  });

  it('given a key more, a missing key, another type or null, then not equal', () => {
    expect(sameJsonValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJsonValue({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(sameJsonValue({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJsonValue({ a: null }, { a: {} })).toBe(false);
    expect(sameJsonValue([], {})).toBe(false);
  });

  it('given objects of another realm or without a prototype, then compared by content alone', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { money: { amount: '5', currency: 'USD' } });
    expect(sameJsonValue(bare, structuredClone({ money: { currency: 'USD', amount: '5' } }))).toBe(true);
  });
});

describe('mergePatch: JSON merge patch, with a plain string taken as the English text', () => {
  it('merges text per language into a plain string as into {"en": ...}: the English stays beside the French', () => {
    expect(mergePatch({ role: 'Chief Technology Officer', roleCategory: 'c-suite' }, { role: { fr: 'directrice technique' } })).toEqual({
      role: { en: 'Chief Technology Officer', fr: 'directrice technique' },
      roleCategory: 'c-suite',
    });
    expect(mergePatch({ role: 'CTO' }, { role: { en: 'Chief Technology Officer' } })).toEqual({ role: { en: 'Chief Technology Officer' } });
    expect(mergePatch({ role: 'CTO' }, { role: { en: null, fr: 'directrice technique' } })).toEqual({
      role: { fr: 'directrice technique' },
    });
  });

  it('merges into text already given per language, and replaces with a string as before', () => {
    expect(mergePatch({ role: { en: 'CTO', fr: 'DT' } }, { role: { fr: 'directrice technique' } })).toEqual({
      role: { en: 'CTO', fr: 'directrice technique' },
    });
    expect(mergePatch({ role: { en: 'CTO', fr: 'DT' } }, { role: 'Chief Technology Officer' })).toEqual({
      role: 'Chief Technology Officer',
    });
  });

  it('leaves every other merge as RFC 7386 says: an object of other keys replaces a string, null removes, a list of another length replaces', () => {
    expect(mergePatch({ money: '5' }, { money: { amount: '5', currency: 'USD' } })).toEqual({ money: { amount: '5', currency: 'USD' } });
    expect(mergePatch({ role: 'CTO' }, { role: { fr: 'DT', de: 'x' } })).toEqual({ role: { fr: 'DT', de: 'x' } });
    expect(mergePatch({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
    expect(mergePatch({ claims: ['fraud', 'theft'] }, { claims: [{ fr: 'fraude' }] })).toEqual({ claims: [{ fr: 'fraude' }] });
    expect(mergePatch('CTO', {})).toEqual({});
  });
});

describe('absentRemovals: the paths a patch removes that its target lacks', () => {
  it('reads a plain string as the English text, as mergePatch does', () => {
    expect(absentRemovals({ role: 'CTO' }, { role: { en: null, fr: 'DT' } })).toEqual([]);
    expect(absentRemovals({ role: 'CTO' }, { role: { fr: null } })).toEqual(['role.fr']);
    expect(absentRemovals({ money: { amount: '5' } }, { money: { currncy: null } })).toEqual(['money.currncy']);
  });
});

describe('mergePatch: what is no text, and lists of texts (t33)', () => {
  it('replaces a subject with the text given for it: a destination org:anthropic is no English text', () => {
    expect(mergePatch({ destination: 'org:anthropic' }, { destination: { fr: 'une jeune pousse' } })).toEqual({
      destination: { fr: 'une jeune pousse' },
    });
  });

  it('merges a list of as many texts given per language item by item, keeping the English', () => {
    expect(mergePatch({ claims: ['breach of contract', 'fraud'] }, { claims: [{ fr: 'rupture de contrat' }, { fr: 'fraude' }] })).toEqual({
      claims: [
        { en: 'breach of contract', fr: 'rupture de contrat' },
        { en: 'fraud', fr: 'fraude' },
      ],
    });
    expect(mergePatch({ claims: [{ en: 'fraud', fr: 'escroquerie' }] }, { claims: [{ fr: 'fraude' }] })).toEqual({
      claims: [{ en: 'fraud', fr: 'fraude' }],
    });
  });

  it('replaces a list of another length, a list of subjects, or with strings, as RFC 7386 says', () => {
    expect(mergePatch({ claims: ['a', 'b'] }, { claims: [{ fr: 'x' }] })).toEqual({ claims: [{ fr: 'x' }] });
    expect(mergePatch({ plaintiffs: ['person:a'] }, { plaintiffs: [{ fr: 'x' }] })).toEqual({ plaintiffs: [{ fr: 'x' }] });
    expect(mergePatch({ claims: ['a'] }, { claims: ['b'] })).toEqual({ claims: ['b'] });
    expect(mergePatch({ claims: ['a'] }, { claims: [] })).toEqual({ claims: [] });
  });
});
