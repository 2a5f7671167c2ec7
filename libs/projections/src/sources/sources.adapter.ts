import { EntityManager } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import { AppliedChanges, FactProjection } from '../facts/fact.adapter';
import { isUuid } from '../facts/fact-batch.util';
import { COMMON_FACT_COLUMNS, LEAD_ROW_PAYLOAD } from '../facts/fact-version.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import { attachedPart, SourceRecord, sourceRecordsOf, sourcesModel } from './sources.model';
import { outletKey } from '@newsroom/domain';
import { sourceIdOf, storyKeyOf } from '../facts/source-id.util';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';
import { firstSightingUpsertSql } from '../first-sighting.util';

/** A source attached to a fact (event.sourced): the link row it stands for, per version standing from `position` on. */
interface Attachment {
  fact_id: string;
  fact_position: string | null;
  part: string;
  source_id: string;
  quote: string | null;
  recorded_at: string;
  position: string;
  /** The attachment's own position; the row's columns are those of the first of its run of the same word. */
  said: string;
}

/**
 * The link columns of an attached source's row: a fact row's but the lead row's payload, plus the story, its quote and
 * `said_at`, the position of the attachment it stands for (a carried row keeps it: its `position_from` is the version's).
 */
const LINK_COLUMNS: readonly string[] = [
  ...COMMON_FACT_COLUMNS.filter((c) => !LEAD_ROW_PAYLOAD.includes(c)),
  'source_id',
  'quote',
  'said_at',
];
/** The position of the word an attached row stands for (rows stored before `said_at` was kept: their own). */
const SAID_AT = (alias: string) => `coalesce(${alias}.said_at, ${alias}.position_from)`;

/**
 * Source facts (bitemporal) plus the registry of stories; the registry keeps each story's first sighting. A source
 * attached later (`event.sourced`, confirming or denying) is a link row of the fact too, part `<stance>:<story>`:
 * one per version standing since it was attached (a correction carries the links to the next version, a retraction
 * closes them with the fact), keys only like the other rows after a version's lead row. A story attached again has
 * its latest word on the fact (by position: `said_at`), as corroboration counts it; one the fact cites itself stays
 * one of its own sources.
 */
export class SourcesProjection extends FactProjection {
  private readonly registry: string;
  private readonly plans = new PlanGenerations();
  private readonly upsertSql: string;
  /** True while a rebuild folds the log (no primary key: rows are found by `fact_position`, see `foldKeys`). */
  private folding = false;

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
        outlet_key: 'text',
        story_key: 'text',
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

  override beginFold(): void {
    super.beginFold();
    this.folding = true;
  }

  override async completeFold(manager: EntityManager): Promise<void> {
    await super.completeFold(manager);
    this.folding = false;
  }

  override handles(event: ProjectedEvent): boolean {
    return event.type === 'event.sourced' || super.handles(event);
  }

