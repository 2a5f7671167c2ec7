// What a correction changed, in the page's words: `data.changes` as the feed gives it ({occurredAt: "2025-06-03",
// data: {role: ..., money: {amount, currency}}, inferred: [...]}) becomes "date = 3 juin 2025, rôle = « … »" in French
// and "date = 2025-06-03, role = “…”" in English: fields named as the page names them, dates and amounts written as
// the page writes them, never a raw path or an ISO date on a French page.
import { dateText, exactMoney } from './format';
import { codeText, fieldsText, numberText, t, type Lang } from './i18n';
import type { InferredField } from './types';

/** Fields whose text is a date or a period ("2025-06-03", "2024-H1"). */
const DATES = new Set(['occurredAt', 'period', 'targetPeriod']);

const quoted = (lang: Lang, text: string) => (lang === 'fr' ? `«\u00a0${text}\u00a0»` : `“${text}”`);

const isMoney = (v: object): v is { amount?: unknown; currency?: unknown } =>
  'amount' in v && Object.keys(v).every((k) => k === 'amount' || k === 'currency');

/** One changed value as the page writes it. */
function valueText(lang: Lang, field: string, v: unknown): string {
  if (v === null || v === undefined) return t(lang, 'amend.nothing');
  if (typeof v === 'boolean') return t(lang, v ? 'value.yes' : 'value.no');
  if (typeof v === 'number') return numberText(lang, v);
  if (typeof v === 'string') return DATES.has(field) ? dateText(lang, v) : quoted(lang, v);
  if (Array.isArray(v)) return v.map((x) => valueText(lang, field, x)).join(', ');
  if (typeof v === 'object') {
    if (isMoney(v) && typeof v.amount === 'string') {
      const currency = typeof v.currency === 'string' ? v.currency : '';
      return /^-?\d+$/.test(v.amount) ? exactMoney(lang, v.amount, currency) : `${v.amount} ${currency}`.trim();
    }
    // A text given per language: the page's language, else the other one.
    const texts = v as Record<string, unknown>;
    const text = texts[lang] ?? texts[lang === 'fr' ? 'en' : 'fr'];
    if (typeof text === 'string') return quoted(lang, text);
  }
  return JSON.stringify(v);
}

/** A field's name in the page's language ("occurredAt" -> "date", "role" -> "rôle"), a nested one after its parent. */
const fieldName = (lang: Lang, path: string[]) => path.map((p) => codeText(lang, 'field', p)).join(' › ');

/**
 * The changes of a correction, one "field = value" each: `occurredAt` and the fields under `data` by their names, a
 * money object as one amount, a new `inferred` list by the names of its fields.
 */
export function changedFields(lang: Lang, changes: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown, path: string[]) => {
    for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
      if (!path.length && k === 'data') walk(v, []);
      else if (!path.length && k === 'inferred' && Array.isArray(v)) {
        // Named as the page names fields elsewhere ("date", "montant"), never by the API's paths ("data.amount").
        const paths = v.length
          ? fieldsText(
              lang,
              (v as InferredField[]).map((i) => i.path),
            )
          : t(lang, 'amend.nothing');
        parts.push(t(lang, 'amend.notInSources', { paths }));
      } else if (v && typeof v === 'object' && !Array.isArray(v) && !isMoney(v) && !('en' in v || 'fr' in v)) walk(v, [...path, k]);
      else parts.push(`${fieldName(lang, [...path, k])} = ${valueText(lang, k, v)}`);
    }
  };
  walk(changes, []);
  return parts.join(', ');
}
