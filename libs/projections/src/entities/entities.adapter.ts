import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { EntitySighting, evolveEntities } from './entities.projection';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';

/** Every subject seen, with its display name and first sighting (the last is read from the timeline rows). */
export class EntitiesProjection implements Projection {
  readonly name = 'entities';
  readonly tables = ['entities'] as const;
  private readonly table: string;
  private readonly plans = new PlanGenerations();

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
    // Prepared, planned once per connection and plan generation (the check for a stored sighting reads the table:
    // its plan depends on the table's size). The rows come as one JSON document: its row estimate does not depend on
    // the batch, so Postgres keeps one plan for every batch (from arrays, it planned each batch anew for its length).
    this.plans.grow(rows.length);
    await write(
      manager,
      this.plans.text(`INSERT INTO ${this.table} AS e (subject, kind, display_name, first_position, first_recorded_at, display_names)
       SELECT subject, kind, display_name, first_position, first_recorded_at, display_names
       FROM jsonb_to_recordset($1::jsonb) AS s(subject text, kind text, display_name text, first_position bigint, first_recorded_at timestamptz, display_names jsonb)
       -- A scalar subquery, not NOT EXISTS: one probe of the primary key per row, whatever the planner guesses of the
       -- document's length (as an anti join, a plan that took the document for 100 rows hashed the whole table).
       WHERE NOT (SELECT EXISTS (
         SELECT 1 FROM ${this.table} k WHERE k.subject = s.subject
           AND k.first_position <= s.first_position AND k.first_recorded_at <= s.first_recorded_at
       ))
       ON CONFLICT (subject) DO UPDATE SET
         first_position = LEAST(e.first_position, EXCLUDED.first_position),
         first_recorded_at = LEAST(e.first_recorded_at, EXCLUDED.first_recorded_at)
       WHERE EXCLUDED.first_position < e.first_position OR EXCLUDED.first_recorded_at < e.first_recorded_at`),
      [
        JSON.stringify(
          rows.map((s) => ({
            subject: s.subject,
            kind: s.kind,
            display_name: s.displayName,
            first_position: s.position,
            first_recorded_at: s.recordedAt,
            display_names: s.displayNames,
          })),
        ),
      ],
      { prepared: true },
    );
  }
}
