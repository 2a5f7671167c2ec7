import { entityAliasRequestJsonSchema, validateEntityAliasRequest, validateSubmission, validateStoryRequest } from '@newsroom/domain';
import { SOURCE, withData } from './fixtures/submissions.fixture';

const errorsOf = (result: { ok: true } | { ok: false; errors: Array<{ path: string; message: string }> }) =>
  result.ok ? [] : result.errors;

describe('one-line text (names, roles, outlets, titles)', () => {
  const role = (value: unknown) => errorsOf(validateSubmission(withData('executive.departed', { role: value })));

  it('given a role with a bidi override and a CRLF, then the first one is named with its index', () => {
    expect(role('  CTO\u202eevil\r\nsecond line  ')).toEqual([
      { path: 'data.role', message: 'must not contain bidi embedding, override or isolate controls: U+202E at 5' },
    ]);
  });

  it.each([
    ['CTO\r', 'must be one line: U+000D at 3'],
    ['CTO\nCFO', 'must be one line: U+000A at 3'],
    ['CTO\u2028CFO', 'must be one line: U+2028 at 3'],
    ['CTO\u2029', 'must be one line: U+2029 at 3'],
    ['C\u0085TO', 'must be one line: U+0085 at 1'],
    ['C\tTO', 'must not contain control characters: U+0009 at 1'],
    ['\u001bCTO', 'must not contain control characters: U+001B at 0'],
    ['CT\u007fO', 'must not contain control characters: U+007F at 2'],
    ['CT\u009fO', 'must not contain control characters: U+009F at 2'],
    ['\u202aCTO', 'must not contain bidi embedding, override or isolate controls: U+202A at 0'],
    ['CTO\u2066x\u2069', 'must not contain bidi embedding, override or isolate controls: U+2066 at 3'],
    // An emoji is one character: the index counts what a reader counts.
    ['😀😀\tCTO', 'must not contain control characters: U+0009 at 2'],
  ])('given the role %j, then it is refused: %s', (value, message) => {
    expect(role(value)).toEqual([{ path: 'data.role', message }]);
  });

  it('given the role per language with a line break in French, then the path names the language', () => {
    expect(role({ en: 'CTO', fr: 'directrice\ntechnique' })).toEqual([{ path: 'data.role.fr', message: 'must be one line: U+000A at 10' }]);
  });

  it.each([
    ['  CTO  ', 'CTO'],
    [' chief  people   officer ', 'chief people officer'],
    ['\u00a0CTO\u3000', 'CTO'],
    ['1\u00a0600 « CTO »', '1\u00a0600 « CTO »'],
  ])('given the role %j, then it is stored without blanks around it and with runs of spaces as one: %j', (value, stored) => {
    const result = validateSubmission(withData('executive.departed', { role: value }));
    expect(result.ok && (result.value.data as { role: unknown }).role).toBe(stored);
  });

  it('given a role per language, an outlet and a title with blanks, then each is stored trimmed, spaces joined', () => {
    const result = validateSubmission({
      ...withData('executive.departed', { role: { en: ' Chief  People Officer ', fr: ' directrice  des  personnes' } }),
      sources: [{ outlet: '  Le   Monde ', url: 'https://example.org/a', title: ' A  title ', language: 'fr' }],
    });
    expect(result.ok && (result.value.data as { role: unknown }).role).toEqual({
      en: 'Chief People Officer',
      fr: 'directrice des personnes',
    });
    expect(result.ok && result.value.sources.map((s) => [s.outlet, s.title])).toEqual([['Le Monde', 'A title']]);
  });

  it('given free text with blanks around it and inside, then only the blanks around it go: lines and spaces inside stay', () => {
    const event = withData('executive.departed', {});
    const result = validateSubmission({ ...event, sources: [{ ...event.sources[0], quote: '  « left  to\r\n  found »  \n' }] });
    expect(result.ok && result.value.sources[0].quote).toBe('« left  to\r\n  found »');
  });

  it('given headcount functions that are one function once stored, then the second is named; else the keys are stored trimmed', () => {
    expect(errorsOf(validateSubmission(withData('headcount.reported', { total: 10, byFunction: { Sales: 3, ' sales ': 4 } })))).toEqual([
      { path: 'data.byFunction. sales ', message: 'names the function "Sales" again' },
    ]);
    const result = validateSubmission(withData('headcount.reported', { total: 10, byFunction: { ' Research  Lab ': 3 } }));
    expect(result.ok && result.value.data).toEqual({ total: 10, byFunction: { 'Research Lab': 3 } });
  });

  it.each(['Directrice générale déléguée', 'CEO\u200e', 'Sam\u00a0Altman', '😀 Chief Vibes Officer', 'مدير التكنولوجيا'])(
    'given the role %j (spacing, marks and scripts as written), then it is accepted as it is',
    (value) => {
      const result = validateSubmission(withData('executive.departed', { role: value }));
      expect(result.ok && (result.value.data as { role: unknown }).role).toBe(value);
    },
  );

  it('given a headcount function, an outlet, an investor and a story title with a control, then each is named', () => {
    expect(errorsOf(validateSubmission(withData('headcount.reported', { total: 10, byFunction: { 'sales\tteam': 3 } })))).toEqual([
      { path: 'data.byFunction.sales\tteam', message: 'key must not contain control characters: U+0009 at 5' },
    ]);
    expect(errorsOf(validateSubmission(withData('funding.round_closed', { investors: ['Thrive\nCapital'] })))).toEqual([
      { path: 'data.investors[0]', message: 'must be one line: U+000A at 6' },
    ]);
    const story = { story: { ...SOURCE, quote: undefined, outlet: 'Le\rMonde', title: 'A\u202etitle' }, events: [] };
    expect(errorsOf(validateStoryRequest(story)).slice(0, 2)).toEqual([
      { path: 'story.outlet', message: 'must be one line: U+000D at 2' },
      { path: 'story.title', message: 'must not contain bidi embedding, override or isolate controls: U+202E at 1' },
    ]);
  });

  it('given an alias name with a tab, then it is refused on name', () => {
    expect(errorsOf(validateEntityAliasRequest({ name: 'Sam\tAltman', reason: 'filings' }))).toEqual([
      { path: 'name', message: 'must not contain control characters: U+0009 at 3' },
    ]);
  });
});

