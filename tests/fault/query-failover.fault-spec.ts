import {
  checkKafka,
  checkReadModels,
  checkStore,
  checkSubscriber,
  createFaultWorld,
  FaultStack,
  FaultWorld,
  feedPositions,
  LoadGenerator,
  pollUntil,
  report,
  ResumingSseSubscriber,
  waitCaughtUp,
} from '@newsroom/testing';
import { seconds } from './fault-checks.util';

/**
 * Issue 10, scenario 3: two query instances behind no sticky balancer. SSE subscribers of both see the same
 * sequence; kill -9 one instance while events are ingested: its clients resume on the other (Last-Event-ID)
 * with no gap and no duplicate.
 */
describe('fault: kill -9 one of two query instances', () => {
  let world: FaultWorld | undefined;
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    world = await createFaultWorld('query_failover');
    stack = await FaultStack.start({ label: 'query-failover', databaseUrl: world.db.url, brokers: world.brokers });
    await stack.startInstance('query');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await world?.destroy();
  }, 60_000);

  it('resumes the dead instance’s clients on the other one, with no gap and no duplicate', async () => {
    // The balancer: instance 0 while it lives, then instance 1.
    const onA = () => (stack!.isAlive('query', 0) ? stack!.url('query', 0) : stack!.url('query', 1));
    const onB = () => stack!.url('query', 1);
    const filtered = 'types=executive.departed,executive.appointed';
    const subsA = [
      ...Array.from({ length: 4 }, () => new ResumingSseSubscriber(onA).start()),
      ...Array.from({ length: 2 }, () => new ResumingSseSubscriber(onA, filtered).start()),
    ];
    const subsB = [
      ...Array.from({ length: 4 }, () => new ResumingSseSubscriber(onB).start()),
      ...Array.from({ length: 2 }, () => new ResumingSseSubscriber(onB, filtered).start()),
    ];
    const all = [...subsA, ...subsB];
    const load = new LoadGenerator({ url: () => stack!.url('ingest'), key: stack!.key, writers: 4, total: 1500, pauseMs: 10 }).start();
    try {
      await load.reached(500);
      // Both instances serve the same sequence: of any two unfiltered subscribers, one has a prefix of the other.
      const a = subsA[0].positions;
      const b = subsB[0].positions;
      const n = Math.min(a.length, b.length);
      expect(n).toBeGreaterThan(0);
      expect(a.slice(0, n)).toEqual(b.slice(0, n));

      const killedAt = Date.now();
      const lastBefore = subsA.map((s) => s.items.length);
      await stack!.kill('query', 0);
      // Every client of the dead instance is connected again (to the other one) and receiving.
      await pollUntil(() => subsA.every((s, i) => s.connections.length >= 2 && s.items.length > lastBefore[i]), {
        timeoutMs: 30000,
        intervalMs: 50,
        what: 'clients of the killed instance receiving again',
      });
      const resumedMs = Date.now() - killedAt;

      await load.done();
      await waitCaughtUp(world!.db.url, 60000);
      const expected = await feedPositions(stack!.url('query', 1));
      const expectedFiltered = await feedPositions(stack!.url('query', 1), filtered);
      for (const [i, sub] of all.entries()) {
        const want = i % 6 < 4 ? expected : expectedFiltered;
        await sub.waitFor(want[want.length - 1], 30000);
      }
      await Promise.all(all.map((s) => s.stop()));
      report(
        `query-failover: clients of the killed instance resumed on the other in ${seconds(resumedMs)} s; ` +
          `${expected.length} items, ${subsA.map((s) => s.reconnects).join(',')} reconnects on A, ${subsB.map((s) => s.reconnects).join(',')} on B`,
      );
      for (const [i, sub] of all.entries()) {
        expect({ subscriber: i, problems: checkSubscriber(sub, i % 6 < 4 ? expected : expectedFiltered).problems }).toEqual({
          subscriber: i,
          problems: [],
        });
      }
      // Both instances' clients ended with the very same sequence.
      expect(subsA[0].positions).toEqual(subsB[0].positions);
      expect(subsA[4].positions).toEqual(subsB[4].positions);
      expect(load.counts()).toMatchObject({ events: 1500, ack: 1500 });
      expect((await checkStore(world!.db.url, load)).problems).toEqual([]);
      expect((await checkKafka(world!.db.url, world!.brokers, stack!.topics.events)).problems).toEqual([]);
      expect((await checkReadModels(world!.db.url, { label: 'query_failover_rebuild' })).problems).toEqual([]);
      expect(stack!.exited().filter((e) => !(e.name === 'query' && e.i === 0))).toEqual([]);
    } finally {
      await load.stop();
      await Promise.all(all.map((s) => s.stop()));
    }
  }, 150_000);
});
