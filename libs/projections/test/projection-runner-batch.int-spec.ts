import { EntityManager } from 'typeorm';
import { LeadershipProjection, ProjectedEvent, Projection, ProjectionRunner, readModelsIncomplete } from '@newsroom/projections';
import { appointed, resetClock } from './support/events.builder';
import { message, recordInStore, runnerTestBed } from './support/runner-input.util';

/** A projection that cannot apply one given event (a poison event for it), whatever path applies it. */
class PickyProjection implements Projection {
  readonly name = 'picky';
  readonly seen: string[] = [];
  batches = 0;
  constructor(private readonly poison: string) {}
  async apply(_m: EntityManager, e: ProjectedEvent) {
    if (e.id === this.poison) throw new Error('cannot apply this one');
    this.seen.push(e.globalPosition);
  }
  async applyMany(m: EntityManager, events: ProjectedEvent[]) {
    this.batches++;
    for (const e of events) await this.apply(m, e);
  }
}

describe('projection runner: a whole batch at once, falling back to event by event', () => {
  let first: ProjectedEvent;
  const bed = runnerTestBed('runner-batch');
  const { topics } = bed;

  const checkpoint = async (name: string) =>
    (
      await bed.ds.query(`SELECT last_position::text AS p FROM read_model.projection_checkpoints WHERE projection = $1 AND topic = $2`, [
        name,
        topics.events,
      ])
    )[0]?.p;

  it('applies a batch whole; when one event fails, redoes it event by event and dead-letters only that one', async () => {
    resetClock(100);
    const events = [appointed('person:a', 'CTO', '2024'), appointed('person:b', 'CFO', '2024'), appointed('person:c', 'COO', '2024')];
    await recordInStore(bed.ds, events);
    first = events[0];
    const picky = new PickyProjection(events[1].id);
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), picky], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
    });
    await runner.handleBatch({ topic: topics.events, partition: 0, messages: events.map((e, i) => message(e, i, topics.events)) });
    expect(
      (await bed.ds.query(`SELECT subject FROM read_model.leadership_events ORDER BY subject`)).map((r: { subject: string }) => r.subject),
    ).toEqual(['person:a', 'person:b', 'person:c']);
    expect(picky.seen.slice(-2)).toEqual(['101', '103']);
    expect(await bed.ds.query(`SELECT projection, position::text FROM read_model.projection_failures`)).toEqual([
      { projection: 'picky', position: '102' },
    ]);
    expect([await checkpoint('leadership'), await checkpoint('picky')]).toEqual(['103', '103']);
  });

  it('finds a poison event in a large batch by halving it: the rest is applied set-based, only that one is dead-lettered', async () => {
    resetClock(300);
    const events = Array.from({ length: 64 }, (_, i) => appointed(`person:big-${i}`, 'CTO', '2024'));
    await recordInStore(bed.ds, events);
    const picky = new PickyProjection(events[41].id);
    const leadership = new LeadershipProjection();
    let leadershipBatches = 0;
    const applyMany = leadership.applyMany.bind(leadership);
    leadership.applyMany = async (m, e) => void (leadershipBatches++, await applyMany(m, e));
    const runner = new ProjectionRunner(bed.ds, [leadership, picky], bed.kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
    await runner.handleBatch({ topic: topics.events, partition: 1, messages: events.map((e, i) => message(e, i, topics.events)) });
    const rows = await bed.ds.query(`SELECT count(*)::int AS n FROM read_model.leadership_events WHERE subject LIKE 'person:big-%'`);
    expect(rows[0].n).toBe(64);
    expect(await bed.ds.query(`SELECT position::text FROM read_model.projection_failures WHERE position > 300`)).toEqual([
      { position: events[41].globalPosition },
    ]);
    // 1 whole + 2 per halving level (6 levels for 64) + the poison event alone; never 64 single events.
    expect(leadershipBatches).toBeLessThanOrEqual(14);
    expect(picky.batches).toBeLessThanOrEqual(13);
  });

  it('keeps a batch invisible to other connections until it commits, leadership runs refresh included', async () => {
    resetClock(500);
    const events = Array.from({ length: 40 }, (_, i) => appointed(`person:peek-${i}`, 'CTO', `2024-0${1 + (i % 9)}`));
    await recordInStore(bed.ds, events);
    // Applied after the leadership projection, in the batch's transaction: counts what another connection sees.
    const seenOutside: number[] = [];
    const peek: Projection = {
      name: 'peek',
      apply: async () => undefined,
      applyMany: async () => {
        const [{ n }] = await bed.ds.query(`SELECT count(*)::int AS n FROM read_model.leadership_runs WHERE subject LIKE 'person:peek-%'`);
        seenOutside.push(n);
      },
    };
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), peek], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
    });
    await runner.handleBatch({ topic: topics.events, partition: 2, messages: events.map((e, i) => message(e, i, topics.events)) });
    expect(seenOutside).toEqual([0]);
    const [{ n }] = await bed.ds.query(`SELECT count(*)::int AS n FROM read_model.leadership_runs WHERE subject LIKE 'person:peek-%'`);
    expect(n).toBeGreaterThan(0);
  });

  it('skips what it applied before and never moves a checkpoint back when a republished batch mixes old and new', async () => {
    resetClock(200);
    const [d, e] = [appointed('person:d', 'CTO', '2025'), appointed('person:e', 'CTO', '2025')];
    await recordInStore(bed.ds, [d, e]);
    const old = first; // position 101 again: a relay republish
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection()], bed.kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
    await runner.handleBatch({
      topic: topics.events,
      partition: 0,
      messages: [message(d, 10, topics.events), message(old, 11, topics.events), message(e, 12, topics.events)],
    });
    expect(await checkpoint('leadership')).toBe('202');
    expect((await bed.ds.query(`SELECT count(*)::int AS n FROM read_model.leadership_events WHERE subject = 'person:a'`))[0].n).toBe(1);
    await runner.handleBatch({
      topic: topics.events,
      partition: 0,
      messages: [message(old, 13, topics.events), message(d, 14, topics.events)],
    });
    expect(await checkpoint('leadership')).toBe('202');
  });

  it('given a read model emptied by hand while it runs, then the next batch records its backfill with its fresh checkpoint and says so once', async () => {
    resetClock(700);
    const lost: Array<{ names: string[]; partition: number }> = [];
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection()], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      onCheckpointsLost: (names, _topic, partition) => lost.push({ names, partition }),
    });
    const events = [
      appointed('person:lost-a', 'CTO', '2024'),
      appointed('person:lost-b', 'CFO', '2024'),
      appointed('person:lost-c', 'COO', '2024'),
    ];
    await recordInStore(bed.ds, events);
    const batch = (i: number) =>
      runner.handleBatch({ topic: topics.events, partition: 5, messages: [message(events[i], i, topics.events)] });
    const at5 = async () =>
      (
        await bed.ds.query(
          `SELECT last_position::text AS p FROM read_model.projection_checkpoints WHERE projection = 'leadership' AND topic = $1 AND partition = 5`,
          [topics.events],
        )
      )[0]?.p;
    const intents = () => bed.ds.query(`SELECT projection, reason FROM read_model.projection_backfills`);
    await batch(0);
    expect(await at5()).toBe(events[0].globalPosition);
    expect(lost).toEqual([]);
    expect(await intents()).toEqual([]);

    // Its checkpoints deleted by hand (as with its rows) between two batches.
    await bed.ds.query(`DELETE FROM read_model.projection_checkpoints WHERE projection = 'leadership' AND partition = 5`);
    await batch(1);
    expect(await at5()).toBe(events[1].globalPosition);
    expect(await intents()).toEqual([{ projection: 'leadership', reason: 'its checkpoints vanished while the projector ran' }]);
    expect(lost).toEqual([{ names: ['leadership'], partition: 5 }]);
    // Its reports say they are partial (until a rebuild's swap deletes the intent), though it has a checkpoint again.
    expect(await readModelsIncomplete(bed.ds, ['leadership'])).toEqual(['leadership']);

    // The next batch finds its checkpoint where it left it: nothing lost again.
    await batch(2);
    expect(lost).toHaveLength(1);
    expect(await at5()).toBe(events[2].globalPosition);
    await bed.ds.query(`DELETE FROM read_model.projection_backfills`);
  });
});
