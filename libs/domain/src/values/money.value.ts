import { z } from 'zod';
import { ISO_4217_CODES } from './currency-codes.const';

const AMOUNT_RE = /^\d{1,30}(\.\d{1,10})?$/;

/** A decimal string without sign noise, leading or trailing zeros ("030.50" and "30.5" are one amount). */
export function canonicalAmount(s: string): string {
  const negative = s.startsWith('-');
  const [whole, fraction = ''] = s.replace(/^-/, '').split('.');
  const w = whole.replace(/^0+(?=\d)/, '');
  const f = fraction.replace(/0+$/, '');
  const text = f ? `${w}.${f}` : w;
  return negative && text !== '0' ? `-${text}` : text;
}

/** -1, 0 or 1 as amount `a` is below, equal to or above `b`; null unless both are valid amounts (decimal strings). */
export function compareAmounts(a: unknown, b: unknown): -1 | 0 | 1 | null {
  if (typeof a !== 'string' || typeof b !== 'string' || !AMOUNT_RE.test(a) || !AMOUNT_RE.test(b)) return null;
  const [wa, fa = ''] = canonicalAmount(a).split('.');
  const [wb, fb = ''] = canonicalAmount(b).split('.');
  // Canonical whole parts have no leading zero: the longer is the larger; of equal length, the order is the text's.
  if (wa.length !== wb.length) return wa.length < wb.length ? -1 : 1;
  const [x, y] = [wa + fa.padEnd(10, '0'), wb + fb.padEnd(10, '0')];
  return x === y ? 0 : x < y ? -1 : 1;
}

// Amounts are decimal strings: a JSON number would already have lost precision before we see it.
const amountSchema = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? 'required'
        : typeof iss.input === 'number'
          ? 'money must be a decimal string such as "100000000000", not a JSON number'
          : 'must be a decimal string',
  })
  // Every amount a story event carries (revenue, a target, a loss, a round, a valuation) is a size: a loss is a
  // financial.loss_reported with its positive amount, never a negative revenue.
  .refine((s) => !s.startsWith('-'), {
    message: 'must not be negative: every amount is a size (a loss is a financial.loss_reported of a positive amount)',
    abort: true,
  })
  .regex(AMOUNT_RE, 'must be a decimal string: up to 30 digits, up to 10 decimals')
  .meta({ description: 'Decimal string, never a float', examples: ['100000000000', '3.7'] });

const currencySchema = z.enum(ISO_4217_CODES, {
  error: (iss) => (iss.input === undefined ? 'required' : 'must be an ISO 4217 currency code such as "USD"'),
});

/** { amount: "100000000000", currency: "USD" } */
export const moneySchema = z
  .strictObject(
    { amount: amountSchema, currency: currencySchema },
    { error: (iss) => (iss.input === undefined ? 'required' : 'money must be an object {amount, currency}') },
  )
  .meta({ description: 'An amount of money', examples: [{ amount: '100000000000', currency: 'USD' }] });

export type Money = z.infer<typeof moneySchema>;

/**
 * Whether two objects are one sum of money: both `{amount, currency}` with valid amounts, the same currency and amounts
 * equal as numbers ("30.0" and "30.00"; as conflicts compare them). Undefined when either is not money.
 */
export function sameMoney(a: object, b: object): boolean | undefined {
  const isMoney = (m: object): m is { amount: string; currency: unknown } =>
    Object.keys(m).length === 2 && 'amount' in m && 'currency' in m && typeof m.currency === 'string';
  if (!isMoney(a) || !isMoney(b)) return undefined;
  const order = compareAmounts(a.amount, b.amount);
  return order === null ? undefined : order === 0 && a.currency === b.currency;
}
