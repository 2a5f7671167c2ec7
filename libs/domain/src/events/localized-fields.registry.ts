import { textIn } from '../values/localized-text.rules';
import type { TextLang } from '../values/localized-text.value';
import { isSubject } from '../values/subject.value';

/** The free-text fields of each type that may be given per language: single values, then lists of them. */
export const LOCALIZED_FIELDS: Readonly<Record<string, { one?: readonly string[]; many?: readonly string[] }>> = {
  'executive.appointed': { one: ['role'] },
  'executive.departed': { one: ['role', 'destination'] },
  'lawsuit.filed': { one: ['title', 'court'], many: ['claims'] },
  'lawsuit.status_changed': { one: ['detail'] },
  'regulatory.intervention_requested': { one: ['request'] },
  'product.announced': { many: ['features'] },
  'strategy.revenue_model_explored': { many: ['models'] },
  'governance.restructuring_announced': { one: ['from', 'to', 'detail'] },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each free-text value of an event's data with its path (`data.role`, `data.features[1]`); subjects are not text. */
export function localizedValuesOf(type: string, data: unknown): Array<{ path: string; value: unknown }> {
  const fields = LOCALIZED_FIELDS[type];
  if (!fields || !isRecord(data)) return [];
  const out: Array<{ path: string; value: unknown }> = [];
  for (const f of fields.one ?? []) if (data[f] !== undefined && data[f] !== null) out.push({ path: `data.${f}`, value: data[f] });
  for (const f of fields.many ?? []) {
    const list = data[f];
    if (Array.isArray(list)) list.forEach((value, i) => out.push({ path: `data.${f}[${i}]`, value }));
  }
  return out.filter((v) => !(typeof v.value === 'string' && isSubject(v.value)));
}

/**
 * The paths of an event's free text that have no text in `lang` (neither given nor known to the glossary), so an
 * answer in `lang` shows them in the other language: what `fallbacks` lists on feed and report items.
 */
export function fallbacksIn(type: string, data: unknown, lang: TextLang): string[] {
  return localizedValuesOf(type, data)
    .filter((v) => textIn(v.value, lang).fallback)
    .map((v) => v.path);
}
