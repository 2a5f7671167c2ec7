import { DataSource } from 'typeorm';
import type { AttachedWord } from '@newsroom/domain';
import type { AttachedWords } from '@newsroom/projections';
import { SqlParams } from '../shared/sql.builder';

/**
 * SQL rows `(outlet, stance)`: each outlet's latest word among the stories attached to the fact `factId` (an SQL
 * expression) with `POST /v1/events/{id}/sources`, recorded by `knownAt`. Read from the fact's feed item, which keeps
 * every outlet's word on it in the order recorded (read_model.feed_items.corroboration); an attached story's entry is
 * the one whose id is its event's id alone (the fact's and its corrections' own sources are `<event id>:<index>`).
 */
function attachedWordsSql(factId: string, knownAt: string | null, p: SqlParams): string {
  const known = knownAt ? ` AND (x.e->>'recordedAt')::timestamptz <= ${p.add(knownAt, '::timestamptz')}` : '';
  return `SELECT DISTINCT ON (x.e->>'key') x.e->>'key' AS outlet, x.e->>'stance' AS stance
    FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
    WHERE f.event_id = ${factId} AND strpos(x.e->>'id', ':') = 0${known}
    ORDER BY x.e->>'key', x.n DESC`;
}

/**
 * SQL: whether the stories attached to the fact `factId` (an SQL expression) confirm it, as recorded at `knownAt`
 * (rumourConfirmed: some outlet's latest word confirms it, none denies it). The lawsuits' rumoured steps and the
 * leadership roster's rumoured appointments count once this holds.
 */
export function rumourConfirmedSql(factId: string, knownAt: string | null, p: SqlParams): string {
  const words = attachedWordsSql(factId, knownAt, p);
  return `coalesce((SELECT bool_or(w.stance = 'confirms') AND NOT bool_or(w.stance = 'denies') FROM (${words}) w), false)`;
}

/**
 * SQL: whether the case step `alias` sets its case's status, as summarizeCase and the case rules count it: not
 * denied, and not a rumour unless the stories attached to it confirm it (`rumourConfirmedSql`), as recorded at
 * `knownAt`. The words are read for rumoured steps only.
 */
export function stepSetsStatusSql(alias: string, knownAt: string | null, p: SqlParams): string {
  return `(${alias}.modality <> 'denied' AND (${alias}.modality <> 'rumored' OR ${rumourConfirmedSql(`${alias}.fact_id`, knownAt, p)}))`;
}

/** The words of the stories attached to the given (rumoured) steps, as recorded at `knownAt`, for summarizeCase. */
export async function loadAttachedWords(db: DataSource, factIds: readonly string[], knownAt: string | null): Promise<AttachedWords> {
  const words = new Map<string, AttachedWord[]>();
  if (!factIds.length) return words;
  const p = new SqlParams();
  const ids = p.add([...new Set(factIds)], '::uuid[]');
  const rows: Array<{ fact_id: string; outlet: string; stance: AttachedWord[1] }> = await db.query(
    `SELECT s.fact_id, w.outlet, w.stance FROM unnest(${ids}) AS s(fact_id) CROSS JOIN LATERAL (${attachedWordsSql('s.fact_id', knownAt, p)}) w`,
    p.values,
  );
  for (const r of rows) words.set(r.fact_id, [...(words.get(r.fact_id) ?? []), [r.outlet, r.stance]]);
  return words;
}