describe('free text (reasons, quotes, features, notes)', () => {
  const reason = (value: unknown) => errorsOf(validateEntityAliasRequest({ name: 'Sam Altman', reason: value }));

  it.each(['line one\nline two', 'line one\r\nline two\r\n', '\n\nindented\n  text  '])(
    'given %j, then LF and CRLF break lines',
    (value) => {
      expect(reason(value)).toEqual([]);
    },
  );

  it.each([
    ['line one\rline two', 'must break lines with LF or CRLF only: U+000D at 8'],
    ['ends with CR\r', 'must break lines with LF or CRLF only: U+000D at 12'],
    ['a\r\nb\u2028c', 'must break lines with LF or CRLF only: U+2028 at 4'],
    ['tab\tseparated', 'must not contain control characters other than LF and CRLF: U+0009 at 3'],
    ['form\ffeed', 'must break lines with LF or CRLF only: U+000C at 4'],
    ['bell\u0007', 'must not contain control characters other than LF and CRLF: U+0007 at 4'],
    ['a\n\u202eb', 'must not contain bidi embedding, override or isolate controls: U+202E at 2'],
  ])('given %j, then it is refused: %s', (value, message) => {
    expect(reason(value)).toEqual([{ path: 'reason', message }]);
  });

  it('given a quote with a tab in a story event, then the path names it', () => {
    const { quote: _, ...story0 } = SOURCE;
    const story = {
      story: story0,
      events: [{ type: 'headcount.reported', subject: 'org:openai', occurredAt: '2024-10', data: { total: 1 }, quote: 'x\ty' }],
    };
    expect(errorsOf(validateStoryRequest(story))).toEqual([
      { path: 'events[0].quote', message: 'must not contain control characters other than LF and CRLF: U+0009 at 1' },
    ]);
  });
});

describe('record keys', () => {
  const byFunction = (keys: Record<string, number>) => errorsOf(validateSubmission(withData('headcount.reported', { byFunction: keys })));

  it('given an empty, an overlong and a blank function name, then each message says what a key must be', () => {
    expect(byFunction({ '': 1 })).toEqual([{ path: 'data.byFunction.', message: 'key must not be empty' }]);
    expect(byFunction({ ['k'.repeat(201)]: 1 })).toEqual([
      { path: `data.byFunction.${'k'.repeat(201)}`, message: 'key must be at most 200 characters' },
    ]);
    expect(byFunction({ ' ': 1 })).toEqual([{ path: 'data.byFunction. ', message: 'key: name must not be blank' }]);
  });
});

describe('the JSON Schema of text', () => {
  // One pattern per text field, the one the validator runs: a client that checks it agrees with the 400s.
  const properties = entityAliasRequestJsonSchema().properties as Record<string, { pattern: string }>;
  const name = new RegExp(properties.name.pattern, 'u');
  const reason = new RegExp(properties.reason.pattern, 'u');

  it.each([
    ['Sam Altman', true, true],
    ['  Sam  Altman  ', true, true],
    ['Sam\tAltman', false, false],
    ['Sam\nAltman', false, true],
    ['Sam\r\nAltman', false, true],
    ['Sam\rAltman', false, false],
    ['Sam\u202eAltman', false, false],
    ['Sam\u2028Altman', false, false],
    ['Sam\u200bAltman', true, true],
    ['\u200b \ufeff', false, false],
    ['\n', false, false],
  ])('given %j, then the name pattern says %s and the text pattern %s, as the validator does', (text, oneLine, lines) => {
    expect([name.test(text), reason.test(text)]).toEqual([oneLine, lines]);
    const valid = (field: 'name' | 'reason') => validateEntityAliasRequest({ name: 'Sam', reason: 'why', [field]: text }).ok;
    expect([valid('name'), valid('reason')]).toEqual([oneLine, lines]);
  });

  it('given blank text, then the message says blank; given a control in blank text, then the control', () => {
    expect(errorsOf(validateEntityAliasRequest({ name: ' \u200b ', reason: 'why' }))).toEqual([
      { path: 'name', message: 'name must not be blank' },
    ]);
    expect(errorsOf(validateEntityAliasRequest({ name: 'Sam', reason: ' \t ' }))).toEqual([
      { path: 'reason', message: 'must not contain control characters other than LF and CRLF: U+0009 at 1' },
    ]);
  });
});
