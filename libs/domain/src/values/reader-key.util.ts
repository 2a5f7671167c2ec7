// Characters that show nothing: every format character (\p{Cf}: zero-width spaces and joiners, direction marks and
// overrides, the soft hyphen, BOM) and every default-ignorable one (Unicode's list of characters a renderer shows as
// nothing: the combining grapheme joiner U+034F, variation selectors, the Hangul fillers U+115F, U+1160, U+3164): "Le\u200bMonde"
// and "Le Mo\u034fnde" are Le Monde to a reader, so they count as Le Monde.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// Blanks NFKC keeps as they are: the Braille pattern blank U+2800 is drawn as a space.
const BLANKS = /\u2800/g;
// Apostrophe and dash look-alikes a keyboard, a word processor or a CMS puts in one's place: "L’Obs" is L'Obs to a
// reader. Folded before NFKC (which makes the acute accent U+00B4 a space and a combining accent) and after it (which
// makes small and full-width forms such as U+FE58 dashes).
const APOSTROPHES = /[\u2019\u2018\u02bc\u0060\u00b4\uff07]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const foldMarks = (s: string) => s.replace(APOSTROPHES, "'").replace(DASHES, '-');

/** `[letter, Latin letter]` pairs from a string of letters each followed by its target. */
const pairs = (table: string) => table.split(' ').map((pair) => [pair[0], pair.slice(1)] as const);
/**
 * Letters of other scripts drawn as a Latin letter, as Unicode's confusables (TR39) map them to one Latin letter:
 * Greek, Cyrillic and Armenian, Latin's dotless i, IPA and small-capital letters. "L\u0435 Monde" with a Cyrillic e and
 * "\u03a43 Daily" with a Greek capital tau are Le Monde and T3 Daily to a reader, so one outlet cannot pass for two by
 * a swapped letter. Capitals and small letters each go where they are drawn (Greek \u039d is N, \u03bd is v), before case
 * is folded; TR39's "l" for the capitals drawn as I (Greek iota, Cyrillic \u0406 and palochka) is I here, as case
 * folding makes a Latin I an i. The Cyrillic \u0451 and \u0457 are \u00eb and \u00ef (the letters with their dots).
 */
const DRAWN_AS_LATIN = new Map(
  pairs(
    // Greek
    '\u0391A \u0392B \u0395E \u0396Z \u0397H \u0399I \u039aK \u039cM \u039dN \u039fO \u03a1P \u03a4T \u03a5Y \u03a7X \u037fJ ' +
      '\u03b1a \u03b3y \u03b9i \u03bdv \u03bfo \u03c1p \u03c3o \u03c5u \u03d2Y \u03dcF \u03f1p \u03f2c \u03f3j \u03f9C \u03faM ' +
      // Cyrillic
      '\u0405S \u0406I \u0408J \u0410A \u0412B \u0415E \u041aK \u041cM \u041dH \u041eO \u0420P \u0421C \u0422T \u0423Y \u0425X ' +
      '\u042cb \u0430a \u0433r \u0435e \u043eo \u0440p \u0441c \u0443y \u0445x \u0455s \u0456i \u0458j \u0461w \u0474V \u0475v ' +
      '\u04aeY \u04afy \u04bbh \u04bde \u04c0I \u04cfi \u0501d \u050cG \u051bq \u051cW \u051dw \u0451\u00eb \u0457\u00ef ' +
      // Armenian
      '\u054dU \u054fS \u0555O \u0561w \u0563q \u0566q \u0570h \u0578n \u057cn \u057du \u0581g \u0584f \u0585o ' +
      // Latin: the long s, dotless i, IPA and small capitals
      '\u017ff \u0131i \u0251a \u0261g \u0263y \u0269i \u026ai \u026fw \u028bu \u028fy \u1d04c \u1d0fo \u1d11o \u1d1cu \u1d20v ' +
      '\u1d21w \u1d22z',
  ),
);
/**
 * After case folding, the small letters that case folding made of a capital not drawn as a Latin letter, or whose own
 * TR39 letter is missing: each as its capital (Cyrillic \u0442 as \u0422, "t"), else as itself drawn (Greek \u03c3 is o),
 * so a name and its capitals keep one key. The Greek \u039d/\u03bd and \u03a5/\u03c5 are drawn as two letters each (N and
 * v, Y and u): in a word no reader takes for a Latin one their case is folded first (drawAsLatin).
 */
const SMALL_DRAWN_AS_LATIN = new Map<string, string>();
for (const [letter, latin] of DRAWN_AS_LATIN) {
  const small = letter.toLowerCase();
  if (small !== letter && !DRAWN_AS_LATIN.has(small)) SMALL_DRAWN_AS_LATIN.set(small, latin.toLowerCase());
  if (small === letter) SMALL_DRAWN_AS_LATIN.set(letter, latin.toLowerCase());
}
const classOf = (letters: Iterable<string>) => new RegExp(`[${[...letters].join('')}]`, 'gu');
const DRAWN = classOf(DRAWN_AS_LATIN.keys());
const SMALL_DRAWN = classOf(SMALL_DRAWN_AS_LATIN.keys());
const NOT_ASCII = /[\u0080-\uffff]/;

