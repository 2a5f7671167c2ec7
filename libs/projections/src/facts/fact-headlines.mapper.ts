import { HeadlineEvent, renderHeadline } from '@newsroom/domain';

interface Rendered {
  type: string;
  subject: string;
  occurredAt: string | null;
  modality: string;
  en: string;
  fr: string;
}

// The feed, the timeline and the sources all render the same event's headlines: kept per data object (event data
// is never mutated; a correction's patched data is a new object), checked against the other inputs.
const rendered = new WeakMap<object, Rendered>();

/** A story fact's headlines in English and French (pure; memoized on the data object). */
export function factHeadlines(event: HeadlineEvent): { en: string; fr: string } {
  const data = event.data;
  const known = data && typeof data === 'object' ? rendered.get(data) : undefined;
  if (
    known &&
    known.type === event.type &&
    known.subject === event.subject &&
    known.occurredAt === event.occurredAt &&
    known.modality === event.modality
  ) {
    return { en: known.en, fr: known.fr };
  }
  const fresh = { en: renderHeadline(event, 'en'), fr: renderHeadline(event, 'fr') };
  if (data && typeof data === 'object') {
    rendered.set(data, { type: event.type, subject: event.subject, occurredAt: event.occurredAt, modality: event.modality, ...fresh });
  }
  return fresh;
}
