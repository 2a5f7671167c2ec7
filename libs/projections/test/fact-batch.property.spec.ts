import fc from 'fast-check';
import {
  amendmentTargets,
  departuresModel,
  FactModel,
  financialsModel,
  lawsuitsModel,
  leadershipModel,
  planFactBatch,
  ProjectedEvent,
  sourcesModel,
  timelineModel,
} from '@newsroom/projections';
import { appointed, correction, resetClock, retraction } from './support/events.builder';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { buildLog, deliveries, stepArb } from './support/random-story.fixture';

const MODELS: Record<string, FactModel> = { leadershipModel, departuresModel, lawsuitsModel, financialsModel, timelineModel, sourcesModel };

/** Cuts a delivery into batches of the given sizes (cycling), as Kafka hands a partition's messages over. */
function batches(events: ProjectedEvent[], sizes: number[]): ProjectedEvent[][] {
  const out: ProjectedEvent[][] = [];
  for (let at = 0, k = 0; at < events.length; k++) {
    const size = sizes.length ? sizes[k % sizes.length] : events.length;
    out.push(events.slice(at, at + size));
    at += size;
  }
  return out;
}

describe('property: a batch planned at once writes what applying its events one by one writes', () => {
  it('for random stories, deliveries with replays and any cut into batches, the rows are the same', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 10 }),
        (steps, picks, redeliver, sizes) => {
          const delivered = deliveries(buildLog(steps), picks, redeliver);
          for (const [name, model] of Object.entries(MODELS)) {
            const oneByOne = new InMemoryFactTable(model).applyAll(delivered).snapshot();
            const batched = batches(delivered, sizes)
              .reduce((t, b) => t.applyBatch(b), new InMemoryFactTable(model))
              .snapshot();
            expect({ name, rows: batched }).toEqual({ name, rows: oneByOne });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a correction after its fact in the same batch closes the version that fact opened, and a later retraction the next one', () => {
    resetClock(0);
    const fact = appointed('person:a', 'CTO', '2024-05');
    const fix = correction(fact, { occurredAt: '2024-06' });
    const gone = retraction(fact);
    const plan = planFactBatch(leadershipModel, [fact, fix, gone], new Map());
    expect(plan.opens.map((o) => [o.fact.version, o.fact.occurredAt])).toEqual([
      [1, '2024-05'],
      [2, '2024-06'],
    ]);
    expect(plan.closes.map((c) => [c.version, c.by, c.positionTo])).toEqual([
      [1, 'corrected', fix.globalPosition],
      [2, 'retracted', gone.globalPosition],
    ]);
    expect(amendmentTargets([fact, fix, gone, { ...fix, data: { targetEventId: 'not-a-uuid' } } as ProjectedEvent])).toEqual([fact.id]);
  });

  it('a replayed fact already stored does not hide its stored state from an amendment in the same batch', () => {
    resetClock(0);
    const fact = appointed('person:a', 'CTO', '2024-05');
    const fix = correction(fact, { occurredAt: '2024-06' });
    const stored = new InMemoryFactTable(leadershipModel).applyAll([fact, fix]);
    const again = correction(fact, { occurredAt: '2024-07' });
    const state = new Map([[fact.id, stored.stateOf(fact.id)!]]);
    const plan = planFactBatch(leadershipModel, [fact, again], state);
    // The replayed first version is written if absent (it is not); the new correction closes version 2, not 1.
    expect(plan.closes.map((c) => c.version)).toEqual([2]);
    expect(plan.opens.map((o) => o.fact.version)).toEqual([1, 3]);
  });
});
