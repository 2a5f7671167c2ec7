import { EntityManager } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import type { FoldKey, Projection } from '../projection.types';
import type { ProjectedEvent } from '../projected-event.mapper';
import type { FactModel } from './fact-model.types';
import { AppliedChanges, amendmentTargets, FactBatchPlan, FactClose, isUuid, planFactBatch } from './fact-batch.util';
import { concerns } from './fact.projection';
import { COMMON_FACT_COLUMNS, FactState, LEAD_ROW_PAYLOAD, stateFromRow } from './fact-version.types';
import { normalizeRow } from './stored-row.mapper';
import { copyRows, write } from '../write-pipeline.util';
import { CopyBody, CopyKind } from '../copy-text.util';

export type { AppliedChanges } from './fact-batch.util';

// One JSON document per statement; a few thousand facts keep it to a few megabytes.
const FACTS_PER_STATEMENT = 2000;

/** Where a fold's COPY takes a column's value from, and whether only a version's first row keeps it. */
const PART = 0;
const COMMON = 1;
const OWN = 2;
type ColumnSource = { from: typeof PART | typeof COMMON | typeof OWN; name: string; leadOnly: boolean };

/**
 * The thin persistence adapter shared by the bitemporal read models. A batch is planned in memory by the pure
 * `planFactBatch` (after one query for the latest versions its amendments target) and written set-based: one
 * INSERT of every opened version from a JSON document, keyed by (fact_id, version, part) so a replay does nothing,
 * then one UPDATE closing versions, which only touches standing rows. `tableSuffix` points the adapter at shadow
 * tables (`_next`) during a rebuild.
 */
export class FactProjection implements Projection {
  readonly tables: readonly string[];
  /**
   * A rebuild folds without the primary key (fact_id, version, part): fact ids are event ids, random, so their index
   * took inserts all over (a fold of a million events: over a third of its WAL, most of it whole pages written again after
   * each checkpoint). A fact's rows are found by `fact_position` instead, its event's position, which the fold
   * appends in order.
   */
  readonly foldKeys: readonly FoldKey[];
  protected readonly table: string;
  private readonly insertSql: string;
  private readonly closeSql: string;
  private readonly foldCloseSql: string;
  /** Whether only a version's lead row keeps the payload, and which of the model's own columns it keeps too. */
  private readonly leadRow: boolean;
  private readonly leadOnly: ReadonlySet<string>;
  /** The insert's columns in its order, and how each is written in a fold's COPY. */
  private readonly columns: readonly string[];
  private readonly kinds: readonly CopyKind[];
  private readonly sources: readonly ColumnSource[];
  /** True while a rebuild folds the log into fresh tables: versions go in by COPY (`beginFold`). */
  private copying = false;

