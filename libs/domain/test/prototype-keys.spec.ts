import { decideCorrection, mergePatch, unstorableTextErrors, validateCorrectionRequest, validateSubmission } from '@newsroom/domain';
import { given, NOW } from './fixtures/decider.fixture';
import { eventId } from './fixtures/stream.fixture';
import { envelope } from './fixtures/submissions.fixture';

/**
 * Issue 11, hole 1: keys that reach an object's prototype (`__proto__`, `constructor`, `prototype`) are refused
 * anywhere in an input, with their path, and the merge patch never lets one change a prototype.
 */
const pathsOf = (result: { ok: boolean; errors?: { path: string }[] }) => (result.ok ? [] : result.errors!.map((e) => e.path));
// JSON.parse makes `__proto__` an own data key, exactly as the body parser and the Kafka consumer see it.
const HOSTILE = JSON.parse('{"changes":{"data":{"money":{"amount":null,"__proto__":{"amount":"5"}}}},"reason":"typo"}');

describe('prototype keys in input', () => {
  it('given the nested __proto__ correction, then it is invalid at changes.data.money.__proto__', () => {
    expect(pathsOf(validateCorrectionRequest(HOSTILE))).toEqual(['changes.data.money.__proto__']);
  });

  it.each([
    ['__proto__ in a record of numbers', '{"byFunction":{"__proto__":3}}', 'data.byFunction.__proto__'],
    ['constructor in a record of numbers', '{"byFunction":{"constructor":3}}', 'data.byFunction.constructor'],
    ['prototype in a record of numbers', '{"byFunction":{"prototype":3}}', 'data.byFunction.prototype'],
  ])('given a submission with %s, then it is invalid at that path', (_what, byFunction, path) => {
    const body = { ...envelope('headcount.reported'), data: { total: 10, ...JSON.parse(byFunction) } };
    expect(pathsOf(validateSubmission(body))).toContain(path);
  });

  it('given such keys at the top, in arrays and in sources, then each is named once, in one walk', () => {
    const input = JSON.parse('{"__proto__":{},"a":[{"constructor":1}],"b":{"c":{"prototype":{"__proto__":2}}}}');
    expect(unstorableTextErrors(input).map((e) => e.path)).toEqual([
      '__proto__',
      'a[0].constructor',
      'b.c.prototype',
      'b.c.prototype.__proto__',
    ]);
  });

  it('given ordinary keys that only contain those words, then they are fine', () => {
    expect(unstorableTextErrors({ proto: 1, constructors: 2, prototypeId: 3, __proto: 4 })).toEqual([]);
  });
});

describe('mergePatch with prototype keys (defence in depth)', () => {
  const target = { money: { amount: '1', currency: 'USD' } };

  it('given a nested __proto__ in the patch, then no prototype changes and no value is inherited', () => {
    const merged = mergePatch(target, HOSTILE.changes.data) as { money: Record<string, unknown> };
    expect(Object.getPrototypeOf(merged.money)).toBe(Object.prototype);
    expect(merged.money.amount).toBeUndefined();
    expect(merged.money.currency).toBe('USD');
    expect(({} as Record<string, unknown>).amount).toBeUndefined();
  });

  it('given constructor/prototype keys, then they are plain own values and the target is untouched', () => {
    const merged = mergePatch(target, JSON.parse('{"constructor":{"prototype":{"polluted":1}},"money":{"__proto__":null}}')) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merged.money).toEqual({ amount: '1', currency: 'USD' });
    expect(target).toEqual({ money: { amount: '1', currency: 'USD' } });
  });

  it('given the decider checks the merged data, then the hostile correction is refused (amount is really gone)', () => {
    const state = given('org:openai', ['revenue.reported', envelope('revenue.reported').data, '2024-10']);
    expect(() => decideCorrection(state, eventId(1), { changes: HOSTILE.changes, reason: 'typo' }, NOW)).toThrow();
  });
});
