import { DataSource } from 'typeorm';
import { corroborationOf, type Corroboration } from '@newsroom/domain';
import { entriesKnownAt, type CorroborationRecord } from '@newsroom/projections';
import { SqlParams } from './sql.builder';

export type CorroborationMap = Map<string, Corroboration>;

const NONE: Corroboration = { outlets: 0, confirms: 0, denies: 0, firstReportedAt: null, latestReportedAt: null };

/** A fact's corroboration from the map (no entries: nothing counted). */
export const corroborationIn = (map: CorroborationMap, factId: string): Corroboration => map.get(factId) ?? NONE;

/**
 * The corroboration of the given facts as recorded at `knownAt` (all entries when null): the feed read model keeps
 * each fact's entries (its own sources and the ones attached later) on the fact's own item.
 */
export async function loadCorroboration(db: DataSource, factIds: readonly string[], knownAt: string | null): Promise<CorroborationMap> {
  const map: CorroborationMap = new Map();
  const ids = [...new Set(factIds)];
  if (!ids.length) return map;
  const found: Array<{ event_id: string; corroboration: CorroborationRecord[] | null }> = await db.query(
    `SELECT event_id, corroboration FROM read_model.feed_items WHERE event_id = ANY($1::uuid[])`,
    [ids],
  );
  for (const r of found) map.set(r.event_id, corroborationOf(entriesKnownAt(r.corroboration ?? [], knownAt)));
  return map;
}

/** SQL: the fact (`factId`, an SQL expression) has at least `minOutlets` distinct outlets as recorded at `knownAt`. */
export function minOutletsSql(factId: string, minOutlets: number | null | undefined, knownAt: string | null, p: SqlParams): string {
  if (!minOutlets) return 'true';
  const known = knownAt ? ` AND (e->>'recordedAt')::timestamptz <= ${p.add(knownAt, '::timestamptz')}` : '';
  return `(SELECT count(DISTINCT e->>'key') FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e
    WHERE f.event_id = ${factId}${known}) >= ${p.add(minOutlets, '::int')}`;
}
