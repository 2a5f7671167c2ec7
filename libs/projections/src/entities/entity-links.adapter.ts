import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { evolveEntityLinks, isEntityLinkEvent } from './entity-links.projection';
import { write } from '../write-pipeline.util';

/** read_model.entity_links: merges and alias names, each with when it became known and when it was reversed. */
export class EntityLinksProjection implements Projection {
  readonly name = 'entity-links';
  readonly tables = ['entity_links'] as const;
  private readonly table: string;

  constructor(tableSuffix = '') {
    this.table = `read_model.entity_links${tableSuffix}`;
  }

  handles(event: ProjectedEvent): boolean {
    return isEntityLinkEvent(event);
  }

  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    // Editors' merges are rare: one statement each, in log order, is enough.
    for (const event of events) if (isEntityLinkEvent(event)) await this.apply(manager, event);
  }

  // Idempotent: a link is keyed by its event id; a reversal ends the one standing link it names, made before it.
  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    const change = evolveEntityLinks(event);
    if (!change) return;
    if (change.op === 'link') {
      await write(
        manager,
        `INSERT INTO ${this.table} (event_id, subject, link, target, reason, linked_position, linked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
        [change.eventId, change.subject, change.link, change.target, change.reason, change.position, change.at],
      );
      return;
    }
    await write(
      manager,
      `UPDATE ${this.table} SET unlink_event_id = $1, unlinked_position = $5, unlinked_at = $6, unlink_reason = $7
       WHERE event_id = (SELECT event_id FROM ${this.table} WHERE subject = $2 AND link = $3 AND target = $4
         AND unlinked_position IS NULL AND linked_position < $5 ORDER BY linked_position DESC LIMIT 1)`,
      [change.eventId, change.subject, change.link, change.target, change.position, change.at, change.reason],
    );
  }
}
