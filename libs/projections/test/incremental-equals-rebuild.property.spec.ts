import fc from 'fast-check';
import {
  departuresModel, EntitySighting, evolveEntities, FactModel, financialsModel, lawsuitsModel, leadershipModel, ProjectedEvent,
  sourcesModel, timelineModel,
} from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { buildLog, deliveries, stepArb } from './support/random-story.fixture';

const MODELS: Record<string, FactModel> = { leadershipModel, departuresModel, lawsuitsModel, financialsModel, timelineModel, sourcesModel };
class InMemoryEntities {
  readonly rows = new Map<string, EntitySighting & { last: string }>();
  apply(e: ProjectedEvent): this {
    for (const s of evolveEntities(e)) {
      const r = this.rows.get(s.subject);
      const lower = !r || Number(s.position) < Number(r.position);
      this.rows.set(s.subject, { ...(lower ? s : r!), last: String(Math.max(Number(r?.last ?? 0), Number(s.position))) });
    }
    return this;
  }
}

const fold = (model: FactModel, events: ProjectedEvent[]) => new InMemoryFactTable(model).applyAll(events).snapshot();

describe('property: incremental projection equals a rebuild, and redelivery changes nothing', () => {
  it('for random valid streams, any partition interleaving with replays gives the rebuild state', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 80 }), (steps, picks, redeliver) => {
        const log = buildLog(steps);
        const incremental = deliveries(log, picks, redeliver);
        for (const [name, model] of Object.entries(MODELS)) {
          expect({ name, rows: fold(model, incremental) }).toEqual({ name, rows: fold(model, log) });
        }
        const entities = (events: ProjectedEvent[]) => [...events.reduce((m, e) => m.apply(e), new InMemoryEntities()).rows.entries()].sort();
        expect(entities(incremental)).toEqual(entities(log));
      }),
      { numRuns: 150 },
    );
  });

  it('after a full fold, redelivering any prefix of the log changes nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.nat(), (steps, cut) => {
        const log = buildLog(steps);
        const prefix = log.slice(0, (cut % log.length) + 1);
        for (const model of Object.values(MODELS)) {
          const table = new InMemoryFactTable(model).applyAll(log);
          const before = table.snapshot();
          table.applyAll(prefix);
          expect(table.snapshot()).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});
