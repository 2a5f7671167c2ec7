import { corroborationOf, decideSourcing, outletKey, validateSourceRequest, validateSubmission } from '@newsroom/domain';
import { given, thrown, NOW } from './fixtures/decider.fixture';
import { eventId, retraction, type EventSpec } from './fixtures/stream.fixture';
import { envelope } from './fixtures/submissions.fixture';

describe('corroboration counts', () => {
  it('given no entries, then nothing is counted', () => {
    expect(corroborationOf([])).toEqual({ outlets: 0, confirms: 0, denies: 0, firstReportedAt: null, latestReportedAt: null });
  });

  it('given the same outlet twice (case and spacing aside), then it is one outlet', () => {
    const c = corroborationOf([
      { outlet: 'Example Daily', stance: 'confirms' },
      { outlet: ' example  daily ', stance: 'confirms' },
    ]);
    expect(c).toMatchObject({ outlets: 1, confirms: 1, denies: 0 });
  });

  it('given a syndicated copy (via), then it counts once, as the outlet it reprints', () => {
    const c = corroborationOf([
      { outlet: 'Example Daily', stance: 'confirms' },
      { outlet: 'Regional Herald', via: 'Example Daily', stance: 'confirms' },
      { outlet: 'Wire Service', stance: 'confirms' },
    ]);
    expect(c).toMatchObject({ outlets: 2, confirms: 2, denies: 0 });
    expect(outletKey({ outlet: 'Regional Herald', via: 'Example Daily' })).toBe('example daily');
  });

  it('given one outlet written with invisible characters, a no-break space or full-width letters, then it counts once', () => {
    const names = ['T3 Daily', 'T3\u200b Daily', 'T3\u00a0Daily', '\u202eT3 Daily', 'Ｔ3 Daily', ' t3  daily '];
    expect(new Set(names.map((outlet) => outletKey({ outlet })))).toEqual(new Set(['t3 daily']));
    expect(corroborationOf(names.map((outlet) => ({ outlet, stance: 'confirms' as const }))).outlets).toBe(1);
  });

  it('given one outlet written with a letter of another script drawn as a Latin one, then it counts once', () => {
    // A Cyrillic capital Te, a Greek capital Tau, a Cyrillic small e, an Armenian o; then small and capital forms.
    const names = ['T3 Daily', '\u04223 Daily', '\u03a43 Daily', 'T3 Dail\u0443', 'T3 D\u0430ily'];
    expect(new Set(names.map((outlet) => outletKey({ outlet })))).toEqual(new Set(['t3 daily']));
    expect(outletKey({ outlet: 'L\u0435 M\u043ende' })).toBe('le monde');
    expect(outletKey({ outlet: 'Le M\u0585nde' })).toBe('le monde');
    const c = corroborationOf(['Le Monde', 'L\u0435 Monde', 'LE MOND\u0415'].map((outlet) => ({ outlet, stance: 'confirms' as const })));
    expect(c).toMatchObject({ outlets: 1, confirms: 1 });
    // A name and its capitals keep one key in any script; a name in another script is another outlet.
    expect(outletKey({ outlet: '\u0422\u0410\u0421\u0421' })).toBe(outletKey({ outlet: '\u0442\u0430\u0441\u0441' }));
    const vedomosti = outletKey({ outlet: '\u0412\u0435\u0434\u043e\u043c\u043e\u0441\u0442\u0438' });
    expect(vedomosti).toBe(outletKey({ outlet: '\u0412\u0415\u0414\u041e\u041c\u041e\u0421\u0422\u0418' }));
    expect(vedomosti).toMatch(/[\u0434\u0438]/);
  });

  it('given one outlet written with characters a reader does not see (t28: default-ignorable ones), then it counts once', () => {
    // A combining grapheme joiner, variation selectors, the Hangul fillers, a Braille blank for a space.
    const names = [
      'Le Mo\u034fnde',
      'Le Mo\ufe00nde',
      'Le Monde\ufe0f',
      'Le Mo\u3164nde',
      'Le Mo\u115fnde',
      'Le\u2800Monde',
      'Le Mo\uffa0nde',
    ];
    expect(new Set(names.map((outlet) => outletKey({ outlet })))).toEqual(new Set(['le monde']));
    expect(outletKey({ outlet: 'Other Post', via: 'Le Mo\u034fnde' })).toBe('le monde');
  });

  it('given letters TR39 draws as Latin ones in either case (t28: Greek \u03bd \u03c5, Cyrillic \u0474 \u0461, Armenian \u0578 \u057c \u0581), then each is that letter', () => {
    const pairs: Array<[string, string]> = [
      ['Le Mo\u0578de', 'le monde'],
      ['\u03bdivid', 'vivid'],
      ['\u03c5no', 'uno'],
      ['\u0474ivid', 'vivid'],
      ['\u0475ivid', 'vivid'],
      ['\u0461ave', 'wave'],
      ['\u0581ig', 'gig'],
      ['\u057cano', 'nano'],
      ['\u039dews', 'news'],
      ['\u0399BM', 'ibm'],
      ['\u0406BM', 'ibm'],
      ['\u1d0f\u1d04\u1d1c', 'ocu'],
    ];
    expect(pairs.map(([outlet]) => [outlet, outletKey({ outlet })])).toEqual(pairs);
    // A name and its capitals keep one key: the Cyrillic small te and soft sign go where their capitals are drawn.
    expect(outletKey({ outlet: '\u0442\u044c' })).toBe(outletKey({ outlet: '\u0422\u042c' }));
    expect(outletKey({ outlet: '\u03a3\u039f' })).toBe(outletKey({ outlet: '\u03c3\u03bf' }));
  });

  it('given a Greek name and its capitals (t28: Greek \u039d/\u03bd and \u03a5/\u03c5 are drawn as N and v, Y and u), then they are one outlet', () => {
    // Kathimerini, Eleftherotypia, Naftemporiki, Ta Nea: as written, in capitals (which Greek writes without the tonos),
    // in capitals with it, and in small letters.
    const names = [
      [
        '\u039a\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae',
        '\u039a\u0391\u0398\u0397\u039c\u0395\u03a1\u0399\u039d\u0397',
        '\u039a\u0391\u0398\u0397\u039c\u0395\u03a1\u0399\u039d\u0389',
        '\u03ba\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae',
      ],
      [
        '\u0395\u03bb\u03b5\u03c5\u03b8\u03b5\u03c1\u03bf\u03c4\u03c5\u03c0\u03af\u03b1',
        '\u0395\u039b\u0395\u03a5\u0398\u0395\u03a1\u039f\u03a4\u03a5\u03a0\u0399\u0391',
      ],
      [
        '\u039d\u03b1\u03c5\u03c4\u03b5\u03bc\u03c0\u03bf\u03c1\u03b9\u03ba\u03ae',
        '\u039d\u0391\u03a5\u03a4\u0395\u039c\u03a0\u039f\u03a1\u0399\u039a\u0397',
      ],
      ['\u03a4\u03b1 \u039d\u03ad\u03b1', '\u03a4\u0391 \u039d\u0388\u0391', '\u03c4\u03b1 \u03bd\u03ad\u03b1'],
    ];
    for (const written of names) {
      expect(new Set(written.map((outlet) => outletKey({ outlet }))).size).toBe(1);
      expect(corroborationOf(written.map((outlet) => ({ outlet, stance: 'confirms' as const })))).toMatchObject({
        outlets: 1,
        confirms: 1,
      });
    }
    // Still another outlet than another Greek name, and than the Latin name spelt alike.
    expect(outletKey({ outlet: '\u039a\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae' })).not.toBe(
      outletKey({ outlet: '\u0395\u03bb\u03b5\u03c5\u03b8\u03b5\u03c1\u03bf\u03c4\u03c5\u03c0\u03af\u03b1' }),
    );
    expect(outletKey({ outlet: '\u03a4\u03b1 \u039d\u03ad\u03b1' })).not.toBe(outletKey({ outlet: 'Ta Nea' }));
  });

  it('given a Greek \u039d, \u03bd, \u03a5 or \u03c5 swapped into a Latin name, then it is still the Latin letter it is drawn as', () => {
    const pairs: Array<[string, string]> = [
      ['\u039dew York Times', 'new york times'],
      ['THE \u039dEW YORK TIMES', 'the new york times'],
      ['\u03bdice', 'vice'],
      ['\u03a5ahoo News', 'yahoo news'],
      ['Le Mo\u03c5nde', 'le mounde'],
      // A name wholly of letters drawn as Latin ones is the Latin name it reads as, beside a Latin word or alone.
      ['\u039d\u03a5 Times', 'ny times'],
      ['\u039d\u0391\u03a4\u039f', 'nato'],
    ];
    expect(pairs.map(([outlet]) => [outlet, outletKey({ outlet })])).toEqual(pairs);
    const c = corroborationOf(
      ['New York Times', '\u039dew York Times', 'NEW YORK TIMES', '\u039d\u0395W YORK TIMES'].map((outlet) => ({
        outlet,
        stance: 'confirms' as const,
      })),
    );
    expect(c).toMatchObject({ outlets: 1, confirms: 1 });
  });

  it('given a Greek lunate sigma (\u03f2, \u03f9, drawn as c and C) swapped into a Latin name, then it is that letter; in a Greek word, a sigma', () => {
    const pairs: Array<[string, string]> = [
      ['\u03f9NN', 'cnn'],
      ['Fran\u03f2e 24', 'france 24'],
      ['\u03f9ourrier international', 'courrier international'],
    ];
    expect(pairs.map(([outlet]) => [outlet, outletKey({ outlet })])).toEqual(pairs);
    expect(corroborationOf(['CNN', '\u03f9NN', 'cnn'].map((outlet) => ({ outlet, stance: 'confirms' as const })))).toMatchObject({
      outlets: 1,
    });
    // A Greek word written with lunate sigmas (as some Greek typography does) is that word with its sigmas.
    expect(
      outletKey({
        outlet:
          '\u0395\u03bb\u03b5\u03c5\u03b8\u03b5\u03c1\u03bf\u03c4\u03c5\u03c0\u03af\u03b1 \u03c4\u03b7\u03f2 \u039a\u03c5\u03c1\u03b9\u03b1\u03ba\u03ae\u03f2',
      }),
    ).toBe(
      outletKey({
        outlet:
          '\u0395\u03bb\u03b5\u03c5\u03b8\u03b5\u03c1\u03bf\u03c4\u03c5\u03c0\u03af\u03b1 \u03c4\u03b7\u03c2 \u039a\u03c5\u03c1\u03b9\u03b1\u03ba\u03ae\u03c2',
      }),
    );
  });

  it('given one outlet written with a typographic apostrophe or dash, then it counts once', () => {
    const apostrophes = ["L'Obs", 'L\u2019Obs', 'L\u2018Obs', 'L\u02bcObs', 'L\u0060Obs', 'L\u00b4Obs', 'L\uff07Obs', 'l\u2019obs '];
    expect(new Set(apostrophes.map((outlet) => outletKey({ outlet })))).toEqual(new Set(["l'obs"]));
    const dashes = [
      'Ouest-France',
      ...[0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212].map((c) => `Ouest${String.fromCodePoint(c)}France`),
      'Ouest\ufe58France',
    ];
    expect(new Set(dashes.map((outlet) => outletKey({ outlet })))).toEqual(new Set(['ouest-france']));
    const c = corroborationOf([
      { outlet: "L'Obs", stance: 'confirms' },
      { outlet: 'L\u2019Obs', stance: 'confirms' },
    ]);
    expect(c).toMatchObject({ outlets: 1, confirms: 1, denies: 0 });
  });

  it('given confirming and denying outlets, then each is counted per distinct outlet', () => {
    const c = corroborationOf([
      { outlet: 'A', stance: 'confirms' },
      { outlet: 'B', stance: 'confirms' },
      { outlet: 'B', stance: 'confirms' },
      { outlet: 'C', stance: 'denies' },
      { outlet: 'D', via: 'C', stance: 'denies' },
    ]);
    expect(c).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
  });

  it('given an outlet that confirmed then denied, then its latest word counts', () => {
    const c = corroborationOf([
      { outlet: 'A', stance: 'confirms' },
      { outlet: 'A', stance: 'denies' },
    ]);
    expect(c).toMatchObject({ outlets: 1, confirms: 0, denies: 1 });
  });

  it('given report dates of any precision, then first and latest are the earliest and latest instants, as given', () => {
    const c = corroborationOf([
      { outlet: 'A', stance: 'confirms', reportedAt: '2024-10-02' },
      { outlet: 'B', stance: 'confirms', reportedAt: '2024-09' },
      { outlet: 'C', stance: 'denies', reportedAt: '2024-11-05T10:00:00Z' },
      { outlet: 'D', stance: 'confirms', reportedAt: null },
    ]);
    expect(c).toMatchObject({ firstReportedAt: '2024-09', latestReportedAt: '2024-11-05T10:00:00Z' });
  });
});

