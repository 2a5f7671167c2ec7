// Display helpers: money stays a decimal string until it is drawn (never summed as floats). English keeps the formats
// it always had (ISO dates, "$30 bn", "1,600"); French writes dates, figures and amounts the French way, through Intl.
import { firstOfMonth } from './french';
import { codeText, locale, numberText, t, type Lang } from './i18n';

const SCALES: Array<[number, string]> = [
  [1e12, 'tn'],
  [1e9, 'bn'],
  [1e6, 'm'],
];

/** "30000000000" USD -> "$30 bn" / "30 Md $US" (approximate, for display; the exact amount is in the fact dialog). */
export function money(lang: Lang, amount: string | null, currency: string | null): string {
  if (amount === null) return '–';
  const n = Number(amount);
  if (lang === 'fr') {
    const options: Intl.NumberFormatOptions = { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 };
    try {
      if (currency) return new Intl.NumberFormat('fr-FR', { ...options, style: 'currency', currency }).format(n);
    } catch {
      /* not a currency Intl knows: the code after the figure */
    }
    return `${new Intl.NumberFormat('fr-FR', options).format(n)}${currency ? `\u00a0${currency}` : ''}`;
  }
  const sign = currency === 'USD' ? '$' : '';
  const unit = currency && currency !== 'USD' ? ` ${currency}` : '';
  for (const [size, suffix] of SCALES) if (Math.abs(n) >= size) return `${sign}${trim(n / size)} ${suffix}${unit}`;
  return `${sign}${n.toLocaleString('en')}${unit}`;
}

const trim = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** "44000000000" USD -> "44,000,000,000 USD" / "44 000 000 000 USD" (the currency after the figure, a no-break space). */
export const exactMoney = (lang: Lang, amount: string, currency: string) =>
  `${BigInt(amount).toLocaleString(locale(lang))}${lang === 'fr' ? '\u00a0' : ' '}${currency}`.trim();

/** A count: "1,600" / "1 600". */
export const count = numberText;

const FR_INSTANT: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
};

/**
 * 2026-11-29T09:26:20.392Z -> "2026-11-29 09:26:20 UTC" / "29 novembre 2026 à 09:26:20 UTC"; to the millisecond with
 * `precise` ("2026-11-29 09:26:20.392 UTC" / "… à 09:26:20,392 UTC"), for instants one second holds several of.
 */
export function instant(lang: Lang, iso: string, precise = false): string {
  const date = new Date(iso);
  if (lang === 'en' || Number.isNaN(date.getTime())) return iso.replace('T', ' ').replace(precise ? /Z$/ : /\.\d+Z$|Z$/, ' UTC');
  const options: Intl.DateTimeFormatOptions = precise ? { ...FR_INSTANT, fractionalSecondDigits: 3 } : FR_INSTANT;
  return `${firstOfMonth(new Intl.DateTimeFormat('fr-FR', options).format(date))} UTC`;
}

const utcDate = (y: string, m: string, d = '01') => new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));

/**
 * A date or period as the API gives it ("2024", "2024-H1", "2024-Q3", "2024-09", "2024-09-25", a date-time, a range
 * "a/b"): as is in English; in French "S1 2024", "T3 2024", "septembre 2024", "25 septembre 2024", "1er août 2024" (as
 * the service's French headlines write the first of a month). Other text as is.
 */
export function dateText(lang: Lang, text: string): string {
  if (lang === 'en') return text;
  const range = text.split('/');
  if (range.length === 2) return `${dateText(lang, range[0])} – ${dateText(lang, range[1])}`;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-H([12])$/.exec(text))) return `S${m[2]} ${m[1]}`;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(text))) return `T${m[2]} ${m[1]}`;
  if ((m = /^(\d{4})-(\d{2})$/.exec(text)))
    return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(utcDate(m[1], m[2]));
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)))
    return firstOfMonth(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(utcDate(m[1], m[2], m[3])));
  if (/^\d{4}-\d{2}-\d{2}T/i.test(text)) return instant(lang, text);
  return text;
}

/** The basis a metric's own words say already: a revenue target is a target, a funding round a round. */
const BASIS_IN_METRIC: Readonly<Record<string, string>> = { revenue_target: 'target', funding: 'round' };

/**
 * A figure's metric and basis in words: "revenue (actual)", "perte (réel)"; the basis left out where the metric says
 * it already: "revenue target", never "revenue target (target)" ("objectif de chiffre d’affaires (objectif)").
 */
export function figureName(lang: Lang, metric: string, basis: string): string {
  const words = codeText(lang, 'metric', metric);
  if (!basis || BASIS_IN_METRIC[metric] === basis) return words;
  return t(lang, 'figure.withBasis', { metric: words, basis: codeText(lang, 'basis', basis) });
}

/** An event type in words: "executive appointed" / "nomination de dirigeant". */
export const typeLabel = (lang: Lang, type: string) => codeText(lang, 'type', type);

export const EVENT_TYPES = [
  'executive.appointed',
  'executive.departed',
  'headcount.reported',
  'revenue.reported',
  'revenue.target_set',
  'financial.loss_reported',
  'funding.round_closed',
  'lawsuit.filed',
  'lawsuit.status_changed',
  'regulatory.intervention_requested',
  'product.announced',
  'strategy.revenue_model_explored',
  'governance.restructuring_announced',
];
