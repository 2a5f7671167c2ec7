import { RECORDABLE_EVENT_TYPES, validateSubmission, type RecordableEventType } from '@newsroom/domain';
import { envelope, withData } from './fixtures/submissions.fixture';

function pathsOf(input: unknown): string[] {
  const result = validateSubmission(input);
  return result.ok ? [] : result.errors.map((e) => e.path);
}

describe('per-type data validation', () => {
  describe.each(RECORDABLE_EVENT_TYPES.map((t) => [t]))('%s', (type: RecordableEventType) => {
    it('given the valid example, when validated, then it is accepted with modality defaulted', () => {
      const result = validateSubmission(envelope(type));
      expect(result).toEqual({ ok: true, value: expect.objectContaining({ type, modality: 'reported' }) });
    });

    it('given an unknown data field, when validated, then the error names it', () => {
      expect(pathsOf(withData(type, { bogus: 1 }))).toEqual(['data.bogus']);
    });

    it('given a subject of the wrong kind, when validated, then the error is on subject', () => {
      const wrong = envelope(type).subject.startsWith('org:') ? 'person:sam-altman' : 'org:openai';
      const result = validateSubmission(envelope(type, { subject: wrong }));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.errors).toEqual([
          { path: 'subject', message: expect.stringMatching(/must be an? \w+ subject, got an? \w+ subject/) },
        ]);
      }
    });

    it('given no data, when validated, then data is required', () => {
      const env = envelope(type);
      delete env.data;
      expect(validateSubmission(env)).toEqual({ ok: false, errors: [{ path: 'data', message: 'required' }] });
    });
  });
});

