import { parsePeriod } from '../values/period.value';
import type { HeadlineLang } from './headline.types';

const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};
const FR_ORDINALS = ['premier', 'deuxième', 'troisième', 'quatrième'];

// Read the calendar fields from the text itself: a date-time keeps the local date its source wrote.
function fields(text: string) {
  const [, y, a, b] = /^(\d{4})(?:-([HQ]?\d{1,2}))?(?:-(\d{2}))?/.exec(text) ?? [];
  return { year: y ?? text, part: a, day: b };
}

/** A single (non-range) period without preposition: "H1 2024", "September 2024", "25 septembre 2024". */
function bare(text: string, lang: HeadlineLang): string {
  const p = parsePeriod(text);
  if (!p) return text;
  const { year, part, day } = fields(text);
  const n = part ? Number(part.replace(/^[HQ]/, '')) : 0;
  switch (p.precision) {
    case 'year':
      return year;
    case 'half':
      return lang === 'fr' ? `S${n} ${year}` : `H${n} ${year}`;
    case 'quarter':
      return lang === 'fr' ? `T${n} ${year}` : `Q${n} ${year}`;
    case 'month':
      return `${MONTHS[lang][n - 1]} ${year}`;
    default: {
      const d = Number(day);
      return lang === 'fr' ? `${d === 1 ? '1er' : d} ${MONTHS.fr[n - 1]} ${year}` : `${MONTHS.en[n - 1]} ${d}, ${year}`;
    }
  }
}

/** A period as a headline phrase with its preposition: "for 2029", "en 2029", "au premier semestre 2024". */
export function periodPhrase(text: string | null | undefined, lang: HeadlineLang): string {
  if (!text) return '';
  const p = parsePeriod(text);
  if (!p) return `(${text})`;
  if (p.precision === 'range') {
    const [from, to] = text.split('/');
    return lang === 'fr' ? `entre ${bare(from, lang)} et ${bare(to, lang)}` : `for ${bare(from, lang)}–${bare(to, lang)}`;
  }
  if (lang === 'en') return p.precision === 'day' || p.precision === 'instant' ? `on ${bare(text, lang)}` : `for ${bare(text, lang)}`;
  const { year, part } = fields(text);
  const n = part ? Number(part.replace(/^[HQ]/, '')) : 0;
  switch (p.precision) {
    case 'half':
      return `au ${n === 1 ? 'premier' : 'second'} semestre ${year}`;
    case 'quarter':
      return `au ${FR_ORDINALS[n - 1]} trimestre ${year}`;
    case 'day':
    case 'instant':
      return `le ${bare(text, lang)}`;
    default:
      return `en ${bare(text, lang)}`;
  }
}
