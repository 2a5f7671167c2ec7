import { EntityManager } from 'typeorm';
import type { Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { EntitySighting, evolveEntities } from './entities.projection';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';
import { firstSightingUpsertSql } from '../first-sighting.util';
import { EntityNamesWriter } from './entity-names.adapter';

/**
 * Every subject seen, with its display name and first sighting (the last is read from the timeline rows). A product's
 * or a case's name is the one its announcement or filing gives, once recorded (`entity_names` keeps each version).
 */
export class EntitiesProjection implements Projection {
  readonly name = 'entities';
  readonly tables = ['entities', 'entity_names'] as const;
  private readonly table: string;
  private readonly plans = new PlanGenerations();
  private readonly upsertSql: string;
  private readonly names: EntityNamesWriter;

  constructor(tableSuffix = '') {
    this.table = `read_model.entities${tableSuffix}`;
    this.names = new EntityNamesWriter(`read_model.entity_names${tableSuffix}`, this.table);
    this.upsertSql = firstSightingUpsertSql(this.table, 'subject', {
      subject: 'text',
      kind: 'text',
      display_name: 'text',
      first_position: 'bigint',
      first_recorded_at: 'timestamptz',
      display_names: 'jsonb',
    });
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
    if (rows.length) await this.upsert(manager, rows);
    // After the sightings: a subject's row is there (its naming fact sights it) for its name to be written into.
    await this.names.applyMany(manager, events);
  }

  private async upsert(manager: EntityManager, rows: EntitySighting[]): Promise<void> {
    // A row is written when its subject is first seen, and again only if an earlier sighting arrives late (another
    // partition's). The last sighting is not kept here (migration 1764900500000): every batch naming `org:openai`
    // updated that row and held its lock to commit, so partitions queued on it (firstSightingUpsertSql).
    this.plans.grow(rows.length);
    await write(
      manager,
      this.plans.text(this.upsertSql),
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
