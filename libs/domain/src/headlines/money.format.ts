import { textOf } from '../values/text.value';
import type { HeadlineLang } from './headline.types';

interface Scale {
  value: number;
  en: string;
  /** null: French writes thousands out ("300 000 USD"), "300 milliers" would read oddly. */
  fr: [singular: string, plural: string] | null;
}

// French "billion" is 10^12, so the scales are named per language, not translated word for word.
const SCALES: readonly Scale[] = [
  { value: 1e12, en: 'trillion', fr: ['billion', 'billions'] },
  { value: 1e9, en: 'billion', fr: ['milliard', 'milliards'] },
  { value: 1e6, en: 'million', fr: ['million', 'millions'] },
  { value: 1e3, en: 'thousand', fr: null },
];

export function formatNumber(n: number, lang: HeadlineLang, maxFractionDigits = 2): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-US', { maximumFractionDigits: maxFractionDigits }).format(n);
}

/** { amount: "100000000000", currency: "USD" } -> "100 billion USD" / "100 milliards USD". Display only. */
export function formatMoney(money: { amount?: unknown; currency?: unknown } | undefined, lang: HeadlineLang): string {
  const amount = Number(money?.amount);
  const currency = typeof money?.currency === 'string' ? money.currency : '';
  if (!Number.isFinite(amount)) return `${textOf(money?.amount ?? '?')} ${currency}`.trim();
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const usable = SCALES.filter((s) => lang === 'en' || s.fr !== null);
  let i = usable.findIndex((s) => abs >= s.value);
  // 999 999 999 would show as "1,000 million" after rounding: move up to "1 billion".
  if (i > 0 && Math.round((abs / usable[i].value) * 100) >= 100_000) i -= 1;
  const scale = i >= 0 ? usable[i] : undefined;
  if (!scale) return `${sign}${formatNumber(abs, lang)} ${currency}`.trim();
  const scaled = abs / scale.value;
  // French nouns take the plural from 2 on ("1,5 milliard", "2 milliards").
  const word = lang === 'fr' && scale.fr ? scale.fr[scaled >= 2 ? 1 : 0] : scale.en;
  return `${sign}${formatNumber(scaled, lang)} ${word} ${currency}`.trim();
}
