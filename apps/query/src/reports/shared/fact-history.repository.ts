import { DataSource } from 'typeorm';
import { normalizeRow, StoredFactRow } from '@newsroom/projections';
import { FactVersionDto } from './fact.dto';
import { loadCorroboration, type CorroborationMap } from './corroboration.repository';

const TABLE = /^read_model\.[a-z_]+$/;

/**
 * Earlier versions of the given facts as recorded at `knownAt` (all of them when null), newest first; the
 * version a report shows is left out. A version closed after `knownAt` is shown as still open then. Read from a
 * row that keeps the payload (in a table with lead rows, only those do).
 */
async function loadHistory(db: DataSource, table: string, rows: StoredFactRow[], knownAt: string | null): Promise<Map<string, FactVersionDto[]>> {
  if (!TABLE.test(table)) throw new Error(`odd table ${table}`);
  const corrected = rows.filter((r) => Number(r.version) > 1);
  const history = new Map<string, FactVersionDto[]>();
  if (!corrected.length) return history;
  const shown = new Map(corrected.map((r) => [r.fact_id, Number(r.version)]));
  const found = await db.query(
    `SELECT DISTINCT ON (fact_id, version) fact_id, version, occurred_at, data, recorded_from, recorded_to, superseded_by,
       change_reason, end_reason, inferred
     FROM ${table} WHERE fact_id = ANY($1::uuid[]) AND ($2::timestamptz IS NULL OR recorded_from <= $2::timestamptz)
       AND data IS NOT NULL
     ORDER BY fact_id, version DESC`,
    [[...shown.keys()], knownAt],
  );
  for (const raw of found.map((f: Record<string, unknown>) => normalizeRow<StoredFactRow>(f))) {
    if (Number(raw.version) >= (shown.get(raw.fact_id) ?? 0)) continue;
    const closedLater = knownAt !== null && raw.recorded_to !== null && Date.parse(raw.recorded_to) > Date.parse(knownAt);
    const list = history.get(raw.fact_id) ?? [];
    list.push({
      version: Number(raw.version),
      occurredAt: raw.occurred_at,
      data: raw.data,
      recordedFrom: raw.recorded_from,
      recordedTo: closedLater ? null : raw.recorded_to,
      supersededBy: closedLater ? null : raw.superseded_by,
      changeReason: raw.change_reason,
      endReason: closedLater ? null : raw.end_reason,
      inferred: raw.inferred ?? [],
    });
    history.set(raw.fact_id, list);
  }
  return history;
}

/** A page's earlier versions and corroboration (`loadHistory`, `loadCorroboration`), both read at once. */
export async function loadFactExtras(
  db: DataSource,
  table: string,
  rows: StoredFactRow[],
  knownAt: string | null,
): Promise<{ history: Map<string, FactVersionDto[]>; corroboration: CorroborationMap }> {
  const [history, corroboration] = await Promise.all([loadHistory(db, table, rows, knownAt), loadCorroboration(db, rows.map((r) => r.fact_id), knownAt)]);
  return { history, corroboration };
}
