import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../../database/read-database.module';
import { SqlParams } from './sql.builder';

/** fact id -> ids of the conflicts it is a side of (open at knownAt). */
type ConflictsWithMap = Map<string, string[]>;

/** A fact's conflicts from the map ([] when none). */
const conflictsWithIn = (map: ConflictsWithMap, factId: string): string[] => map.get(factId) ?? [];

/**
 * SQL over `c` (read_model.conflicts): the conflict was open at `knownAt` (now without it): its latest state recorded
 * by then (read_model.conflict_states: one per opening and closing, a reopening's earlier periods kept) is open.
 */
function openAtSql(knownAt: string | null, p: SqlParams): string {
  if (!knownAt) return `c.status = 'open'`;
  return `(SELECT cs.status FROM read_model.conflict_states cs WHERE cs.conflict_id = c.conflict_id
    AND cs.from_at <= ${p.add(knownAt, '::timestamptz')} ORDER BY cs.from_position DESC LIMIT 1) = 'open'`;
}

/**
 * `conflictsWith` of report items: the ids of the conflicts each fact is a side of, open at `knownAt` (now when
 * null), in the order they opened. The ids are those of GET /v1/reports/conflicts.
 */
async function loadConflictsWith(db: DataSource, factIds: readonly string[], knownAt: string | null): Promise<ConflictsWithMap> {
  const map: ConflictsWithMap = new Map();
  const ids = [...new Set(factIds)];
  if (!ids.length) return map;
  const p = new SqlParams();
  const facts = p.add(ids, '::uuid[]');
  const rows: Array<{ fact_id: string; conflict_id: string }> = await db.query(
    `SELECT s.fact_id, c.conflict_id FROM read_model.conflicts c
     CROSS JOIN LATERAL (VALUES (c.a_event_id), (c.b_event_id)) AS s(fact_id)
     WHERE (c.a_event_id = ANY(${facts}) OR c.b_event_id = ANY(${facts})) AND s.fact_id = ANY(${facts}) AND ${openAtSql(knownAt, p)}
     ORDER BY c.opened_position, c.conflict_id`,
    p.values,
  );
  for (const r of rows) map.set(r.fact_id, [...(map.get(r.fact_id) ?? []), r.conflict_id]);
  return map;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fact id of a report node that is a fact (it carries corroboration): `factId`, or `eventId` for a bound or step. */
function factIdOf(node: Json): string | null {
  if (!('corroboration' in node)) return null;
  const id = node.factId ?? node.eventId;
  return typeof id === 'string' ? id : null;
}

function factNodes(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const v of value) factNodes(v, found);
  else if (isObject(value)) {
    if (factIdOf(value)) found.push(value);
    for (const v of Object.values(value)) factNodes(v, found);
  }
  return found;
}

/**
 * Sets `conflictsWith` on every fact of an answer (a node carrying `corroboration`: items, tenure bounds, case steps),
 * open at the answer's `knownAt` (now without it): one query for the whole page. The interceptor does it for JSON; a
 * CSV view does it before it writes its `conflicts_with` columns, so a disputed figure looks disputed in a sheet too.
 */
@Injectable()
export class ConflictsWithRepository {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async attach(body: unknown): Promise<void> {
    if (!isObject(body)) return;
    const nodes = factNodes(body);
    if (!nodes.length) return;
    const knownAt = typeof body.knownAt === 'string' ? body.knownAt : null;
    const map = await loadConflictsWith(this.db, nodes.map((n) => factIdOf(n)!), knownAt);
    for (const node of nodes) node.conflictsWith = conflictsWithIn(map, factIdOf(node)!);
  }
}
