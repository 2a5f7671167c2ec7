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
 * The language of `supported` an Accept-Language header prefers (RFC 9110 12.5.4, RFC 4647 3.4 lookup): ranges by
 * descending q (in header order among equals), each taken down to its primary subtag (`fr-CA` is French); `*` is
 * the first supported language no range excludes; `q=0` excludes the language it names (`fr;q=0`). Null when the
 * header is absent, over ACCEPT_LANGUAGE_MAX_LENGTH, not well-formed (the whole header is then ignored), or names
 * none of them.
 */
export function languageOf(header: string | string[] | undefined, supported: readonly TextLang[] = TEXT_LANGS): TextLang | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.length > ACCEPT_LANGUAGE_MAX_LENGTH) return null;
  const ranges: Array<{ tag: string; q: number }> = [];
  for (const raw of text.split(',')) {
    const element = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (!element) continue; // a list may have empty elements (RFC 9110 5.6.1)
    const m = ELEMENT.exec(element);
    if (!m) return null;
    ranges.push({ tag: m[1].toLowerCase(), q: m[2] === undefined ? 1 : Number(m[2]) });
  }
  const excluded = new Set(ranges.filter((r) => r.q === 0).map((r) => r.tag));
  const allowed = (lang: TextLang) => supported.includes(lang) && !excluded.has(lang);
  // Array.prototype.sort is stable: equal q keep the header's order.
  for (const { tag } of ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q)) {
    if (tag === '*') {
      const any = supported.find(allowed);
      if (any) return any;
      continue;
    }
    const primary = tag.split('-')[0] as TextLang;
    if (allowed(primary)) return primary;
  }
  return null;
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
