import { TEXT_LANGS, type TextLang } from '@newsroom/domain';

/**
 * A header longer than this is not read (the answer is then in the default language): browsers send well under
 * 100 characters, and a bound keeps a hostile header from costing more than a split of this many.
 */
export const ACCEPT_LANGUAGE_MAX_LENGTH = 512;

/** The language when neither `lang` nor Accept-Language names one the service has. */
const DEFAULT_LANG: TextLang = 'en';

// RFC 9110 12.5.4: language-range (RFC 4647: 1*8ALPHA *("-" 1*8alphanum), or "*") [ OWS ";" OWS "q=" qvalue ].
const ELEMENT = /^([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)(?:[ \t]*;[ \t]*[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?$/;

/**
 * The language of `supported` an Accept-Language header prefers (RFC 9110 12.5.4, RFC 4647): each language takes the
 * weight of the range naming it exactly (`fr`), else the highest of the ranges naming a region of it (`fr-CA` is
 * French), else the weight of `*`, which stands for every language no range names (so `*;q=0.9, en;q=0.1` prefers
 * French: t33); a weight of 0 excludes. The highest weight wins, equal weights in the header's order (`*` at its
 * place), then `supported`'s. Null when the header is absent, over ACCEPT_LANGUAGE_MAX_LENGTH, not well-formed (the
 * whole header is then ignored), or accepts none of them.
 */
export function languageOf(header: string | string[] | undefined, supported: readonly TextLang[] = TEXT_LANGS): TextLang | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.length > ACCEPT_LANGUAGE_MAX_LENGTH) return null;
  type Weight = { q: number; order: number };
  const exact = new Map<string, Weight>();
  const regional = new Map<string, Weight>();
  let star: Weight | null = null;
  let order = 0;
  for (const raw of text.split(',')) {
    const element = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (!element) continue; // a list may have empty elements (RFC 9110 5.6.1)
    const m = ELEMENT.exec(element);
    if (!m) return null;
    const tag = m[1].toLowerCase();
    const weight = { q: m[2] === undefined ? 1 : Number(m[2]), order: order++ };
    const primary = tag.split('-')[0];
    if (tag === '*') star ??= weight;
    else if (tag === primary) {
      if (!exact.has(tag)) exact.set(tag, weight);
    } else if (weight.q > (regional.get(primary)?.q ?? -1)) regional.set(primary, weight);
  }
  let best: { lang: TextLang; weight: Weight } | null = null;
  for (const lang of supported) {
    const weight = exact.get(lang) ?? regional.get(lang) ?? star;
    if (!weight || weight.q === 0) continue;
    if (!best || weight.q > best.weight.q || (weight.q === best.weight.q && weight.order < best.weight.order)) best = { lang, weight };
  }
  return best?.lang ?? null;
}

/**
 * The query with `lang` filled in from Accept-Language when the client gave none (an explicit `lang`, even one
 * that is not valid, is left for the parameters' validation). `negotiated` says whether the header chose it.
 */
export function withNegotiatedLang(
  query: Record<string, unknown>,
  acceptLanguage: string | string[] | undefined,
): { query: Record<string, unknown>; negotiated: boolean } {
  if (query.lang !== undefined) return { query, negotiated: false };
  return { query: { ...query, lang: languageOf(acceptLanguage) ?? DEFAULT_LANG }, negotiated: true };
}
