import type { ProjectedEvent } from '../projected-event.mapper';

/** What one entity record does to the links read model: a link starts, or the standing one ends. */
export type EntityLinkChange =
  | {
      op: 'link';
      eventId: string;
      subject: string;
      link: 'merge' | 'name';
      target: string;
      reason: string | null;
      position: string;
      at: string;
    }
  | {
      op: 'unlink';
      eventId: string;
      subject: string;
      link: 'merge' | 'name';
      target: string;
      reason: string | null;
      position: string;
      at: string;
    };

export const isEntityLinkEvent = (event: { type: string }) =>
  event.type === 'entity.merged' || event.type === 'entity.unmerged' || event.type === 'entity.aliased';

/**
 * Pure: the change an entity.merged / entity.unmerged / entity.aliased makes; null for every other event. A merge
 * and its reversal live in one stream, so they reach the projector in order on one partition.
 */
export function evolveEntityLinks(event: ProjectedEvent): EntityLinkChange | null {
  const base = { eventId: event.id, subject: event.subject, position: event.globalPosition, at: event.recordedAt };
  switch (event.type) {
    case 'entity.merged':
      return { ...base, op: 'link', link: 'merge', target: event.data.into, reason: event.data.reason };
    case 'entity.unmerged':
      return { ...base, op: 'unlink', link: 'merge', target: event.data.from, reason: event.data.reason };
    case 'entity.aliased':
      return {
        ...base,
        op: event.data.removed ? 'unlink' : 'link',
        link: 'name',
        target: event.data.name,
        reason: event.data.reason ?? null,
      };
    default:
      return null;
  }
}