// [type, what is wrong, data patch (undefined removes a field), expected error paths]
const INVALID: Array<[RecordableEventType, string, Record<string, unknown>, string[]]> = [
  ['executive.appointed', 'missing role', { role: undefined }, ['data.role']],
  ['executive.appointed', 'bad roleCategory', { roleCategory: 'ceo' }, ['data.roleCategory']],
  ['executive.appointed', 'organization not an org', { organization: 'person:sam-altman' }, ['data.organization']],
  ['executive.appointed', 'interim not a boolean', { interim: 'yes' }, ['data.interim']],
  ['executive.appointed', 'previously not names', { previously: [42] }, ['data.previously[0]']],
  ['executive.departed', 'missing roleCategory', { roleCategory: undefined }, ['data.roleCategory']],
  ['executive.departed', 'bad reason', { reason: 'quit' }, ['data.reason']],
  ['executive.departed', 'blank role', { role: '   ' }, ['data.role']],
  ['executive.departed', 'role too long', { role: 'x'.repeat(201) }, ['data.role']],
  ['headcount.reported', 'neither total nor byFunction', { total: undefined, byFunction: undefined }, ['data']],
  ['headcount.reported', 'empty byFunction alone', { total: undefined, byFunction: {} }, ['data']],
  ['headcount.reported', 'negative total', { total: -1 }, ['data.total']],
  ['headcount.reported', 'fractional total', { total: 10.5 }, ['data.total']],
  ['headcount.reported', 'fractional function count', { byFunction: { commercial: 1.5 } }, ['data.byFunction.commercial']],
  ['revenue.reported', 'float money', { money: { amount: 3.7e9, currency: 'USD' } }, ['data.money.amount']],
  ['revenue.reported', 'negative revenue', { money: { amount: '-5000000000', currency: 'USD' } }, ['data.money.amount']],
  [
    'financial.loss_reported',
    'a loss as a negative amount',
    { money: { amount: '-1', currency: 'USD' }, period: '2024', basis: 'actual' },
    ['data.money.amount'],
  ],
  ['revenue.reported', 'bad currency', { money: { amount: '1', currency: 'XYZ' } }, ['data.money.currency']],
  ['revenue.reported', 'lower-case currency', { money: { amount: '1', currency: 'usd' } }, ['data.money.currency']],
  ['revenue.reported', 'bad period', { period: '2024-13' }, ['data.period']],
  ['revenue.reported', 'bad basis', { basis: 'estimated' }, ['data.basis']],
  ['revenue.reported', 'extra money field', { money: { amount: '1', currency: 'USD', scale: 'billion' } }, ['data.money.scale']],
  ['revenue.target_set', 'missing targetPeriod', { targetPeriod: undefined }, ['data.targetPeriod']],
  ['revenue.target_set', 'setBy not a person', { setBy: 'org:openai' }, ['data.setBy']],
  ['revenue.target_set', 'amount with a comma', { money: { amount: '100,000', currency: 'USD' } }, ['data.money.amount']],
  ['financial.loss_reported', 'bad basis', { basis: 'annualized' }, ['data.basis']],
  ['financial.loss_reported', 'impossible date', { period: '2024-02-30' }, ['data.period']],
  ['financial.loss_reported', 'missing money', { money: undefined }, ['data.money']],
  ['funding.round_closed', 'valuation float', { valuation: { amount: 1.5e11, currency: 'USD' } }, ['data.valuation.amount']],
  ['funding.round_closed', 'investors not an array', { investors: 'Microsoft' }, ['data.investors']],
  ['funding.round_closed', 'too many investors', { investors: Array.from({ length: 101 }, (_, i) => `fund ${i}`) }, ['data.investors']],
  ['lawsuit.filed', 'no plaintiffs', { plaintiffs: [] }, ['data.plaintiffs']],
  ['lawsuit.filed', 'defendant not a subject', { defendants: ['OpenAI'] }, ['data.defendants[0]']],
  ['lawsuit.filed', 'missing claims', { claims: undefined }, ['data.claims']],
  [
    'lawsuit.filed',
    'a party that sues itself',
    { plaintiffs: ['org:acme'], defendants: ['org:openai', 'org:acme'] },
    ['data.defendants[1]'],
  ],
  [
    'lawsuit.filed',
    'a case or a product as a party',
    { plaintiffs: ['case:other'], defendants: ['product:chatgpt'] },
    ['data.plaintiffs[0]', 'data.defendants[0]'],
  ],
  [
    'headcount.reported',
    'functions adding up to more than the total',
    { total: 100, byFunction: { engineering: 400, sales: 300 } },
    ['data.byFunction'],
  ],
  ['headcount.reported', 'a function named total', { total: 10, byFunction: { total: 5 } }, ['data.byFunction.total']],
  ['headcount.reported', 'a function named total in capitals', { byFunction: { ' Total ': 5, sales: 2 } }, ['data.byFunction. Total ']],
  ['headcount.reported', 'a total above the bound', { total: 10_000_001 }, ['data.total']],
  ['headcount.reported', 'a function above the bound', { total: undefined, byFunction: { sales: 20_000_000 } }, ['data.byFunction.sales']],
  [
    'funding.round_closed',
    'a valuation below the money raised',
    { money: { amount: '6600000000', currency: 'USD' }, valuation: { amount: '660000000.00', currency: 'USD' } },
    ['data.valuation.amount'],
  ],
  [
    'lawsuit.filed',
    'a plaintiff listed twice',
    { plaintiffs: ['person:elon-musk', 'org:xai', 'person:elon-musk'] },
    ['data.plaintiffs[2]'],
  ],
  ['lawsuit.filed', 'a defendant listed twice', { defendants: ['org:openai', 'org:openai'] }, ['data.defendants[1]']],
  ['governance.restructuring_announced', 'from and to the same', { from: 'Non-profit', to: { en: ' non-profit ' } }, ['data.to']],
  ['lawsuit.filed', 'missing title', { title: undefined }, ['data.title']],
  ['lawsuit.status_changed', 'bad status', { status: 'closed' }, ['data.status']],
  ['lawsuit.status_changed', 'detail too long', { detail: 'x'.repeat(2001) }, ['data.detail']],
  ['regulatory.intervention_requested', 'authority not an authority', { authority: 'org:ftc' }, ['data.authority']],
  ['regulatory.intervention_requested', 'malformed by', { by: 'Mark Zuckerberg' }, ['data.by']],
  ['regulatory.intervention_requested', 'missing request', { request: undefined }, ['data.request']],
  ['product.announced', 'bad status', { status: 'beta' }, ['data.status']],
  ['product.announced', 'missing organization', { organization: undefined }, ['data.organization']],
  // An object is taken for text per language: its unknown key is named, and the missing en/fr.
  ['product.announced', 'features not text', { features: [{ name: 'voice' }] }, ['data.features[0].name', 'data.features[0]']],
  ['product.announced', 'a feature neither text nor an object', { features: [42] }, ['data.features[0]']],
  ['strategy.revenue_model_explored', 'no models', { models: [] }, ['data.models']],
  ['strategy.revenue_model_explored', 'models not text', { models: [1] }, ['data.models[0]']],
  ['governance.restructuring_announced', 'missing to', { to: undefined }, ['data.to']],
  ['governance.restructuring_announced', 'empty from', { from: '' }, ['data.from']],
];