  constructor(
    readonly name: string,
    protected readonly model: FactModel,
    baseTable: string,
    protected readonly tableSuffix = '',
    extraTables: readonly string[] = [],
  ) {
    this.tables = [baseTable, ...extraTables];
    this.foldKeys = [{ table: baseTable, columns: ['fact_id', 'version', 'part'], lookup: ['fact_position'] }];
    this.table = `read_model.${baseTable}${tableSuffix}`;
    const own = Object.keys(model.columns);
    const factColumns = COMMON_FACT_COLUMNS.filter((c) => c !== 'part');
    this.leadRow = model.leadRowColumns !== undefined;
    this.leadOnly = new Set(model.leadRowColumns ?? []);
    this.columns = [...factColumns, 'part', ...own];
    this.kinds = this.columns.map((c) => (LEAD_ROW_PAYLOAD.includes(c) ? 'json' : (model.columns[c] ?? 'plain')));
    // Where COPY takes each column from, worked out once: a row's part, the version's common values, or the row's own
    // columns; NULL on a row after the first for the payload (with a lead row) and the columns only the lead keeps.
    const commonNames = new Set<string>(factColumns);
    this.sources = this.columns.map((name) => {
      const from = name === 'part' ? PART : commonNames.has(name) ? COMMON : OWN;
      const leadOnly = from === COMMON ? this.leadRow && LEAD_ROW_PAYLOAD.includes(name) : from === OWN && this.leadOnly.has(name);
      return { from, name, leadOnly };
    });
    // With a lead row, the payload goes on a version's first row only (ordinality 1); the others keep NULL there.
    const common = (c: string) => (this.leadRow && LEAD_ROW_PAYLOAD.includes(c) ? `CASE WHEN r.ordinality = 1 THEN f.${c} END` : `f.${c}`);
    // Each fact's common columns (its data and sources among them) are sent and parsed once, whatever its row count.
    this.insertSql = `INSERT INTO ${this.table} (${[...factColumns, 'part', ...own].join(', ')})
      SELECT ${[...factColumns.map(common), 'r.part', ...own.map((c) => `r.${c}`)].join(', ')}
      FROM jsonb_array_elements($1::jsonb) AS e(doc)
      CROSS JOIN LATERAL jsonb_populate_record(NULL::${this.table}, e.doc) AS f
      CROSS JOIN LATERAL jsonb_populate_recordset(NULL::${this.table}, e.doc->'rows') WITH ORDINALITY AS r
      ON CONFLICT (fact_id, version, part) DO NOTHING`;
    // A version to close is found by its key, or in a fold (which goes without it: `foldKeys`) by its fact's position.
    const close = (found: string) => `UPDATE ${this.table} AS t
      SET recorded_to = c.recorded_to, position_to = c.position_to, superseded_by = c.superseded_by, end_reason = c.end_reason
      FROM jsonb_populate_recordset(NULL::${this.table}, $1::jsonb) AS c
      WHERE ${found} AND t.version = c.version AND t.recorded_to IS NULL`;
    this.closeSql = close('t.fact_id = c.fact_id');
    this.foldCloseSql = close('t.fact_position = c.fact_position AND t.fact_id = c.fact_id');
  }

  /**
   * A rebuild's fold applies each event once, in order, into fresh tables: a version's rows cannot be there already,
   * so they go in with COPY, which Postgres takes at about half the cost of the same rows parsed from a JSON document
   * (timeline_facts of a 200,000-event log: 3.3-3.6 s against 7.3-7.4 s). Until `completeFold`.
   */
  beginFold(): void {
    this.copying = true;
  }

  async completeFold(_manager: EntityManager): Promise<void> {
    this.copying = false;
  }

