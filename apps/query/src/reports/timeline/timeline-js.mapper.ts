import { displayNameOf, FR_COLON, parsePeriod } from '@newsroom/domain';
import { TimelineItemDto } from './timeline.repository';

/** A TimelineJS3 date: year always, then as much as the fact's date says (TimelineJS shows that precision). */
export interface TimelineJsDate {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  display_date?: string;
}

const TEXT = {
  en: { title: 'Newsroom timeline', corrected: 'Corrected', sources: 'Sources', rumored: 'Rumored', denied: 'Denied', colon: ': ' },
  // French typography: U+00A0 before ":" (as in the headlines; french-typography.util).
  fr: { title: 'Chronologie de la rédaction', corrected: 'Corrigé', sources: 'Sources', rumored: 'Rumeur', denied: 'Démenti', colon: FR_COLON },
} as const;

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function dateOf(iso: string, precision: 'year' | 'month' | 'day' | 'instant'): TimelineJsDate {
  const d = new Date(iso);
  const date: TimelineJsDate = { year: d.getUTCFullYear() };
  if (precision === 'year') return date;
  date.month = d.getUTCMonth() + 1;
  if (precision === 'month') return date;
  date.day = d.getUTCDate();
  if (precision === 'day') return date;
  return { ...date, hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** The last instant of a [start, end) period, for an inclusive TimelineJS end date. */
const lastInstant = (end: string) => new Date(Date.parse(end) - 1).toISOString();

/** start_date and end_date from the fact's date as recorded (a half or quarter spans its months; a range its days). */
export function timelineJsDates(occurredAt: string | null, fallback: string): { start_date: TimelineJsDate; end_date?: TimelineJsDate } {
  const period = occurredAt ? parsePeriod(occurredAt) : null;
  if (!period) return { start_date: dateOf(fallback, 'day') };
  const display = { display_date: period.text };
  switch (period.precision) {
    case 'year':
    case 'month':
    case 'day':
      return { start_date: { ...dateOf(period.start, period.precision), ...display } };
    case 'instant':
      return { start_date: { ...dateOf(period.start, 'instant'), ...display } };
    case 'half':
    case 'quarter':
      return { start_date: { ...dateOf(period.start, 'month'), ...display }, end_date: dateOf(lastInstant(period.end), 'month') };
    case 'range':
      return { start_date: { ...dateOf(period.start, 'day'), ...display }, end_date: dateOf(lastInstant(period.end), 'day') };
  }
}

function eventText(item: TimelineItemDto, lang: 'en' | 'fr'): string {
  const t = TEXT[lang];
  const parts: string[] = [];
  if (item.modality === 'rumored' || item.modality === 'denied') parts.push(`<p><em>${t[item.modality]}</em></p>`);
  if (item.status === 'corrected') parts.push(`<p><em>${t.corrected}</em></p>`);
  const sources = item.sources.map((s) => {
    const name = html(s.outlet) + (s.title ? `${t.colon}${html(s.title)}` : '');
    return `<li>${s.url ? `<a href="${html(s.url)}">${name}</a>` : name}</li>`;
  });
  if (sources.length) parts.push(`<p>${t.sources}${t.colon.trimEnd()}</p><ul>${sources.join('')}</ul>`);
  return parts.join('');
}

/**
 * A timeline page as TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html): one slide per fact
 * (unique_id its fact id, group its event type), headlines in the requested language, texts as escaped HTML.
 * `subjectName`: the subject's name in `lang` (a case's filed title, a product's announced name); its slug's without.
 */
export function toTimelineJs(
  page: { items: readonly TimelineItemDto[] },
  q: { subject: string | null; lang: 'en' | 'fr' },
  subjectName?: string,
) {
  const t = TEXT[q.lang];
  const name = q.subject ? (subjectName ?? displayNameOf(q.subject)) : null;
  return {
    title: { text: { headline: name ? `${t.title}${t.colon}${name}` : t.title, text: '' } },
    events: page.items.map((item) => ({
      ...timelineJsDates(item.occurredAt, item.validFrom ?? item.recordedAt),
      text: { headline: html(item.headline), text: eventText(item, q.lang) },
      group: item.type,
      unique_id: item.factId,
    })),
  };
}
