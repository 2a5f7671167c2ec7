import {
  aliasNames,
  decideAliasName,
  decideCorrection,
  decideMerge,
  decideUnmerge,
  mergedInto,
  validateEntityAliasRequest,
} from '@newsroom/domain';
import { given, thrown, NOW } from './fixtures/decider.fixture';
import { eventId, type EventSpec } from './fixtures/stream.fixture';

const SAM = 'person:sam-altman';
const SAMUEL = 'person:samuel-altman';
const SAMA = 'person:sama';
const merged = (into: string): EventSpec => ['entity.merged', { into, reason: 'same person' }, null];
const unmerged = (from: string): EventSpec => ['entity.unmerged', { from, reason: 'two people after all' }, null];
const named = (name: string, removed = false): EventSpec => ['entity.aliased', { name, ...(removed ? { removed } : {}) }, null];

describe('decideMerge', () => {
  it('given two people apart, when one is merged into the other, then an entity.merged is decided in the stream of the subject merged away', () => {
    expect(decideMerge(given(SAMUEL), given(SAM), 'same person')).toEqual({
      type: 'entity.merged',
      subject: SAMUEL,
      occurredAt: null,
      data: { into: SAM, reason: 'same person' },
      sources: [],
      modality: 'reported',
      schemaVersion: 1,
    });
  });

  it('given a subject, when merged into itself, then ENTITY.SELF_MERGE', () => {
    expect(thrown(() => decideMerge(given(SAM), given(SAM), 'x'))).toMatchObject({ code: 'ENTITY.SELF_MERGE', kind: 'validation' });
  });

  it('given a person and an org, when merged, then ENTITY.KIND_MISMATCH: only subjects of the same kind are one entity', () => {
    expect(thrown(() => decideMerge(given('org:sam-altman'), given(SAM), 'x'))).toMatchObject({
      code: 'ENTITY.KIND_MISMATCH',
      kind: 'validation',
    });
  });

  it('given a subject already merged, when merged again, then ENTITY.ALREADY_MERGED', () => {
    expect(thrown(() => decideMerge(given(SAMUEL, merged(SAM)), given(SAMA), 'x'))).toMatchObject({
      code: 'ENTITY.ALREADY_MERGED',
      kind: 'conflict',
      errors: [{ path: 'subject', message: `already merged into ${SAM}` }],
    });
  });

  it('given A merged into B, when B is merged into A, then ENTITY.NOT_CANONICAL: the cycle is refused', () => {
    expect(thrown(() => decideMerge(given(SAM), given(SAMUEL, merged(SAM)), 'x'))).toMatchObject({
      code: 'ENTITY.NOT_CANONICAL',
      kind: 'rule',
      errors: [{ path: 'subject', message: expect.stringContaining(`the subject in the URL, ${SAMUEL}, is merged into ${SAM}`) }],
    });
  });

  it('given A into B and B into C, when C is merged into A, then ENTITY.NOT_CANONICAL: no longer cycle either', () => {
    expect(thrown(() => decideMerge(given(SAMA), given(SAMUEL, merged(SAM)), 'x'))).toMatchObject({ code: 'ENTITY.NOT_CANONICAL' });
  });

  it('given a merge that was reversed, when merged again, then it is accepted', () => {
    const again = decideMerge(given(SAMUEL, merged(SAM), unmerged(SAM)), given(SAMA), 'same after all');
    expect(again.data).toEqual({ into: SAMA, reason: 'same after all' });
  });
});

describe('decideUnmerge and the merge state', () => {
  it('given a merged subject, when unmerged from its canonical subject, then an entity.unmerged is decided and the fold is apart again', () => {
    const state = given(SAMUEL, merged(SAM));
    expect(mergedInto(state)).toBe(SAM);
    const decided = decideUnmerge(state, SAM, 'two people');
    expect(decided).toMatchObject({ type: 'entity.unmerged', subject: SAMUEL, data: { from: SAM, reason: 'two people' } });
    expect(mergedInto(given(SAMUEL, merged(SAM), unmerged(SAM)))).toBeNull();
  });

  it('given a subject not merged, or merged elsewhere, when unmerged, then ENTITY.NOT_MERGED', () => {
    expect(thrown(() => decideUnmerge(given(SAMUEL), SAM, 'x'))).toMatchObject({
      code: 'ENTITY.NOT_MERGED',
      kind: 'rule',
      errors: [{ path: 'subject', message: `not merged into ${SAM}` }],
    });
    expect(thrown(() => decideUnmerge(given(SAMUEL, merged(SAMA)), SAM, 'x'))).toMatchObject({ code: 'ENTITY.NOT_MERGED' });
  });

  it('given an entity.merged in the stream, when someone tries to correct it, then EVENT.NOT_CORRECTABLE: the reversal is an unmerge', () => {
    const error = thrown(() =>
      decideCorrection(given(SAMUEL, merged(SAM)), eventId(1), { changes: { occurredAt: '2024' }, reason: 'x' }, NOW),
    );
    expect(error).toMatchObject({ code: 'EVENT.NOT_CORRECTABLE' });
  });
});

