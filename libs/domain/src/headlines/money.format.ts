import { textOf } from '../values/text.value';
import { frenchNoun } from './french-grammar.util';
import { frenchDigits, NBSP } from './french-typography.util';
import type { HeadlineLang } from './headline.types';

interface Scale {
  /** The power of ten the scale stands for. */
  exponent: number;
  en: string;
  fr: [singular: string, plural: string];
}

// French "billion" is 10^12, so the scales are named per language, not translated word for word. Below a million
// both languages write the figure out ("300,000 USD", "300 000 USD"): "300 thousand" and "300 milliers" read oddly.
const SCALES: readonly Scale[] = [
  { exponent: 12, en: 'trillion', fr: ['billion', 'billions'] },
  { exponent: 9, en: 'billion', fr: ['milliard', 'milliards'] },
  { exponent: 6, en: 'million', fr: ['million', 'millions'] },
];
/**
 * A scaled figure keeps at most this many decimals ("1.234 billion"); an amount that would need more is written
 * out in full, so a headline never rounds a figure away ("999,999,999 USD", not "1 billion USD").
 */
const MAX_SCALED_DECIMALS = 3;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

const locale = (lang: HeadlineLang) => (lang === 'fr' ? 'fr-FR' : 'en-US');

/** "1,600" / "1 600" (U+202F between the French digit groups, a decimal comma). */
export function formatNumber(n: number, lang: HeadlineLang, maxFractionDigits = 2): string {
  const formatted = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: maxFractionDigits }).format(n);
  return lang === 'fr' ? frenchDigits(formatted) : formatted;
}

// Intl formats a decimal string exactly (no float on the way); TypeScript's lib still types the argument as a number.
function formatDecimal(digits: string, lang: HeadlineLang, minFractionDigits: number): string {
  const fraction = digits.split('.')[1] ?? '';
  const formatted = new Intl.NumberFormat(locale(lang), {
    minimumFractionDigits: minFractionDigits,
    maximumFractionDigits: Math.max(minFractionDigits, fraction.length),
  }).format(digits as unknown as number);
  return lang === 'fr' ? frenchDigits(formatted) : formatted;
}

/**
 * A figure and what follows it ("milliards", "USD"): French keeps them on the figure's line with U+00A0
 * ("30 milliards USD", "250 000 EUR"); English with plain spaces, as before.
 */
function amount(figure: string, words: readonly string[], lang: HeadlineLang): string {
  return [figure, ...words].filter((w) => w !== '').join(lang === 'fr' ? NBSP : ' ');
}

/** Digits after the decimal point the currency's minor unit has (USD, EUR 2; JPY 0; KWD 3); 2 when unknown. */
function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "1234567000" at 10^9 -> "1.234567" when exact within MAX_SCALED_DECIMALS, else null. */
function scaledDigits(integer: string, exponent: number): string | null {
  const whole = integer.slice(0, integer.length - exponent);
  const rest = integer.slice(integer.length - exponent);
  if (/[^0]/.test(rest.slice(MAX_SCALED_DECIMALS))) return null;
  const decimals = rest.slice(0, MAX_SCALED_DECIMALS).replace(/0+$/, '');
  return decimals ? `${whole}.${decimals}` : whole;
}

/**
 * { amount: "100000000000", currency: "USD" } -> "100 billion USD" / "100 milliards USD". Display only.
 * From a million on, a figure exact to three decimals of its scale is shown scaled; any other figure is written
 * out, with the currency's cents when it has any ("250,000.50 EUR", "250 000,50 EUR"), so none is rounded away.
 */
export function formatMoney(money: { amount?: unknown; currency?: unknown } | undefined, lang: HeadlineLang): string {
  const currency = typeof money?.currency === 'string' ? money.currency : '';
  const raw = typeof money?.amount === 'string' ? money.amount.trim() : typeof money?.amount === 'number' ? String(money.amount) : '';
  const parts = DECIMAL.exec(raw);
  if (!parts) return amount(textOf(money?.amount ?? '?').trim(), [currency], lang);
  const integer = parts[2].replace(/^0+(?=\d)/, '');
  const fraction = (parts[3] ?? '').replace(/0+$/, '');
  const sign = parts[1] && /[^0]/.test(integer + fraction) ? '-' : '';
  if (!fraction) {
    for (const scale of SCALES) {
      if (integer.length <= scale.exponent) continue;
      const scaled = scaledDigits(integer, scale.exponent);
      if (scaled === null) break;
      // French nouns take the plural from 2 on ("1,5 milliard", "2 milliards").
      const word = lang === 'fr' ? frenchNoun(Number(scaled), scale.fr) : scale.en;
      return amount(sign + formatDecimal(scaled, lang, 0), [word, currency], lang);
    }
    return amount(sign + formatDecimal(integer, lang, 0), [currency], lang);
  }
  const cents = currency ? minorUnitDigits(currency) : 2;
  return amount(sign + formatDecimal(`${integer}.${fraction}`, lang, cents), [currency], lang);
}
