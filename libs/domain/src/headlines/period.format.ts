import { parsePeriod, type Period } from '../values/period.value';
import { withUnit } from './french-typography.util';
import type { HeadlineLang } from './headline.types';

const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};
const FR_ORDINALS = ['premier', 'deuxième', 'troisième', 'quatrième'];

/** A period's phrase in two parts, so a range within one year can say the year once. */
interface Point {
  /** "", "H1", "le premier semestre", "March", "le 1er janvier", "January 1". */
  head: string;
  year: string;
  /** Day precision: English writes "January 1, 2024". */
  day: boolean;
}

// Read the calendar fields from the text itself: a date-time keeps the local date its source wrote.
function pointOf(text: string, p: Period, lang: HeadlineLang): Point {
  const [, year = text, part, dayText] = /^(\d{4})(?:-([HQ]?\d{1,2}))?(?:-(\d{2}))?/.exec(text) ?? [];
  const n = part ? Number(part.replace(/^[HQ]/, '')) : 0;
  const fr = lang === 'fr';
  switch (p.precision) {
    case 'year':
      return { head: '', year, day: false };
    case 'half':
      return { head: fr ? `le ${n === 1 ? 'premier' : 'second'} semestre` : `H${n}`, year, day: false };
    case 'quarter':
      return { head: fr ? `le ${FR_ORDINALS[n - 1]} trimestre` : `Q${n}`, year, day: false };
    case 'month':
      return { head: MONTHS[lang][n - 1], year, day: false };
    default: {
      const d = Number(dayText);
      // French keeps the day on its month's line (U+00A0): "le 1er septembre".
      return { head: fr ? `le ${withUnit(d === 1 ? '1er' : String(d), MONTHS.fr[n - 1])}` : `${MONTHS.en[n - 1]} ${d}`, year, day: true };
    }
  }
}

/** "2024", "le premier semestre 2024", "H1 2024", "September 1, 2024". */
function joined(point: Point, lang: HeadlineLang): string {
  if (!point.head) return point.year;
  return lang === 'en' && point.day ? `${point.head}, ${point.year}` : `${point.head} ${point.year}`;
}

/** A part of a range that holds the other, said as its start or its end: "début 2024", "fin du premier trimestre". */
function edgeOf(point: Point, edge: 'start' | 'end', lang: HeadlineLang): Point {
  if (lang === 'en') return { ...point, head: `${edge} of${point.head ? ` ${point.head}` : ''}`, day: false };
  const word = edge === 'start' ? 'début' : 'fin';
  return { ...point, head: point.head ? `${word} ${point.head.replace(/^le /, 'du ')}` : word };
}

/**
 * "from/to" as a phrase: "entre 2025 et 2029" / "for 2025–2029", "entre le 1er janvier et le 30 juin 2023" /
 * "for January 1–June 30, 2023". A part holding the other (2024-06-15/2024 runs to the end of 2024) is said as its
 * start or end: "entre le 15 juin 2024 et fin 2024" / "for June 15, 2024–end of 2024".
 */
function rangePhrase(text: string, lang: HeadlineLang): string {
  const [fromText, toText] = text.split('/');
  const from = parsePeriod(fromText);
  const to = parsePeriod(toText);
  if (!from || !to) return `(${text})`;
  let a = pointOf(fromText, from, lang);
  let b = pointOf(toText, to, lang);
  const fromHoldsTo = from.start <= to.start && to.end <= from.end;
  const toHoldsFrom = to.start <= from.start && from.end <= to.end;
  // The same period twice, or a day and an instant in it: dates are shown to the day, so it is that one period.
  if ((fromHoldsTo && toHoldsFrom) || (fromHoldsTo && a.day) || (toHoldsFrom && b.day)) return singlePhrase(fromText, from, lang);
  if (fromHoldsTo) a = edgeOf(a, 'start', lang);
  if (toHoldsFrom) b = edgeOf(b, 'end', lang);
  const fr = lang === 'fr';
  const sameKind = from.precision === to.precision || (a.day && b.day);
  if (sameKind && !fromHoldsTo && !toHoldsFrom && a.head && a.year === b.year) {
    // One year, said once: "entre janvier et mars 2024", "entre le premier et le troisième trimestre 2024".
    const first = fr ? a.head.replace(/ (semestre|trimestre)$/, '') : a.head;
    return fr ? `entre ${first} et ${joined(b, lang)}` : `for ${first}–${joined(b, lang)}`;
  }
  return fr ? `entre ${joined(a, lang)} et ${joined(b, lang)}` : `for ${joined(a, lang)}–${joined(b, lang)}`;
}

function singlePhrase(text: string, p: Period, lang: HeadlineLang): string {
  const point = pointOf(text, p, lang);
  if (lang === 'en') return `${point.day ? 'on' : 'for'} ${joined(point, lang)}`;
  switch (p.precision) {
    case 'half':
    case 'quarter':
      return `au ${point.head.replace(/^le /, '')} ${point.year}`;
    case 'day':
    case 'instant':
      return joined(point, lang);
    default:
      return `en ${joined(point, lang)}`;
  }
}

/**
 * A period as a headline phrase with its preposition: "for 2029", "en 2029", "au premier semestre 2024",
 * "le 1er septembre 2024", "entre le 1er janvier et le 30 juin 2023".
 */
export function periodPhrase(text: string | null | undefined, lang: HeadlineLang): string {
  if (!text) return '';
  const p = parsePeriod(text);
  if (!p) return `(${text})`;
  return p.precision === 'range' ? rangePhrase(text, lang) : singlePhrase(text, p, lang);
}