describe('decideAliasName', () => {
  it('given a name, when added and later removed, then the alias names follow, and the reversal is an event too', () => {
    const added = decideAliasName(given(SAM), 'Samuel H. Altman', false, 'filings');
    expect(added).toMatchObject({ type: 'entity.aliased', subject: SAM, data: { name: 'Samuel H. Altman', reason: 'filings' } });
    expect(aliasNames(given(SAM, named('Samuel H. Altman'), named('Sama')))).toEqual(['Samuel H. Altman', 'Sama']);
    expect(decideAliasName(given(SAM, named('Sama')), 'Sama', true).data).toEqual({ name: 'Sama', removed: true });
    expect(aliasNames(given(SAM, named('Sama'), named('Sama', true)))).toEqual([]);
  });

  it('given a name already an alias, when added, then ENTITY.ALIAS_EXISTS; given one that is not, when removed, then ENTITY.ALIAS_UNKNOWN', () => {
    expect(thrown(() => decideAliasName(given(SAM, named('Sama')), 'Sama', false))).toMatchObject({
      code: 'ENTITY.ALIAS_EXISTS',
      kind: 'conflict',
    });
    expect(thrown(() => decideAliasName(given(SAM), 'Sama', true))).toMatchObject({ code: 'ENTITY.ALIAS_UNKNOWN', kind: 'rule' });
  });

  it('given names that differ only in case, spaces or Unicode form, then they are one alias: kept clean, removed as recorded', () => {
    const decomposed = 'Jose\u0301 Garci\u0301a'; // "José García" with combining accents (NFD)
    expect(decideAliasName(given(SAM), `  ${decomposed}   `, false).data.name).toBe('Jos\u00e9 Garc\u00eda');
    expect(thrown(() => decideAliasName(given(SAM, named('Sama')), ' sama ', false))).toMatchObject({ code: 'ENTITY.ALIAS_EXISTS' });
    expect(thrown(() => decideAliasName(given(SAM, named('Jos\u00e9 Garc\u00eda')), decomposed, false))).toMatchObject({
      code: 'ENTITY.ALIAS_EXISTS',
      errors: [{ path: 'name' }],
    });
    const removal = decideAliasName(given(SAM, named('Sam  Altman')), 'SAM ALTMAN', true);
    expect(removal.data).toEqual({ name: 'Sam  Altman', removed: true });
    expect(aliasNames(given(SAM, named('Sam  Altman'), named('Sam  Altman', true)))).toEqual([]);
  });
});

describe('validateEntityAliasRequest', () => {
  it('takes exactly one of subject and name, and a reason', () => {
    expect(validateEntityAliasRequest({ subject: SAMUEL, reason: 'same' })).toMatchObject({ ok: true });
    expect(validateEntityAliasRequest({ name: 'Sama', reason: 'nickname' })).toMatchObject({ ok: true });
    expect(validateEntityAliasRequest({ subject: SAMUEL, name: 'Sama', reason: 'x' })).toMatchObject({
      ok: false,
      errors: [{ path: 'subject' }],
    });
    expect(validateEntityAliasRequest({ reason: 'x' })).toMatchObject({ ok: false });
    // Only zero-width and format characters: blank, as spaces are.
    expect(validateEntityAliasRequest({ name: '\u200b\u200d\ufeff', reason: 'x' })).toMatchObject({
      ok: false,
      errors: [{ path: 'name' }],
    });
    expect(validateEntityAliasRequest({ subject: 'samuel', reason: 'x' })).toMatchObject({ ok: false, errors: [{ path: 'subject' }] });
  });
});

