import { HeadlineEvent, renderHeadline, type DisplayNames, type OtherNames } from '@newsroom/domain';

interface Rendered {
  type: string;
  subject: string;
  occurredAt: string | null;
  modality: string;
  names: DisplayNames | null;
  others: string;
  en: string;
  fr: string;
}

// The feed, the timeline and the sources all render the same event's headlines: kept per data object (event data
// is never mutated; a correction's patched data is a new object), checked against the other inputs.
const rendered = new WeakMap<object, Rendered>();

/** The names given to other subjects, as compared between renderings ('' without any). */
const keyOf = (others: OtherNames | null): string => (others?.size ? JSON.stringify([...others]) : '');

/**
 * A story fact's headlines in English and French (pure; memoized on the data object). `names`: its subject's display
 * names when a fact gives them (a case's filed title), else its slug's; `others`: those facts give the other subjects
 * its data names (a merge's other side), else their slugs'.
 */
export function factHeadlines(
  event: HeadlineEvent,
  names: DisplayNames | null = null,
  others: OtherNames | null = null,
): { en: string; fr: string } {
  const data = event.data;
  const othersKey = keyOf(others);
  const known = data && typeof data === 'object' ? rendered.get(data) : undefined;
  if (
    known &&
    known.type === event.type &&
    known.subject === event.subject &&
    known.occurredAt === event.occurredAt &&
    known.modality === event.modality &&
    known.names?.en === names?.en &&
    known.names?.fr === names?.fr &&
    known.others === othersKey
  ) {
    return { en: known.en, fr: known.fr };
  }
  const fresh = { en: renderHeadline(event, 'en', { names, others }), fr: renderHeadline(event, 'fr', { names, others }) };
  if (data && typeof data === 'object') {
    rendered.set(data, {
      type: event.type,
      subject: event.subject,
      occurredAt: event.occurredAt,
      modality: event.modality,
      names,
      others: othersKey,
      ...fresh,
    });
  }
  return fresh;
}