  override async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    // Fact versions first (a correction carries the links stored before it: afterChanges), then this batch's attached
    // sources, on every version of their fact standing from their position on (those this batch opened included).
    await super.applyMany(manager, events);
    const sourced = events.filter((e) => e.type === 'event.sourced' && e.data?.source && isUuid(e.data.targetEventId));
    if (!sourced.length) return;
    await this.attach(manager, sourced);
    await this.register(
      manager,
      sourced.flatMap((e) => sourceRecordsOf(e.type === 'event.sourced' ? [e.data.source] : [], e.globalPosition, e.recordedAt)),
    );
  }

  protected override async afterChanges(manager: EntityManager, applied: AppliedChanges[]): Promise<void> {
    const records: SourceRecord[] = [];
    const reopened: Array<{ fact_id: string; fact_position: string; version: number }> = [];
    for (const { event, changes } of applied) {
      for (const change of changes) {
        if (change.kind !== 'open') continue;
        records.push(...sourceRecordsOf(change.fact.sources, event.globalPosition, event.recordedAt));
        const f = change.fact;
        if (f.version > 1) reopened.push({ fact_id: f.factId, fact_position: f.factPosition, version: f.version });
      }
    }
    // Only a batch with corrections: the attached sources of a corrected fact back its new version too.
    if (reopened.length) await this.carryLinks(manager, reopened);
    await this.register(manager, records);
  }

  /** The stories in the registry; one row per story (an upsert may not touch a row twice), the earliest sighting. */
  private async register(manager: EntityManager, sightings: SourceRecord[]): Promise<void> {
    const byId = new Map<string, SourceRecord>();
    for (const s of sightings) {
      const seen = byId.get(s.id);
      if (!seen || BigInt(s.firstPosition) < BigInt(seen.firstPosition)) byId.set(s.id, s);
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
            // Computed once per story of the batch (not per sighting): the outlet and story as a reader tells them apart.
            outlet_key: outletKey({ outlet: r.outlet }),
            story_key: storyKeyOf(r),
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

  /** Rows of a fact `alias` within the fact of `of` (by id; in a fold by its position too, which is indexed then). */
  private sameFact(alias: string, of: string): string {
    return `${alias}.fact_id = ${of}.fact_id${this.folding ? ` AND ${alias}.fact_position = ${of}.fact_position` : ''}`;
  }

  /** No link row of the story on that version yet (a story the fact cites itself stays its own source). */
  private notLinked(version: string, sourceId: string): string {
    return `NOT EXISTS (SELECT 1 FROM ${this.table} o WHERE ${this.sameFact('o', 'v')} AND o.version = ${version} AND o.source_id = ${sourceId})`;
  }

  /** Keyed like the fact's rows: a replay does nothing (a fold has no key but applies each event once). */
  private get onConflict(): string {
    return this.folding ? '' : 'ON CONFLICT (fact_id, version, part) DO NOTHING';
  }

  /**
   * One link row per attached source and version of its fact standing at or after the attachment (recorded from the
   * later of the two; closed with the version), with the latest word of the story on that version: the batch's latest
   * attachment that applies to it replaces an earlier word of another stance (a later one already stored stays: a
   * redelivery changes nothing). One statement for the batch, only for batches that attach sources.
   */
  private async attach(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    const targets = new Set(events.flatMap((e) => (e.type === 'event.sourced' ? [e.data.targetEventId] : [])));
    const positions = this.folding ? await new EventLogReader(manager).positionsOf([...targets]) : new Map<string, string>();
    // Every attachment of the batch once, in log order: which applies to a version, and is latest there, is the
    // statement's to say (a version a correction closed in this batch takes the words said before it). The same word
    // said again changes nothing, as when the two come in two batches: it stands for the first of its run.
    const links: Attachment[] = [];
    const runs = new Map<string, Attachment>();
    const seen = new Set<string>();
    for (const e of [...events].sort((a, b) => (BigInt(a.globalPosition) < BigInt(b.globalPosition) ? -1 : 1))) {
      if (e.type !== 'event.sourced' || seen.has(e.globalPosition)) continue;
      seen.add(e.globalPosition);
      const sourceId = sourceIdOf(e.data.source);
      const part = attachedPart(e.data.stance, sourceId);
      const link = `${e.data.targetEventId}|${sourceId}`;
      const run = runs.get(link);
      const first =
        run?.part === part
          ? run
          : {
              fact_id: e.data.targetEventId,
              fact_position: positions.get(e.data.targetEventId) ?? null,
              part,
              source_id: sourceId,
              quote: e.data.source.quote ?? null,
              recorded_at: e.recordedAt,
              position: e.globalPosition,
              said: e.globalPosition,
            };
      runs.set(link, first);
      if (!this.folding || first.fact_position !== null) links.push({ ...first, said: e.globalPosition });
    }
    if (!links.length) return;
    const own = LINK_COLUMNS.filter((c) => !['part', 'recorded_from', 'position_from', 'source_id', 'quote', 'said_at'].includes(c));
    const columns = LINK_COLUMNS.join(', ');
    // The rows of the candidate's story on its version: o. The candidates' statement sees the table as it was before
    // the replaced rows were deleted, so the insert skips a version whose row is own, the same word, or said later.
    const sameLink = `${this.sameFact('o', 'c')} AND o.version = c.version AND o.source_id = c.source_id`;
    await write(
      manager,
      `WITH c AS (
         SELECT DISTINCT ON (v.fact_id, v.version, a.source_id) ${LINK_COLUMNS.map((c) =>
           c === 'recorded_from'
             ? 'GREATEST(v.recorded_from, a.recorded_at) AS recorded_from'
             : c === 'position_from'
               ? 'GREATEST(v.position_from, a.position) AS position_from'
               : c === 'said_at'
                 ? 'a.position AS said_at'
                 : own.includes(c)
                   ? `v.${c}`
                   : `a.${c}`,
         ).join(', ')}
         FROM jsonb_to_recordset($1::jsonb) AS a(fact_id uuid, fact_position bigint, part text, source_id text, quote text,
           recorded_at timestamptz, position bigint, said bigint)
         JOIN ${this.table} v ON ${this.sameFact('v', 'a')} AND v.data IS NOT NULL AND (v.position_to IS NULL OR v.position_to > a.said)
         ORDER BY v.fact_id, v.version, a.source_id, a.said DESC
       ), replaced AS (
         DELETE FROM ${this.table} o USING c
         WHERE ${sameLink} AND o.part <> o.source_id AND o.part <> c.part AND ${SAID_AT('o')} < c.said_at
       )
       INSERT INTO ${this.table} (${columns})
       SELECT ${columns} FROM c
       WHERE NOT EXISTS (SELECT 1 FROM ${this.table} o WHERE ${sameLink}
         AND (o.part = o.source_id OR o.part = c.part OR ${SAID_AT('o')} >= c.said_at))
       ${this.onConflict}`,
      [JSON.stringify(links)],
    );
  }

  /**
   * The new versions a batch's corrections opened get the attached sources' rows of their fact's earlier versions,
   * recorded from the new version on, each story's from the latest earlier version holding it (its latest word there).
   * Earlier versions, not only the one before: those this batch opened are not seen by the statement, and every earlier
   * link row was carried to each later version anyway.
   */
  private async carryLinks(
    manager: EntityManager,
    reopened: Array<{ fact_id: string; fact_position: string; version: number }>,
  ): Promise<void> {
    const own = LINK_COLUMNS.filter((c) => !['part', 'source_id', 'quote', 'said_at'].includes(c));
    await write(
      manager,
      `INSERT INTO ${this.table} (${LINK_COLUMNS.join(', ')})
       SELECT ${LINK_COLUMNS.map((c) => (own.includes(c) ? `v.${c}` : `l.${c}`)).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS n(fact_id uuid, fact_position bigint, version int)
       JOIN ${this.table} v ON ${this.sameFact('v', 'n')} AND v.version = n.version AND v.data IS NOT NULL
       JOIN LATERAL (
         SELECT DISTINCT ON (e.source_id) e.part, e.source_id, e.quote, e.said_at FROM ${this.table} e
         WHERE ${this.sameFact('e', 'n')} AND e.version < n.version AND e.part LIKE '%:%'
         ORDER BY e.source_id, e.version DESC
       ) l ON true
       WHERE ${this.notLinked('v.version', 'l.source_id')}
       ${this.onConflict}`,
      [JSON.stringify(reopened)],
    );
  }
}