describe('alias names a reader cannot tell apart', () => {
  it.each([
    ['bobby\u200b t7', 'a zero-width space'],
    ['Bobby\u2060 T7', 'a word joiner'],
    ['\ufeffBobby T7', 'a byte order mark'],
    ['Bob\u00adby T7', 'a soft hyphen'],
    ['Bobby\u200c\u200d T7', 'a zero-width non-joiner and joiner'],
    ['\u200eBobby T7\u200f', 'direction marks'],
    ['Ｂｏｂｂｙ Ｔ７', 'full-width letters'],
    ['B\u043ebby \u04227', 'a Cyrillic o and Te'],
    ['\u0392obby \u03a47', 'a Greek Beta and Tau'],
    ['Bo\u034fbby T7\ufe0f', 'a combining grapheme joiner and a variation selector'],
    ['Bobby\u2800T7', 'a Braille blank'],
  ])('given %j (%s) where "Bobby T7" is an alias, when added, then ENTITY.ALIAS_EXISTS on name', (name) => {
    expect(thrown(() => decideAliasName(given(SAM, named('Bobby T7')), name, false))).toMatchObject({
      code: 'ENTITY.ALIAS_EXISTS',
      errors: [{ path: 'name', message: `already an alias of ${SAM}` }],
    });
  });

  it('given a Greek alias and its capitals (\u039d/\u03bd and \u03a5/\u03c5 drawn as two letters each), when the capitals are added, then ENTITY.ALIAS_EXISTS on name', () => {
    // "Σαμ Άλτμαν" and "ΣΑΜ ΑΛΤΜΑΝ"; "Ναυτεμπορική" and "ΝΑΥΤΕΜΠΟΡΙΚΗ".
    for (const [recorded, capitals] of [
      ['\u03a3\u03b1\u03bc \u0386\u03bb\u03c4\u03bc\u03b1\u03bd', '\u03a3\u0391\u039c \u0391\u039b\u03a4\u039c\u0391\u039d'],
      [
        '\u039d\u03b1\u03c5\u03c4\u03b5\u03bc\u03c0\u03bf\u03c1\u03b9\u03ba\u03ae',
        '\u039d\u0391\u03a5\u03a4\u0395\u039c\u03a0\u039f\u03a1\u0399\u039a\u0397',
      ],
    ])
      expect(thrown(() => decideAliasName(given(SAM, named(recorded)), capitals, false))).toMatchObject({
        code: 'ENTITY.ALIAS_EXISTS',
        errors: [{ path: 'name', message: `already an alias of ${SAM}` }],
      });
    // A Greek Nu swapped into a Latin alias is still the Latin N: "\u039dew Bobby" is "New Bobby".
    expect(thrown(() => decideAliasName(given(SAM, named('New Bobby')), '\u039dew Bobby', false))).toMatchObject({
      code: 'ENTITY.ALIAS_EXISTS',
    });
  });

  it('given an alias recorded with an invisible character, when removed by its visible name, then the recorded name is removed', () => {
    const removal = decideAliasName(given(SAM, named('bobby\u200b t7')), 'Bobby T7', true);
    expect(removal.data).toEqual({ name: 'bobby\u200b t7', removed: true });
    expect(aliasNames(given(SAM, named('bobby\u200b t7'), named('bobby\u200b t7', true)))).toEqual([]);
  });

  it('given a new name with an invisible character, then it is kept as written (NFC, single spaces) and compared without it', () => {
    expect(decideAliasName(given(SAM), 'Sam\u200b  Altman', false).data.name).toBe('Sam\u200b Altman');
    expect(decideAliasName(given(SAM), 'Bob\ufeffT7', false).data.name).toBe('Bob T7');
    // The name as kept folds as the name as given: the same request again is ENTITY.ALIAS_EXISTS, not a second alias.
    expect(thrown(() => decideAliasName(given(SAM, named('Bob T7')), 'Bob\ufeffT7', false))).toMatchObject({ code: 'ENTITY.ALIAS_EXISTS' });
  });

  it('given names that differ in visible letters, then they stay two aliases', () => {
    expect(decideAliasName(given(SAM, named('Bobby T7')), 'Bobby T8', false).data.name).toBe('Bobby T8');
    expect(decideAliasName(given(SAM, named('Sam Altman')), 'Sam\u200bAltman', false).data.name).toBe('Sam\u200bAltman');
  });
});