  handles(event: ProjectedEvent): boolean {
    return concerns(this.model, event);
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    await this.applyMany(manager, [event]);
  }

  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    const mine = events.filter((e) => this.handles(e));
    if (!mine.length) return;
    const targets = amendmentTargets(mine);
    const stored = targets.length ? await this.loadStates(manager, targets) : new Map<string, FactState>();
    const plan = planFactBatch(this.model, mine, stored);
    await this.insert(manager, plan.opens);
    await this.close(manager, plan.closes);
    await this.afterChanges(manager, plan.applied);
  }

  /** Hook for models that keep something besides fact versions (a registry); called after the rows are written. */
  protected async afterChanges(_manager: EntityManager, _applied: AppliedChanges[]): Promise<void> {}

  /**
   * The latest stored version of each fact (any of its rows that keeps the payload: with a lead row, that one). In a
   * fold, found by the positions of the facts' events (the primary key comes back after it: `foldKeys`).
   */
  async loadStates(manager: EntityManager, factIds: string[]): Promise<Map<string, FactState>> {
    const [by, keys] = this.copying
      ? ['fact_position = ANY($1::bigint[])', [...(await new EventLogReader(manager).positionsOf(factIds)).values()]]
      : ['fact_id = ANY($1::uuid[])', factIds];
    const rows = await manager.query(
      `SELECT DISTINCT ON (fact_id) * FROM ${this.table} WHERE ${by} AND data IS NOT NULL
       ORDER BY fact_id, version DESC`,
      [keys],
    );
    return new Map(rows.map((r: Record<string, unknown>) => [String(r.fact_id), stateFromRow(normalizeRow(r))]));
  }

  async loadState(manager: EntityManager, factId: string): Promise<FactState | null> {
    return isUuid(factId) ? ((await this.loadStates(manager, [factId])).get(factId) ?? null) : null;
  }

  private async insert(manager: EntityManager, opens: FactBatchPlan['opens']): Promise<void> {
    if (this.copying) return this.copy(manager, opens);
    for (let at = 0; at < opens.length; at += FACTS_PER_STATEMENT) {
      const doc = opens.slice(at, at + FACTS_PER_STATEMENT).map(({ fact: f, rows }) => ({
        ...commonValues(f),
        rows: rows.map((r, i) => ({ part: r.part, ...(i === 0 ? r.columns : this.keyColumns(r.columns)) })),
      }));
      // Prepared (parsed and planned once per connection): its plan reads the document and probes the primary key for
      // the conflict, whatever the table's size, so a plan made on an empty table stays right. At the small batches
      // of a quiet desk, planning it cost about as much as running it. The close below joins the table, and its plan
      // depends on the table's size: it is planned each time.
      await write(manager, this.insertSql, [JSON.stringify(doc)], { prepared: true });
    }
  }

  /**
   * The rows the INSERT above would store, by COPY: the same columns and values, NULL where its document has no
   * value, the payload on the lead row only, and of rows sharing a key the first (the INSERT's DO NOTHING keeps it).
   */
  private async copy(manager: EntityManager, opens: FactBatchPlan['opens']): Promise<void> {
    const body = new CopyBody(this.kinds);
    const sources = this.sources;
    // Of rows sharing a key, the first stays (the INSERT's DO NOTHING keeps it).
    const seen = new Set<string>();
    try {
      for (const { fact: f, rows } of opens) {
        const common: Record<string, unknown> = commonValues(f);
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          const key = `${f.factId}|${f.version}|${r.part}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const lead = i === 0;
          for (const { from, name, leadOnly } of sources) {
            if (from === PART) body.add(r.part);
            else if (leadOnly && !lead) body.add(null);
            else body.add(from === COMMON ? common[name] : r.columns[name]);
          }
        }
      }
      await copyRows(manager, this.table, this.columns, body.bytes());
    } finally {
      body.release();
    }
  }

  /** A row's own columns but those only the lead row keeps (absent keys are stored as NULL). */
  private keyColumns(columns: Record<string, unknown>): Record<string, unknown> {
    if (!this.leadOnly.size) return columns;
    return Object.fromEntries(Object.entries(columns).filter(([c]) => !this.leadOnly.has(c)));
  }

  private async close(manager: EntityManager, closes: FactClose[]): Promise<void> {
    if (!closes.length) return;
    const doc = closes.map((c) => ({
      fact_id: c.factId,
      fact_position: c.factPosition,
      version: c.version,
      recorded_to: c.recordedTo,
      position_to: c.positionTo,
      superseded_by: c.by,
      end_reason: c.reason,
    }));
    // In a fold, each version is found by its fact's position (see `loadStates`).
    await write(manager, this.copying ? this.foldCloseSql : this.closeSql, [JSON.stringify(doc)]);
  }
}

/** A version's common columns as its rows store them (those absent: NULL, as `recorded_to` of a version just opened). */
function commonValues(f: FactBatchPlan['opens'][number]['fact']) {
  return {
    fact_id: f.factId,
    version: f.version,
    event_type: f.type,
    subject: f.subject,
    modality: f.modality,
    occurred_at: f.occurredAt,
    valid_from: f.validFrom,
    valid_to: f.validTo,
    recorded_from: f.recordedFrom,
    position_from: f.positionFrom,
    fact_position: f.factPosition,
    change_reason: f.changeReason,
    data: f.data,
    sources: f.sources,
    inferred: f.inferred,
  };
}
