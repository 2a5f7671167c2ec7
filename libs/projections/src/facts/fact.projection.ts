import { EntityManager } from 'typeorm';
import type { Projection } from '../projection';
import type { ProjectedEvent } from '../projected-event';
import type { FactModel } from './fact-model';
import { concerns, evolveFact } from './fact.evolve';
import { COMMON_FACT_COLUMNS, FactChange, FactState, StoredFactRow, stateFromRow, toStoredRows } from './fact-version';
import { normalizeRow } from './stored-row.normalize';

const COMMON_JSON = new Set(['data', 'sources']);
// Postgres binds at most 65535 parameters per statement; rows have about 30 columns.
const ROWS_PER_INSERT = 1000;

export interface AppliedChanges {
  event: ProjectedEvent;
  changes: FactChange[];
}

/**
 * The thin persistence adapter shared by the bitemporal read models: loads the targeted fact's latest version
 * for an amendment, runs the model's pure evolve and writes the changes. Inserts are keyed by
 * (fact_id, version, part) and closes only touch standing rows, so applying an event twice changes nothing.
 * `tableSuffix` points the adapter at shadow tables (`_next`) during a rebuild.
 */
export class FactProjection implements Projection {
  readonly tables: readonly string[];
  protected readonly table: string;

  constructor(
    readonly name: string,
    protected readonly model: FactModel,
    baseTable: string,
    protected readonly tableSuffix = '',
    extraTables: readonly string[] = [],
  ) {
    this.tables = [baseTable, ...extraTables];
    this.table = `read_model.${baseTable}${tableSuffix}`;
  }

  handles(event: ProjectedEvent): boolean {
    return concerns(this.model, event);
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    await this.applyMany(manager, [event]);
  }

  /** New facts need no state, so their rows are gathered and written together; an amendment flushes first. */
  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    let pending: StoredFactRow[] = [];
    let applied: AppliedChanges[] = [];
    const flush = async () => {
      await this.insert(manager, pending);
      await this.afterChanges(manager, applied);
      pending = [];
      applied = [];
    };
    for (const event of events) {
      if (!this.handles(event)) continue;
      const targetId = event.type.startsWith('event.') ? event.data?.targetEventId : null;
      if (targetId) await flush();
      const changes = evolveFact(this.model, targetId ? await this.loadState(manager, targetId) : null, event);
      for (const change of changes) {
        if (change.kind === 'close') await this.close(manager, change);
        else pending.push(...toStoredRows(change.fact, change.rows));
      }
      applied.push({ event, changes });
    }
    await flush();
  }

  /** Hook for models that keep something besides fact versions (a registry); called after the rows are written. */
  protected async afterChanges(_manager: EntityManager, _applied: AppliedChanges[]): Promise<void> {}

  async loadState(manager: EntityManager, factId: string): Promise<FactState | null> {
    if (!/^[0-9a-f-]{36}$/i.test(String(factId))) return null;
    const rows = await manager.query(`SELECT * FROM ${this.table} WHERE fact_id = $1 ORDER BY version DESC LIMIT 1`, [factId]);
    return rows.length ? stateFromRow(normalizeRow(rows[0])) : null;
  }

  private async close(manager: EntityManager, c: Extract<FactChange, { kind: 'close' }>): Promise<void> {
    await manager.query(
      `UPDATE ${this.table} SET recorded_to = $3, position_to = $4, superseded_by = $5, end_reason = $6
       WHERE fact_id = $1 AND version = $2 AND recorded_to IS NULL`,
      [c.factId, c.version, c.recordedTo, c.positionTo, c.by, c.reason],
    );
  }

  private async insert(manager: EntityManager, rows: StoredFactRow[]): Promise<void> {
    const columns = [...COMMON_FACT_COLUMNS, ...Object.keys(this.model.columns)];
    for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
      const params: unknown[] = [];
      const tuples = rows.slice(at, at + ROWS_PER_INSERT).map((row) => {
        const slots = columns.map((col) => {
          const value = row[col] ?? null;
          params.push(value !== null && (COMMON_JSON.has(col) || this.model.columns[col] === 'json') ? JSON.stringify(value) : value);
          return `$${params.length}`;
        });
        return `(${slots.join(', ')})`;
      });
      await manager.query(
        `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (fact_id, version, part) DO NOTHING`,
        params,
      );
    }
  }
}