describe('the sources request and the via field', () => {
  it('accepts a source with via and a stance', () => {
    const valid = validateSourceRequest({ source: { outlet: 'Herald', language: 'en', via: 'Example Daily' }, stance: 'confirms' });
    expect(valid).toMatchObject({ ok: true, value: { stance: 'confirms', source: { via: 'Example Daily' } } });
  });

  it('rejects an unknown stance and a missing source', () => {
    const bad = validateSourceRequest({ stance: 'maybe' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path).sort()).toEqual(['source', 'stance']);
  });

  it('event.sourced cannot be recorded through an envelope', () => {
    const result = validateSubmission({
      type: 'event.sourced',
      subject: 'person:x',
      occurredAt: '2024',
      data: { targetEventId: '0193b7f0-0000-7000-8000-000000000001', source: { outlet: 'A', language: 'en' }, stance: 'confirms' },
      sources: [{ outlet: 'A', language: 'en' }],
    });
    expect(result.ok).toBe(false);
  });
});

describe('decideSourcing', () => {
  const MIRA = 'person:mira-murati';
  const departed = (): EventSpec => ['executive.departed', envelope('executive.departed').data, '2024-09-25'];
  const source = { outlet: 'Herald', language: 'en', via: 'Example Daily' };

  it("given a standing fact, then an event.sourced is decided in its stream with the source as the event's source", () => {
    expect(decideSourcing(given(MIRA, departed()), eventId(1), { source, stance: 'confirms' }, NOW)).toEqual({
      type: 'event.sourced',
      subject: MIRA,
      occurredAt: null,
      data: { targetEventId: eventId(1), source, stance: 'confirms' },
      sources: [source],
      modality: 'reported',
      schemaVersion: 1,
    });
  });

  it('given an unknown target, then EVENT.NOT_FOUND; a retracted one, EVENT.RETRACTED', () => {
    expect(thrown(() => decideSourcing(given(MIRA, departed()), eventId(5), { source, stance: 'denies' }, NOW))).toMatchObject({
      code: 'EVENT.NOT_FOUND',
    });
    expect(
      thrown(() => decideSourcing(given(MIRA, departed(), retraction(1)), eventId(1), { source, stance: 'denies' }, NOW)),
    ).toMatchObject({
      code: 'EVENT.RETRACTED',
    });
  });
});
