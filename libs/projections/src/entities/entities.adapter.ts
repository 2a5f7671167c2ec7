import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { EntitySighting, evolveEntities } from './entities.projection';

/** Every subject seen, with its display name and first and last sighting. */
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
    // Sightings merge per subject first: an upsert statement may touch each row once.
    const merged = new Map<string, EntitySighting & { lastPosition: string; lastRecordedAt: string }>();
    for (const s of events.flatMap(evolveEntities)) {
      const m = merged.get(s.subject);
      if (!m) merged.set(s.subject, { ...s, lastPosition: s.position, lastRecordedAt: s.recordedAt });
      else {
        if (BigInt(s.position) < BigInt(m.position)) Object.assign(m, { position: s.position, recordedAt: s.recordedAt });
        if (BigInt(s.position) > BigInt(m.lastPosition)) Object.assign(m, { lastPosition: s.position, lastRecordedAt: s.recordedAt });
      }
    }
    // In subject order: concurrent partitions upserting the same organizations lock them in the same order.
    const rows = [...merged.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
    if (!rows.length) return;
    // A sighting inside the stored bounds changes nothing: filtered out first, so it takes no row lock (the bounds
    // only ever widen, so what is inside them stays inside).
    await manager.query(
      `INSERT INTO ${this.table} AS e (subject, kind, display_name, first_position, first_recorded_at, last_position, last_recorded_at, display_names)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::bigint[], $7::timestamptz[], $8::jsonb[])
         AS s(subject, kind, display_name, first_position, first_recorded_at, last_position, last_recorded_at, display_names)
       WHERE NOT EXISTS (
         SELECT 1 FROM ${this.table} k WHERE k.subject = s.subject
           AND k.first_position <= s.first_position AND k.first_recorded_at <= s.first_recorded_at
           AND k.last_position >= s.last_position AND k.last_recorded_at >= s.last_recorded_at
       )
       ON CONFLICT (subject) DO UPDATE SET
         first_position = LEAST(e.first_position, EXCLUDED.first_position),
         first_recorded_at = LEAST(e.first_recorded_at, EXCLUDED.first_recorded_at),
         last_position = GREATEST(e.last_position, EXCLUDED.last_position),
         last_recorded_at = GREATEST(e.last_recorded_at, EXCLUDED.last_recorded_at)
       WHERE EXCLUDED.first_position < e.first_position OR EXCLUDED.first_recorded_at < e.first_recorded_at
          OR EXCLUDED.last_position > e.last_position OR EXCLUDED.last_recorded_at > e.last_recorded_at`,
      [
        rows.map((s) => s.subject),
        rows.map((s) => s.kind),
        rows.map((s) => s.displayName),
        rows.map((s) => s.position),
        rows.map((s) => s.recordedAt),
        rows.map((s) => s.lastPosition),
        rows.map((s) => s.lastRecordedAt),
        rows.map((s) => JSON.stringify(s.displayNames)),
      ],
    );
  }
}
