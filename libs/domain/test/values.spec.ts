import { canonicalAmount, compareAmounts, withArticle, ISO_4217_CODES, isLanguageTag, moneySchema, parseSubject } from '@newsroom/domain';

describe('parseSubject', () => {
  it.each([
    ['person:mira-murati', { kind: 'person', slug: 'mira-murati' }],
    ['org:openai', { kind: 'org', slug: 'openai' }],
    ['case:musk-v-openai', { kind: 'case', slug: 'musk-v-openai' }],
    ['product:chatgpt', { kind: 'product', slug: 'chatgpt' }],
    ['authority:california-attorney-general', { kind: 'authority', slug: 'california-attorney-general' }],
  ])('given %s, when parsed, then kind and slug are split', (s, expected) => {
    expect(parseSubject(s)).toEqual(expected);
  });

  it.each(['openai', 'org:', 'org:OpenAI', 'org:open_ai', 'company:openai', `org:${'a'.repeat(81)}`, 'org:openai:x', ' org:openai'])(
    'given %j, when parsed, then it is null',
    (s) => {
      expect(parseSubject(s)).toBeNull();
    },
  );
});

describe('money', () => {
  it.each(['100000000000', '0', '3.7', '0.0000000001', '1'.repeat(30)])('given amount %s, when parsed, then it is accepted', (amount) => {
    expect(moneySchema.safeParse({ amount, currency: 'USD' }).success).toBe(true);
  });

  it.each(['1e9', '1.', '.5', '1 000', '+5', '1'.repeat(31), '1.12345678901', '', '-5', '-0'])(
    'given amount %j, when parsed, then it is rejected',
    (amount) => {
      expect(moneySchema.safeParse({ amount, currency: 'USD' }).success).toBe(false);
    },
  );

  it.each(['USD', 'EUR', 'JPY', 'CHF', 'XAU', 'ZWG', 'XCG'])('given currency %s, when parsed, then it is accepted', (currency) => {
    expect(moneySchema.safeParse({ amount: '1', currency }).success).toBe(true);
  });

  it.each(['XYZ', 'usd', 'US', 'DOLLAR', 'XXX', 'HRK'])('given currency %s, when parsed, then it is rejected', (currency) => {
    expect(moneySchema.safeParse({ amount: '1', currency }).success).toBe(false);
  });

  it('given the embedded ISO 4217 list, then every code is three capitals and unique', () => {
    expect(ISO_4217_CODES.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(new Set(ISO_4217_CODES).size).toBe(ISO_4217_CODES.length);
  });
});

describe('amounts compared', () => {
  it.each([
    ['30.0', '30', 0],
    ['007', '7', 0],
    ['30.00', '30.0', 0],
    ['9.99', '10', -1],
    ['100', '99.9999999999', 1],
    ['0.5', '0.05', 1],
    ['100000000000000000000000000000', '99999999999999999999999999999.9', 1],
  ] as const)('given %s and %s, when compared, then %i', (a, b, order) => {
    expect(compareAmounts(a, b)).toBe(order);
    expect(compareAmounts(b, a)).toBe(order === 0 ? 0 : -order);
  });

  it.each([
    [30, '30'],
    ['-1', '1'],
    ['1e3', '1000'],
    [undefined, '1'],
  ])('given %j and %j, when compared, then null', (a, b) => {
    expect(compareAmounts(a, b)).toBeNull();
  });

  it('given amounts with padding zeros, when made canonical, then the zeros go', () => {
    expect(['030.50', '0.0', '7'].map(canonicalAmount)).toEqual(['30.5', '0', '7']);
  });
});

describe('language tags', () => {
  it.each(['fr', 'en', 'en-US', 'zh-Hant-TW', 'fr-CA', 'yue', 'de-CH-1996'])('given %s, then it is a BCP 47 tag', (tag) => {
    expect(isLanguageTag(tag)).toBe(true);
  });

  it.each(['', 'english', 'en_US', '12', 'x-private', 'e', 'fr-'])('given %j, then it is not accepted', (tag) => {
    expect(isLanguageTag(tag)).toBe(false);
  });

  it('answers the same when asked again, also after more distinct tags than it remembers', () => {
    const asked = ['fr', 'english', 'en-US', 'fr-'];
    const first = asked.map(isLanguageTag);
    expect(asked.map(isLanguageTag)).toEqual(first);
    for (let i = 0; i < 1500; i++) isLanguageTag(`x${i.toString(36)}`);
    expect(asked.map(isLanguageTag)).toEqual([true, false, true, false]);
    expect(isLanguageTag(42 as unknown as string)).toBe(false);
  });
});

describe('withArticle', () => {
  it.each([
    ['org', 'an org'],
    ['event.corrected', 'an event.corrected'],
    ['person', 'a person'],
    ['amended', 'an amended'],
    ['settled', 'a settled'],
  ])('given %s, then %s', (word, expected) => {
    expect(withArticle(word)).toBe(expected);
  });
});
