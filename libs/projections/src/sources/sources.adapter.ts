import { EntityManager } from 'typeorm';
import { AppliedChanges, FactProjection } from '../facts/fact.adapter';
import { SourceRecord, sourceRecordsOf, sourcesModel } from './sources.model';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';
import { firstSightingUpsertSql } from '../first-sighting.util';

/** Source facts (bitemporal) plus the registry of stories; the registry keeps each story's first sighting. */
export class SourcesProjection extends FactProjection {
  private readonly registry: string;
  private readonly plans = new PlanGenerations();
  private readonly upsertSql: string;

  constructor(tableSuffix = '') {
    super('sources', sourcesModel, 'source_facts', tableSuffix, ['sources']);
    this.registry = `read_model.sources${tableSuffix}`;
    // A story's language and date are those of its first sighting, like the sighting itself.
    this.upsertSql = firstSightingUpsertSql(
      this.registry,
      'id',
      {
        id: 'text',
        outlet: 'text',
        url: 'text',
        title: 'text',
        language: 'text',
        published_at: 'text',
        first_position: 'bigint',
        first_recorded_at: 'timestamptz',
      },
      ['language', 'published_at'],
    );
  }

  protected override async afterChanges(manager: EntityManager, applied: AppliedChanges[]): Promise<void> {
    // One row per story (an upsert may not touch a row twice); the earliest sighting wins, as LEAST does below.
    const byId = new Map<string, SourceRecord>();
    for (const { event, changes } of applied) {
      for (const change of changes) {
        if (change.kind !== 'open') continue;
        for (const s of sourceRecordsOf(change.fact.sources, event.globalPosition, event.recordedAt)) {
          const seen = byId.get(s.id);
          if (!seen || BigInt(s.firstPosition) < BigInt(seen.firstPosition)) byId.set(s.id, s);
        }
      }
    }
    // In id order: concurrent partitions upserting the same stories then lock them in the same order (no deadlock).
    const records = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!records.length) return;
    // Planned again as this instance's rows double (firstSightingUpsertSql).
    this.plans.grow(records.length);
    await write(
      manager,
      this.plans.text(this.upsertSql),
      [
        JSON.stringify(
          records.map((r) => ({
            id: r.id,
            outlet: r.outlet,
            url: r.url,
            title: r.title,
            language: r.language,
            published_at: r.publishedAt,
            first_position: r.firstPosition,
            first_recorded_at: r.firstRecordedAt,
          })),
        ),
      ],
      { prepared: true },
    );
  }
}
