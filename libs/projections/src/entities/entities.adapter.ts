import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { EntitySighting, evolveEntities } from './entities.projection';
import { write } from '../write-pipeline.util';

/** Every subject seen, with its display name and first sighting (the last is read from the timeline rows). */
export class EntitiesProjection implements Projection {
  readonly name = 'entities';
  readonly tables = ['entities'] as const;
  private readonly table: string;

  constructor(tableSuffix = '') {
    this.table = `read_model.entities${tableSuffix}`;
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    await this.applyMany(manager, [event]);
  }

  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    // Sightings merge per subject first (the earliest counts): an upsert statement may touch each row once.
    const merged = new Map<string, EntitySighting>();
    for (const s of events.flatMap(evolveEntities)) {
      const m = merged.get(s.subject);
      if (!m) merged.set(s.subject, { ...s });
      else if (BigInt(s.position) < BigInt(m.position)) Object.assign(m, { position: s.position, recordedAt: s.recordedAt });
    }
    // In subject order: concurrent partitions inserting the same new subjects lock them in the same order.
    const rows = [...merged.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
    if (!rows.length) return;
    // A row is written when its subject is first seen, and again only if an earlier sighting arrives late (another
    // partition's). The last sighting is not kept here (migration 1764900500000): every batch naming `org:openai`
    // updated that row and held its lock to commit, so partitions queued on it. A sighting at or after the stored
    // first one is filtered out before the insert, so it takes no row lock.
    await write(
      manager,
      `INSERT INTO ${this.table} AS e (subject, kind, display_name, first_position, first_recorded_at, display_names)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::jsonb[])
         AS s(subject, kind, display_name, first_position, first_recorded_at, display_names)
       WHERE NOT EXISTS (
         SELECT 1 FROM ${this.table} k WHERE k.subject = s.subject
           AND k.first_position <= s.first_position AND k.first_recorded_at <= s.first_recorded_at
       )
       ON CONFLICT (subject) DO UPDATE SET
         first_position = LEAST(e.first_position, EXCLUDED.first_position),
         first_recorded_at = LEAST(e.first_recorded_at, EXCLUDED.first_recorded_at)
       WHERE EXCLUDED.first_position < e.first_position OR EXCLUDED.first_recorded_at < e.first_recorded_at`,
      [
        rows.map((s) => s.subject),
        rows.map((s) => s.kind),
        rows.map((s) => s.displayName),
        rows.map((s) => s.position),
        rows.map((s) => s.recordedAt),
        rows.map((s) => JSON.stringify(s.displayNames)),
      ],
    );
  }
}