describe('invalid data shapes', () => {
  it.each(INVALID)('given %s with %s, when validated, then the errors are at the expected paths', (type, _what, patch, paths) => {
    expect(pathsOf(withData(type, patch))).toEqual(paths);
  });

  it('given a JSON number as money, when validated, then the message says money is a decimal string', () => {
    const result = validateSubmission(withData('revenue.reported', { money: { amount: 100, currency: 'USD' } }));
    expect(result).toEqual({ ok: false, errors: [{ path: 'data.money.amount', message: expect.stringContaining('decimal string') }] });
  });

  it('given a fake currency, when validated, then the message names ISO 4217', () => {
    const result = validateSubmission(withData('revenue.reported', { money: { amount: '1', currency: 'XYZ' } }));
    expect(result).toEqual({ ok: false, errors: [{ path: 'data.money.currency', message: expect.stringContaining('ISO 4217') }] });
  });

  it('given a headcount too large to be exact, when validated, then the message states the bound, not that it is not whole', () => {
    const result = validateSubmission(withData('headcount.reported', { total: 1e20 }));
    expect(result).toEqual({ ok: false, errors: [{ path: 'data.total', message: expect.stringContaining('at most 10000000') }] });
  });

  it('given a headcount function named total, when validated, then the message says it is the total basis', () => {
    const result = validateSubmission(withData('headcount.reported', { total: 10, byFunction: { TOTAL: 5 } }));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'data.byFunction.TOTAL', message: expect.stringContaining('basis of the headcount total') }],
    });
  });

  it.each([
    ['the bound itself', { total: 10_000_000, byFunction: { 'total revenue staff': 3 } }],
    ['a valuation equal to the round', { money: { amount: '30.0', currency: 'USD' }, valuation: { amount: '30', currency: 'USD' } }],
    [
      'a valuation below the round in another currency',
      { money: { amount: '30', currency: 'USD' }, valuation: { amount: '3', currency: 'EUR' } },
    ],
  ])('given %s, when validated, then it is accepted', (_what, patch) => {
    const type = 'total' in patch ? 'headcount.reported' : 'funding.round_closed';
    expect(validateSubmission(withData(type, patch)).ok).toBe(true);
  });

  it('given a governance change to what it was, spelt with other case and spacing, when validated, then it is refused on to', () => {
    const result = validateSubmission(
      withData('governance.restructuring_announced', { from: 'Public benefit corporation', to: 'public  benefit corporation' }),
    );
    expect(result).toEqual({ ok: false, errors: [{ path: 'data.to', message: expect.stringContaining('changes from') }] });
  });

  it('given a governance change to what it was, its accents typed as combining marks or its apostrophe curly, when validated, then it is refused on to (t31)', () => {
    const composed = 'société à mission';
    for (const to of [composed.normalize('NFD'), { fr: 'SOCIE\u0301TE\u0301 A\u0300 MISSION' }]) {
      const result = validateSubmission(withData('governance.restructuring_announced', { from: { fr: composed }, to }));
      expect(result).toEqual({ ok: false, errors: [{ path: 'data.to', message: expect.stringContaining('changes from') }] });
    }
    const curly = validateSubmission(
      withData('governance.restructuring_announced', { from: "Fonds d'investissement", to: 'fonds d’investissement' }),
    );
    expect(curly).toEqual({ ok: false, errors: [{ path: 'data.to', message: expect.stringContaining('changes from') }] });
  });

  it('given a missing required field, when validated, then the message says required', () => {
    const result = validateSubmission(withData('executive.departed', { role: undefined }));
    expect(result).toEqual({ ok: false, errors: [{ path: 'data.role', message: 'required' }] });
  });
});
