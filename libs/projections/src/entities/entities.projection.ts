import { displayNameIn, displayNameOf, parseSubject } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';
import { mentionsOf } from '../timeline/mentions.mapper';

export interface EntitySighting {
  subject: string;
  kind: string;
  displayName: string;
  /** The display name per language (an authority's French name from the glossary; proper names the same in both). */
  displayNames: { en: string; fr: string };
  position: string;
  recordedAt: string;
}

// The same few subjects recur in every batch: their kind and name are worked out once (bounded; cleared when full).
type Named = { kind: string; displayName: string; displayNames: { en: string; fr: string } };
const named = new Map<string, Named | null>();

function nameOf(subject: string): Named | null {
  let known = named.get(subject);
  if (known === undefined) {
    const parsed = parseSubject(subject);
    known = parsed
      ? {
          kind: parsed.kind,
          displayName: displayNameOf(subject),
          displayNames: { en: displayNameIn(subject, 'en'), fr: displayNameIn(subject, 'fr') },
        }
      : null;
    if (named.size >= 50_000) named.clear();
    named.set(subject, known);
  }
  return known;
}

/**
 * Pure: the subjects an event makes us see (the stream subject and every subject its data names; for a
 * correction, the subjects its patch adds). Upserting sightings with first/last bounds is order-independent.
 */
export function evolveEntities(event: ProjectedEvent): EntitySighting[] {
  const data = event.type === 'event.corrected' ? (event.data?.changes?.data ?? {}) : event.type === 'event.retracted' ? {} : event.data;
  return mentionsOf(event.subject, data).flatMap((m) => {
    const name = nameOf(m.subject);
    return name ? [{ subject: m.subject, ...name, position: event.globalPosition, recordedAt: event.recordedAt }] : [];
  });
}
