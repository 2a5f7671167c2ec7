import { displayNameOf, parseSubject } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event';
import { mentionsOf } from '../timeline/mentions';

export interface EntitySighting {
  subject: string;
  kind: string;
  displayName: string;
  position: string;
  recordedAt: string;
}

/**
 * Pure: the subjects an event makes us see (the stream subject and every subject its data names; for a
 * correction, the subjects its patch adds). Upserting sightings with first/last bounds is order-independent.
 */
export function evolveEntities(event: ProjectedEvent): EntitySighting[] {
  const data = event.type === 'event.corrected' ? (event.data?.changes?.data ?? {}) : event.type === 'event.retracted' ? {} : event.data;
  return mentionsOf(event.subject, data).flatMap((m) => {
    const parsed = parseSubject(m.subject);
    if (!parsed) return [];
    return [{ subject: m.subject, kind: parsed.kind, displayName: displayNameOf(m.subject), position: event.globalPosition, recordedAt: event.recordedAt }];
  });
}