const WORD = /[\p{L}\p{M}]+/gu;
const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;
// Greek writes its capitals without their accents (\u039a\u0391\u0398\u0397\u039c\u0395\u03a1\u0399\u039d\u0397 is \u039a\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae): the tonos (an acute once decomposed) on a Greek letter.
const GREEK_TONOS = /(?<=\p{Script=Greek})\u0301/gu;

/** A letter of another script that is drawn as no Latin one (Greek \u03b8, \u03bb, \u03ae; Cyrillic \u0434): no reader takes its word for a Latin one. */
const isForeign = (c: string) => LETTER.test(c) && !LATIN.test(c) && !DRAWN_AS_LATIN.has(c) && !SMALL_DRAWN_AS_LATIN.has(c);
const hasForeignLetter = (text: string) => [...text].some(isForeign);

/**
 * Letters of other scripts drawn as Latin ones taken as those letters (DRAWN_AS_LATIN), word by word: in a word with
 * a Latin letter (a swapped letter: "Le M\u039fnde", "\u03bdivid"), and in a word wholly of letters drawn as Latin ones in
 * a name with a Latin letter or with none drawn as no Latin one ("\u039d\u0391\u03a4\u039f" is NATO), each as it is drawn, before case
 * is folded. A word no reader takes for a Latin one (with a letter drawn as no Latin one, or among such words and no
 * Latin letter: "\u03a4\u03b1 \u039d\u03ad\u03b1") is left for its case to be folded first and its small letters drawn (readerKey), and
 * loses the Greek tonos, which its capitals are written without: "\u039a\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae" and "\u039a\u0391\u0398\u0397\u039c\u0395\u03a1\u0399\u039d\u0397" are one
 * key, where \u039d (N) and \u03bd (v), \u03a5 (Y) and \u03c5 (u) made them two.
 */
function drawAsLatin(text: string): string {
  const foreignName = isForeignName(text);
  return text.replace(WORD, (word) =>
    readAsLatin(word, foreignName)
      ? word.replace(DRAWN, (c) => DRAWN_AS_LATIN.get(c)!)
      : word.normalize('NFD').replace(GREEK_TONOS, '').normalize('NFC'),
  );
}

/** A name with no Latin letter and a letter drawn as no Latin one: its words are of its own script (drawAsLatin). */
const isForeignName = (text: string) => !LATIN.test(text) && hasForeignLetter(text);
/** Whether a reader takes this word of a name for a Latin one (drawAsLatin): a Latin letter, or none drawn as no Latin one in a name not foreign. */
const readAsLatin = (word: string, foreignName: boolean) => LATIN.test(word) || (!foreignName && !hasForeignLetter(word));

// NFKC makes the Greek lunate sigmas \u03f2 and \u03f9, drawn as c and C (TR39), the sigmas \u03c2 and \u03a3, drawn as
// no Latin letter: "\u03f9NN" and "Fran\u03f2e 24" would pass for other outlets than CNN and France 24. In a word read as
// a Latin one they are taken as c and C before NFKC; in a Greek word they stay sigmas.
const LUNATE = /[\u03f2\u03f9]/;
const LUNATES = /[\u03f2\u03f9]/g;
function lunateAsLatin(text: string): string {
  if (!LUNATE.test(text)) return text;
  const foreignName = isForeignName(text);
  return text.replace(WORD, (word) => (readAsLatin(word, foreignName) ? word.replace(LUNATES, (c) => (c === '\u03f2' ? 'c' : 'C')) : word));
}

// Names are few (outlets, aliases) and every report and projector batch folds the same ones again: their keys are
// kept, within a bound.
const FOLDED_KEPT = 10_000;
const folded = new Map<string, string>();

/**
 * A name as a reader tells names apart, the one fold for outlets (corroboration) and alias names (entities):
 * compatibility forms (NFKC: full-width letters, ligatures, a no-break space), apostrophe look-alikes (’ ‘ ʼ ` ´ ＇)
 * as ' and dash look-alikes (U+2010–U+2015, −) as -, invisible characters dropped (every format and default-ignorable
 * character: U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD, the bidi marks and controls, U+034F, variation
 * selectors, Hangul fillers), the Braille blank as a space, spacing and case folded, and letters of other scripts drawn
 * as a Latin letter taken as that letter (a Cyrillic "Т" is "t": DRAWN_AS_LATIN), a word of another script with its
 * case folded first, so it and its capitals are one key (drawAsLatin).
 */
export function readerKey(name: string): string {
  let key = folded.get(name);
  if (key === undefined) {
    key = foldMarks(foldMarks(lunateAsLatin(name)).normalize('NFKC'))
      .replace(INVISIBLE, '')
      .replace(BLANKS, ' ');
    if (NOT_ASCII.test(key)) key = drawAsLatin(key);
    key = key.trim().replace(/\s+/g, ' ').toLowerCase();
    if (NOT_ASCII.test(key)) key = key.replace(SMALL_DRAWN, (c) => SMALL_DRAWN_AS_LATIN.get(c)!);
    if (folded.size >= FOLDED_KEPT) folded.clear();
    folded.set(name, key);
  }
  return key;
}
