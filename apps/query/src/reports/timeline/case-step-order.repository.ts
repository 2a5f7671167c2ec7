import { DataSource } from 'typeorm';
import { caseStepsInOrder, normalizeRow, type StoredFactRow } from '@newsroom/projections';
import { loadAttachedWords } from '../shared/rumour-words.repository';
import { SqlParams, visibleAt } from '../shared/sql.builder';

type Row = StoredFactRow & { mention: string; mention_role: string };
const STEP = 'lawsuit.status_changed';

/**
 * A page's case steps in the order the lawsuits report gives them (caseStepsInOrder: a step whose date overlaps
 * another's, "2025" and 2025-03, stands as recorded, not by its date's start). The timeline pages by each row's own
 * key, so a case's steps keep the places they take there (the keys, the cursor) and fill them in that order: the
 * i-th place of a case's steps that pass the filters holds the i-th of them in the case's order, whichever page it
 * falls on. `slotsOf` reads a case's steps that pass the page's filters, in the timeline's order; the order is read
 * from every step standing at `knownAt`, as the report reads it.
 */
export async function inCaseStepOrder<T extends Row>(
  db: DataSource,
  page: T[],
  knownAt: string | null,
  slotsOf: (cases: string[]) => Promise<T[]>,
): Promise<T[]> {
  const cases = [...new Set(page.filter((r) => r.event_type === STEP).map((r) => r.subject))];
  if (!cases.length) return page;
  const p = new SqlParams();
  // A fact's primary row is its subject's (mention = subject): the mention index finds a case's steps.
  const standing: StoredFactRow[] = (
    await db.query(
      `SELECT t.* FROM read_model.timeline_facts t WHERE t.is_primary AND t.event_type = '${STEP}'
       AND t.mention = ANY(${p.add(cases, '::text[]')}) AND ${visibleAt('t', knownAt, p)}`,
      p.values,
    )
  ).map((r: Record<string, unknown>) => normalizeRow<StoredFactRow>(r));
  const rumours = standing.filter((r) => r.modality === 'rumored').map((r) => r.fact_id);
  const words = await loadAttachedWords(db, rumours, knownAt);
  const rank = new Map<string, number>();
  for (const c of cases) caseStepsInOrder(standing.filter((r) => r.subject === c), words).forEach((r, i) => rank.set(r.fact_id, i));
  // Each place's step: the case's filtered steps, in the timeline's order (the places) and in the case's (the steps).
  const placed = new Map<string, T>();
  const slots = await slotsOf(cases);
  for (const c of cases) {
    const places = slots.filter((r) => r.subject === c);
    const steps = [...places].sort((a, b) => (rank.get(a.fact_id) ?? 0) - (rank.get(b.fact_id) ?? 0));
    places.forEach((place, i) => placed.set(place.fact_id, steps[i]));
  }
  return page.map((r) => {
    const step = r.event_type === STEP ? placed.get(r.fact_id) : undefined;
    return step ? { ...step, mention: r.mention, mention_role: r.mention_role } : r;
  });
}
