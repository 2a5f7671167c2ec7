import { EntityManager } from 'typeorm';
import { LeadershipProjection, ProjectedEvent, Projection, ProjectionRunner } from '@newsroom/projections';
import { appointed, resetClock } from './support/events.builder';
import { message, recordInStore, runnerTestBed } from './support/runner-input.util';

/** Counts the runner's calls and what each held; refuses one event when told to (a poison event for it). */
class CountingProjection implements Projection {
  readonly name = 'counting';
  readonly calls: string[][] = [];
  poison: string | null = null;
  async apply(_m: EntityManager, e: ProjectedEvent) {
    if (e.id === this.poison) throw new Error('cannot apply this one');
  }
  async applyMany(m: EntityManager, events: ProjectedEvent[]) {
    this.calls.push(events.map((e) => e.globalPosition));
    for (const e of events) await this.apply(m, e);
  }
}

/**
 * The small batches kafkajs hands over together (one fetch, a handler per partition) share one transaction and one
 * write per read model; whatever a batch needs alone (a poison event, an unreadable message) it gets, and the
 * group's other batches are applied all the same.
 */
describe('projection runner: small batches of one fetch applied together', () => {
  const bed = runnerTestBed('runner-group');
  const { topics } = bed;

  // Each test its own topic: its checkpoints start empty, and its offsets need not follow another test's.
  const topic = (test: string) => `${topics.events}.${test}`;
  const checkpoints = async (name: string, test: string): Promise<Record<string, string>> =>
    Object.fromEntries(
      (
        await bed.ds.query(
          `SELECT partition, last_position::text AS p FROM read_model.projection_checkpoints WHERE projection = $1 AND topic = $2`,
          [name, topic(test)],
        )
      ).map((r: { partition: number; p: string }) => [String(r.partition), r.p]),
    );
  const subjects = async (like: string): Promise<string[]> =>
    (await bed.ds.query(`SELECT subject FROM read_model.leadership_events WHERE subject LIKE $1 ORDER BY subject`, [like])).map(
      (r: { subject: string }) => r.subject,
    );
  /** Three partitions' batches, handed over at once as kafkajs's concurrent handlers do. */
  const handTogether = (runner: ProjectionRunner, test: string, byPartition: ProjectedEvent[][]) =>
    Promise.all(
      byPartition.map((events, partition) =>
        runner.handleBatch({
          topic: topic(test),
          partition,
          messages: events.map((e, i) => message(e, i, topic(test), partition)),
        }),
      ),
    );

  it('applies the batches of one fetch in one write per read model, in log order, and moves every partition on', async () => {
    resetClock(100);
    const events = Array.from({ length: 9 }, (_, i) => appointed(`person:group-${i}`, 'CTO', '2024'));
    await recordInStore(bed.ds, events);
    const counting = new CountingProjection();
    const applied: Array<[string, number]> = [];
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), counting], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      groupBatchesUpTo: 100,
      onApplied: (name, n) => applied.push([name, n]),
    });
    // Positions 101..109 spread over three partitions as a relay would (each partition in log order).
    const byPartition = [0, 1, 2].map((p) => events.filter((_, i) => i % 3 === p));
    await handTogether(runner, 'fetch', byPartition);
    expect(counting.calls).toEqual([events.map((e) => e.globalPosition)]);
    expect(applied).toEqual([
      ['leadership', 9],
      ['counting', 9],
    ]);
    expect(await subjects('person:group-%')).toEqual(events.map((e) => e.subject).sort());
    expect(await checkpoints('leadership', 'fetch')).toEqual({ '0': '107', '1': '108', '2': '109' });
    expect(await checkpoints('counting', 'fetch')).toEqual({ '0': '107', '1': '108', '2': '109' });

    // Delivered again (a rebalance before the offsets were committed): nothing applied twice, nothing moved back.
    await handTogether(runner, 'fetch', byPartition);
    expect(counting.calls).toHaveLength(1);
    expect(await subjects('person:group-%')).toHaveLength(9);
    expect(await checkpoints('leadership', 'fetch')).toEqual({ '0': '107', '1': '108', '2': '109' });
  });

  it('applies a poisoned batch alone and carefully: the other partitions keep every event, only the poison is dead-lettered', async () => {
    resetClock(200);
    const events = Array.from({ length: 6 }, (_, i) => appointed(`person:poison-${i}`, 'CFO', '2024'));
    await recordInStore(bed.ds, events);
    const counting = new CountingProjection();
    counting.poison = events[4].id; // position 205, on partition 1
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), counting], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      groupBatchesUpTo: 100,
    });
    await handTogether(runner, 'poison', [
      [events[0], events[3]],
      [events[1], events[4]],
      [events[2], events[5]],
    ]);
    expect(await subjects('person:poison-%')).toHaveLength(6);
    expect(await bed.ds.query(`SELECT projection, position::text FROM read_model.projection_failures WHERE position > 200`)).toEqual([
      { projection: 'counting', position: '205' },
    ]);
    expect(await checkpoints('counting', 'poison')).toEqual({ '0': '204', '1': '205', '2': '206' });
  });

  it('takes an unreadable message in its own batch’s transaction, recorded as failed, and the group’s other batches whole', async () => {
    resetClock(300);
    const events = Array.from({ length: 4 }, (_, i) => appointed(`person:odd-${i}`, 'COO', '2024'));
    // A schema version this build cannot read: the projections record it as failed and move past it.
    const unreadable = { ...events[1], schemaVersion: 99 };
    await recordInStore(bed.ds, [events[0], unreadable, events[2], events[3]]);
    const counting = new CountingProjection();
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), counting], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      groupBatchesUpTo: 100,
    });
    await handTogether(runner, 'unreadable', [[events[0], events[2]], [unreadable], [events[3]]]);
    expect(await subjects('person:odd-%')).toEqual(['person:odd-0', 'person:odd-2', 'person:odd-3']);
    expect(
      await bed.ds.query(`SELECT projection, position::text FROM read_model.projection_failures WHERE position > 300 ORDER BY projection`),
    ).toEqual([
      { projection: 'counting', position: '302' },
      { projection: 'leadership', position: '302' },
    ]);
    expect(await checkpoints('leadership', 'unreadable')).toEqual({ '0': '303', '1': '302', '2': '304' });
  });

  it('never puts two batches of one partition in one transaction: the later waits for the next group, in order', async () => {
    resetClock(400);
    const events = Array.from({ length: 4 }, (_, i) => appointed(`person:twice-${i}`, 'CTO', `2024-0${i + 1}`));
    await recordInStore(bed.ds, events);
    const counting = new CountingProjection();
    const runner = new ProjectionRunner(bed.ds, [new LeadershipProjection(), counting], bed.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      groupBatchesUpTo: 100,
    });
    const batch = (from: number, to: number, partition: number) => ({
      topic: topic('twice'),
      partition,
      messages: events.slice(from, to).map((e, i) => message(e, partition ? i : from + i, topic('twice'), partition)),
    });
    await Promise.all([runner.handleBatch(batch(0, 2, 0)), runner.handleBatch(batch(2, 3, 0)), runner.handleBatch(batch(3, 4, 1))]);
    expect(counting.calls).toEqual([['401', '402', '404'], ['403']]);
    expect(await checkpoints('counting', 'twice')).toEqual({ '0': '403', '1': '404' });
  });

  it('applies every batch alone when grouping is off (groupBatchesUpTo 0, the default)', async () => {
    resetClock(500);
    const events = Array.from({ length: 3 }, (_, i) => appointed(`person:alone-${i}`, 'CTO', '2024'));
    await recordInStore(bed.ds, events);
    const counting = new CountingProjection();
    const runner = new ProjectionRunner(bed.ds, [counting], bed.kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
    await handTogether(
      runner,
      'off',
      events.map((e) => [e]),
    );
    expect(counting.calls.sort()).toEqual([['501'], ['502'], ['503']]);
  });
});
