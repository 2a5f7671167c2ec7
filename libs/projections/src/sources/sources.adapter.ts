import { EntityManager } from 'typeorm';
import { AppliedChanges, FactProjection } from '../facts/fact.adapter';
import { SourceRecord, sourceRecordsOf, sourcesModel } from './sources.model';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';

/** Source facts (bitemporal) plus the registry of stories; the registry keeps each story's first sighting. */
export class SourcesProjection extends FactProjection {
  private readonly registry: string;
  private readonly plans = new PlanGenerations();

  constructor(tableSuffix = '') {
    super('sources', sourcesModel, 'source_facts', tableSuffix, ['sources']);
    this.registry = `read_model.sources${tableSuffix}`;
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
    // LEAST keeps the first sighting whatever order partitions deliver in, so replays and rebuilds agree. A story
    // already known from an earlier sighting is filtered out first: no new row version, and no row lock held to the
    // end of the batch (concurrent partitions citing the same story would queue on it). Safe: first sightings only
    // ever move earlier, so a stored one at or before ours stays so. Prepared, planned once per connection and plan
    // generation, from one JSON document, as the entities' insert is (entities.adapter.ts).
    this.plans.grow(records.length);
    await write(
      manager,
      this.plans.text(`INSERT INTO ${this.registry} AS r (id, outlet, url, title, language, published_at, first_position, first_recorded_at)
       SELECT id, outlet, url, title, language, published_at, first_position, first_recorded_at
       FROM jsonb_to_recordset($1::jsonb)
         AS s(id text, outlet text, url text, title text, language text, published_at text, first_position bigint, first_recorded_at timestamptz)
       -- A scalar subquery, not NOT EXISTS: one probe of the primary key per row, whatever the planner guesses of the
       -- document's length (as an anti join, a plan that took the document for 100 rows hashed the whole table).
       WHERE NOT (SELECT EXISTS (
         SELECT 1 FROM ${this.registry} k WHERE k.id = s.id AND k.first_position <= s.first_position AND k.first_recorded_at <= s.first_recorded_at
       ))
       ON CONFLICT (id) DO UPDATE SET
         language = CASE WHEN EXCLUDED.first_position < r.first_position THEN EXCLUDED.language ELSE r.language END,
         published_at = CASE WHEN EXCLUDED.first_position < r.first_position THEN EXCLUDED.published_at ELSE r.published_at END,
         first_position = LEAST(r.first_position, EXCLUDED.first_position),
         first_recorded_at = LEAST(r.first_recorded_at, EXCLUDED.first_recorded_at)
       WHERE EXCLUDED.first_position < r.first_position OR EXCLUDED.first_recorded_at < r.first_recorded_at`),
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
