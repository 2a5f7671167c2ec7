import type { HeadlineLang } from './headline.types';
import { labelOf } from './display-name.format';

/**
 * "A", "A and B", "A, B and C" (fr: "et"); names that are subjects are shown by display name, text given per
 * language in `lang` (marked when it falls back).
 */
export function listOf(values: unknown, lang: HeadlineLang, max = 3): string {
  const items = (Array.isArray(values) ? values : []).map((v) => labelOf(v, lang)).filter((s) => s !== '');
  const shown = items.slice(0, max);
  if (items.length > max) shown.push(lang === 'fr' ? 'autres' : 'others');
  const and = lang === 'fr' ? ' et ' : ' and ';
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')}${and}${shown[shown.length - 1]}`;
}

/** Keeps headlines short when free text (a reason, a detail) is long. */
export function truncate(text: unknown, max = 120): string {
  const s = typeof text === 'string' ? text.trim() : '';
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** " (detail)" or "" */
export function parenthesized(text: unknown): string {
  const s = truncate(text);
  return s ? ` (${s})` : '';
}

/**
 * A headcount's functions in the order a headline names them: the largest count first, then by name with case folded
 * (then as written, so the order is total). Stored events keep `byFunction` as jsonb, which reorders keys (shorter
 * first): the order the desk sent is lost, so the headline gives a meaningful one of its own. `max` cuts the list.
 */
export function functionsBySize(byFunction: unknown, max = 3): Array<[string, number]> {
  const entries = Object.entries((byFunction ?? {}) as Record<string, number>);
  const folded = (s: string) => s.toLowerCase();
  const byName = (a: string, b: string) => (folded(a) < folded(b) ? -1 : folded(a) > folded(b) ? 1 : a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(([a, n], [b, m]) => m - n || byName(a, b)).slice(0, max);
}
