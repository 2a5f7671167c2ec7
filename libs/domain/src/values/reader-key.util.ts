// Characters that show nothing (zero-width spaces and joiners, direction marks and overrides, soft hyphens, BOM):
// "Le\u200bMonde" is Le Monde to a reader, so it counts as Le Monde.
const INVISIBLE = /\p{Cf}/gu;
// Apostrophe and dash look-alikes a keyboard, a word processor or a CMS puts in one's place: "L’Obs" is L'Obs to a
// reader. Folded before NFKC (which makes the acute accent U+00B4 a space and a combining accent) and after it (which
// makes small and full-width forms such as U+FE58 dashes).
const APOSTROPHES = /[\u2019\u2018\u02bc\u0060\u00b4\uff07]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const foldMarks = (s: string) => s.replace(APOSTROPHES, "'").replace(DASHES, '-');
// Names are few (outlets, aliases) and every report and projector batch folds the same ones again: their keys are
// kept, within a bound.
const FOLDED_KEPT = 10_000;
const folded = new Map<string, string>();

/**
 * A name as a reader tells names apart, the one fold for outlets (corroboration) and alias names (entities):
 * compatibility forms (NFKC: full-width letters, ligatures, a no-break space), apostrophe look-alikes (’ ‘ ʼ ` ´ ＇)
 * as ' and dash look-alikes (U+2010–U+2015, −) as -, invisible characters dropped (every format character, \p{Cf}:
 * U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD, the bidi marks and controls), spacing and case folded.
 * Look-alike letters of other scripts (a Cyrillic "Т") are not folded: they are other text.
 */
export function readerKey(name: string): string {
  let key = folded.get(name);
  if (key === undefined) {
    key = foldMarks(foldMarks(name).normalize('NFKC')).replace(INVISIBLE, '').trim().replace(/\s+/g, ' ').toLowerCase();
    if (folded.size >= FOLDED_KEPT) folded.clear();
    folded.set(name, key);
  }
  return key;
}
