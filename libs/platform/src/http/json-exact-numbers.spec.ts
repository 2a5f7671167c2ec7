import fc from 'fast-check';
import { inexactNumbers } from './json-exact-numbers.util';

const paths = (text: string) => inexactNumbers(text).map((p) => p.path);

/** A decimal literal as an exact rational: integer mantissa and power of ten (BigInt, so nothing is rounded). */
function rational(text: string): { mantissa: bigint; power: number } {
  const [, sign, whole, fraction = '', exponent = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  return { mantissa: BigInt(`${sign}${whole}${fraction}`), power: Number(exponent) - fraction.length };
}

/** Whether two decimal texts have one value: both scaled to the smaller power of ten and compared as integers. */
function sameValue(a: string, b: string): boolean {
  const [x, y] = [rational(a), rational(b)];
  const power = Math.min(x.power, y.power);
  return x.mantissa * 10n ** BigInt(x.power - power) === y.mantissa * 10n ** BigInt(y.power - power);
}

/** The rule stated plainly, without the fast paths: the literal's value is that of the double's shortest text. */
const exactByRule = (literal: string) => {
  const read = Number(literal);
  if (!Number.isFinite(read)) return false;
  return sameValue(literal, String(read).replace('e+', 'e'));
};

describe('numbers a JSON text gives more precisely than a double carries', () => {
  it('names the path of each, in text order, with what it would be read as', () => {
    expect(inexactNumbers('{"type":"headcount.reported","data":{"total":9999999.9999999999999999}}')).toEqual([
      {
        path: 'data.total',
        message: 'must be a number a JSON double carries exactly (I-JSON, RFC 7493): 9999999.9999999999999999 would be read as 10000000',
      },
    ]);
    expect(paths('{"events":[{"data":{"byFunction":{"Sales":4.0000000000000001,"R&D":2}}},{"expectedVersion":9007199254740993}]}')).toEqual(
      ['events[0].data.byFunction.Sales', 'events[1].expectedVersion'],
    );
    expect(paths('[1, "x", true, null, 0.1000000000000000055511151231257827, {"a b": [1e400, -1e-400]}]')).toEqual([
      '[4]',
      '[5]["a b"][0]',
      '[5]["a b"][1]',
    ]);
    expect(inexactNumbers('{"total": 1E400}')[0].message).toBe(
      'must be a number a JSON double carries exactly (I-JSON, RFC 7493): 1E400 is beyond the largest, 1.7976931348623157e308',
    );
    expect(inexactNumbers(`{"n": 1.${'0'.repeat(60)}1}`)[0].message).toMatch(/: 1\.0{38}… would be read as 1$/);
  });

  it('takes a literal whose value is its double’s shortest text, however it is spelt', () => {
    const exact = ['1e2', '100', '1.50', '0.1', '0.30000000000000004', '1E+2', '1e20', '-0', '0.0e999', '-0.000000000000000000000e-400'];
    const bounds = ['1.7976931348623157e308', '5e-324', '2.2250738585072014e-308', '9007199254740992', '123456789012345.6'];
    expect(paths(`[${[...exact, ...bounds].join(', ')}]`)).toEqual([]);
  });

  it('reads no number inside a string: amounts are strings, and so are ids and URLs', () => {
    expect(paths('{"amount":"9999999.9999999999999999","url":"https://x.example/status/12345678901234567890","q":"\\" 1e400"}')).toEqual(
      [],
    );
  });

  it('agrees with the rule stated plainly on any literal, near the doubles’ bounds and far past them (no fast path lets one through)', () => {
    // Mostly 15 to 18 significant digits, where a double stops carrying them and the fast paths draw their line.
    const count = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 15, max: 18 }) }, fc.integer({ min: 1, max: 40 }));
    const significant = count.chain((n) =>
      fc
        .tuple(fc.constantFrom(...'123456789'), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n - 1, maxLength: n - 1 }))
        .map(([first, rest]) => first + rest),
    );
    const literal = fc
      .tuple(
        fc.boolean(),
        significant,
        // Where the point goes: after the n-th digit (none after the last), or `0.` and that many zeros before them all.
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -3, max: 0 })),
        fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 400 }))),
      )
      .map(([negative, digits, point, exponent]) => {
        const number =
          point <= 0
            ? `0.${'0'.repeat(-point)}${digits}`
            : point >= digits.length
              ? digits
              : `${digits.slice(0, point)}.${digits.slice(point)}`;
        const e = exponent ? `${exponent[0]}${exponent[1]}${exponent[2]}` : '';
        return `${negative ? '-' : ''}${number}${e}`;
      });
    fc.assert(
      fc.property(literal, (text) => {
        expect([text, paths(`{"n": ${text}}`)]).toEqual([text, exactByRule(text) ? [] : ['n']]);
      }),
      { numRuns: 20_000 },
    );
  });
});
