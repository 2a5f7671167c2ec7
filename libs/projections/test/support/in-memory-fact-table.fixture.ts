import { isAmendment } from '@newsroom/domain';
import {
  amendmentTargets,
  concerns,
  evolveFact,
  FactChange,
  FactModel,
  FactState,
  isVisible,
  planFactBatch,
  ProjectedEvent,
  stateFromRow,
  StoredFactRow,
  toStoredRows,
} from '@newsroom/projections';

/** The fact-version table of one model kept in memory, applying the same changes the SQL adapter writes. */
export class InMemoryFactTable {
  readonly rows = new Map<string, StoredFactRow>();

  constructor(private readonly model: FactModel) {}

  stateOf(factId: string): FactState | null {
    let latest: StoredFactRow | null = null;
    for (const r of this.rows.values()) if (r.fact_id === factId && (!latest || r.version > latest.version)) latest = r;
    return latest ? stateFromRow(latest) : null;
  }

  apply(event: ProjectedEvent): FactChange[] {
    if (!concerns(this.model, event)) return [];
    const target = isAmendment(event) ? event.data?.targetEventId : null;
    const changes = evolveFact(this.model, target ? this.stateOf(target) : null, event);
    for (const c of changes) this.write(c);
    return changes;
  }

  /** A whole batch the way the SQL adapter applies it: targets' states read once, then every insert, then closes. */
  applyBatch(events: ProjectedEvent[]): this {
    const mine = events.filter((e) => concerns(this.model, e));
    const stored = new Map<string, FactState>();
    for (const id of amendmentTargets(mine)) {
      const state = this.stateOf(id);
      if (state) stored.set(id, state);
    }
    const plan = planFactBatch(this.model, mine, stored);
    for (const open of plan.opens) this.write({ kind: 'open', ...open });
    for (const close of plan.closes) this.write(close);
    return this;
  }

  private write(c: FactChange): void {
    if (c.kind === 'open') {
      for (const r of toStoredRows(c.fact, c.rows)) {
        const key = `${r.fact_id}|${r.version}|${r.part}`;
        if (!this.rows.has(key)) this.rows.set(key, r);
      }
    } else {
      for (const r of this.rows.values()) {
        if (r.fact_id === c.factId && r.version === c.version && r.recorded_to === null) {
          Object.assign(r, { recorded_to: c.recordedTo, position_to: c.positionTo, superseded_by: c.by, end_reason: c.reason });
        }
      }
    }
  }

  applyAll(events: ProjectedEvent[]): this {
    events.forEach((e) => this.apply(e));
    return this;
  }

  /** Rows as recorded at `knownAt` (null = now). */
  visible<T = StoredFactRow>(knownAt: string | null = null): T[] {
    return [...this.rows.values()].filter((r) => isVisible(r, knownAt)).map((r) => ({ ...r }) as unknown as T);
  }

  snapshot(): StoredFactRow[] {
    return [...this.rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => ({ ...r }));
  }
}
