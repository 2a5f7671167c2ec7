// Characters that show nothing (zero-width spaces and joiners, direction marks and overrides, soft hyphens, BOM):
// "Le\u200bMonde" is Le Monde to a reader, so it counts as Le Monde.
const INVISIBLE = /\p{Cf}/gu;
// Apostrophe and dash look-alikes a keyboard, a word processor or a CMS puts in one's place: "L’Obs" is L'Obs to a
// reader. Folded before NFKC (which makes the acute accent U+00B4 a space and a combining accent) and after it (which
// makes small and full-width forms such as U+FE58 dashes).
const APOSTROPHES = /[\u2019\u2018\u02bc\u0060\u00b4\uff07]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const foldMarks = (s: string) => s.replace(APOSTROPHES, "'").replace(DASHES, '-');
/**
 * Letters of other scripts drawn as a Latin letter (Unicode's confusables, TR39: Cyrillic, Greek, Armenian, Latin's
 * dotless i and IPA forms), taken after case folding: "L\u0435 Monde" with a Cyrillic e and "\u03a43 Daily" with a
 * Greek capital tau are Le Monde and T3 Daily to a reader, so one outlet cannot pass for two by a swapped letter. A
 * small letter goes where its capital looks like (Cyrillic \u0442 as \u0422, "t"), so a name and its capitals keep
 * one key. A name in another script keeps a key of its own unless every letter of it is drawn as a Latin one.
 */
const LOOK_ALIKES = new Map(
  // Cyrillic
  (
    '\u0430a \u0432b \u0435e \u0451\u00eb \u0455s \u0456i \u0457\u00ef \u0458j \u043ak \u043cm \u043dh \u043eo \u0440p \u0441c \u0442t ' +
    '\u0443y \u0445x \u04bbh \u04cfl \u04afy \u0501d \u051bq \u051dw ' +
    // Greek
    '\u03b1a \u03b2b \u03b5e \u03b6z \u03b7h \u03b9i \u03bak \u03bcm \u03bdn \u03bfo \u03c1p \u03c4t \u03c5y \u03c7x \u03f2c \u03f3j ' +
    // Armenian, then Latin's dotless i and IPA letters
    '\u0570h \u057du \u0585o \u0131i \u0251a \u0261g'
  )
    .split(' ')
    .map((pair) => [pair[0], pair.slice(1)] as const),
);
const LOOK_ALIKE = new RegExp(`[${[...LOOK_ALIKES.keys()].join('')}]`, 'gu');
const foldLookAlikes = (s: string) => (/[\u0080-\uffff]/.test(s) ? s.replace(LOOK_ALIKE, (c) => LOOK_ALIKES.get(c)!) : s);
// Names are few (outlets, aliases) and every report and projector batch folds the same ones again: their keys are
// kept, within a bound.
const FOLDED_KEPT = 10_000;
const folded = new Map<string, string>();

/**
 * A name as a reader tells names apart, the one fold for outlets (corroboration) and alias names (entities):
 * compatibility forms (NFKC: full-width letters, ligatures, a no-break space), apostrophe look-alikes (’ ‘ ʼ ` ´ ＇)
 * as ' and dash look-alikes (U+2010–U+2015, −) as -, invisible characters dropped (every format character, \p{Cf}:
 * U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD, the bidi marks and controls), spacing and case folded, and
 * letters of other scripts drawn as a Latin letter taken as that letter (a Cyrillic "Т" is "t": LOOK_ALIKES).
 */
export function readerKey(name: string): string {
  let key = folded.get(name);
  if (key === undefined) {
    key = foldMarks(foldMarks(name).normalize('NFKC')).replace(INVISIBLE, '').trim().replace(/\s+/g, ' ').toLowerCase();
    key = foldLookAlikes(key);
    if (folded.size >= FOLDED_KEPT) folded.clear();
    folded.set(name, key);
  }
  return key;
}
