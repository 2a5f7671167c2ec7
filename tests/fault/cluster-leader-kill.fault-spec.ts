import {
  checkKafka,
  checkReadModels,
  checkStore,
  checkSubscriber,
  createTestDatabase,
  FaultStack,
  feedPositions,
  LoadGenerator,
  pollUntil,
  report,
  ResumingSseSubscriber,
  sleep,
  TestDatabase,
  waitCaughtUp,
} from '@newsroom/testing';
import { KafkaCluster } from '../../libs/testing/src/fault/kafka-cluster.harness';
import { checkStoreStreamOrder, checkTopicStreamOrder, describePipeline, seconds, waitRelayAndProjector } from './fault-checks.util';

/**
 * Issue 10, scenario 1: on a three-broker KRaft cluster of its own (topics with replication 3 and
 * min.insync.replicas 2), kill -9 the broker that leads partitions of the events topic and coordinates the
 * projector's consumer group, while events are ingested.
 * Ingestion keeps answering 2xx (Kafka is not on the write path); relay and projector go on once leaders are
 * re-elected; the oracle holds. Measures the election and the time to full catch-up.
 */
describe('fault: kill -9 the partition leader of a three-broker cluster', () => {
  let cluster: KafkaCluster | undefined;
  let db: TestDatabase | undefined;
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    const started = Date.now();
    const [c, d] = await Promise.allSettled([KafkaCluster.start({ size: 3 }), createTestDatabase('fault_leader_kill')]);
    if (c.status === 'fulfilled') cluster = c.value;
    if (d.status === 'fulfilled') db = d.value;
    if (c.status === 'rejected') throw c.reason;
    if (d.status === 'rejected') throw d.reason;
    stack = await FaultStack.start({
      label: 'leader-kill',
      databaseUrl: db!.url,
      brokers: cluster!.brokers.split(','),
      // The default group session (30 s), as this scenario was measured with. (With the fault stacks' 10 s, one
      // whole-suite run made no progress for 90 s through two watchdog replacements: the watchdog bug described at
      // the kill below, since fixed, not the session length.)
      extraEnv: { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', KAFKA_SESSION_TIMEOUT_MS: '30000' },
    });
    report(`cluster-leader-kill: three brokers and the four apps up in ${seconds(Date.now() - started)} s`);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop({ deleteTopics: false });
    await cluster?.stop();
    await db?.drop();
  }, 90_000);

  it('keeps answering 2xx, re-elects, catches up, and the oracle holds', async () => {
    const topic = stack!.topics.events;
    const partitions = await cluster!.partitions(topic);
    expect(partitions.map((p) => p.replicas.length)).toEqual(partitions.map(() => 3));

    const sub = new ResumingSseSubscriber(() => stack!.url('query')).start();
    const load = new LoadGenerator({ url: () => stack!.url('ingest'), key: stack!.key, writers: 6, total: 4000, pauseMs: 5 }).start();
    try {
      // Before the kill the load only has to get going: on a loaded two-core machine three brokers warming up
      // can hold it to a few events a second, so this waits up to two minutes (a precondition, not a measurement).
      const loadStarted = Date.now();
      await load.reached(300, 120_000);
      report(`cluster-leader-kill: the load reached 300 events in ${seconds(Date.now() - loadStarted)} s`);
      // The worst case, every run: the node that coordinates the projector's group AND leads partitions of the
      // topic. The member's fetches and its group go at once; its leave cannot reach the dead coordinator, so the
      // group's new coordinator waits out the dead member's session before a replacement can join. (A whole-suite
      // run hit this by chance: the watchdog then counted the join's wait as a stall and replaced the member the
      // moment it joined, which had to wait out a session again, and the 90 s window closed.)
      const leaders = await cluster!.leaders(topic);
      const coordinator = await cluster!.groupCoordinator(`projector-${stack!.prefix}`);
      const led = [...leaders].filter(([, leader]) => leader === coordinator).map(([p]) => p);
      const victim = led.length > 0 ? coordinator : leaders.get(0)!;
      const killedAt = Date.now();
      await cluster!.kill(victim);
      report(
        `cluster-leader-kill: killed node ${victim} (${led.length > 0 ? `the projector group's coordinator, leader of partitions ${led.join(', ')}` : `leader of partition 0; the coordinator, node ${coordinator}, led none`}) after ${load.attemptedCount()} events`,
      );

      await pollUntil(async () => [...(await cluster!.leaders(topic)).values()].every((l) => l !== victim && l >= 0), {
        timeoutMs: 60000,
        intervalMs: 250,
        what: `leaders moved off node ${victim}`,
      });
      const electedMs = Date.now() - killedAt;
      // Writes go on for 10 s after the kill, then the load stops and the pipeline must catch up.
      await sleep(Math.max(0, 10000 - (Date.now() - killedAt)));
      await load.stop();
      const stoppedAt = Date.now();
      // The window is the recovery bound the README gives for this fault, each wait a mechanism of its own that a run
      // may meet in turn: the member crashes after kafkajs' retries (up to about 40 s), its replacement waits out the
      // dead member's 30 s session at the new coordinator, a partition left fetching from the dead leader costs one
      // progress-watchdog replacement (PROJECTOR_STALL_RESTART_MS 30 s and its 5 s check), and the catch-up itself.
      // (90 s, shorter than their sum, failed two CI runs that this machine's runs never reproduced: 17-44 s here.)
      const windowMs = 40_000 + 30_000 + 35_000 + 25_000;
      const { relayMs, projectorMs } = await waitRelayAndProjector(db!.url, killedAt, windowMs).catch(async (error) => {
        const state = await describePipeline(db!.url, [stack!.app('relay'), stack!.app('projector')]);
        report(`cluster-leader-kill: NOT caught up ${seconds(windowMs)} s after the load stopped (killed node ${victim}):\n${state}`);
        // In the error too: CI shows a failure's message, not always the reports printed before it.
        throw new Error(`${(error as Error).message}; killed node ${victim} ${seconds(Date.now() - killedAt)} s ago\n${state}`);
      });
      await waitCaughtUp(db!.url, 10000);
      const counts = load.counts();
      report(
        `cluster-leader-kill caught up in ${seconds(Date.now() - killedAt)} s after the kill (${seconds(Date.now() - stoppedAt)} s after the load stopped); ` +
          `leaders re-elected in ${seconds(electedMs)} s; relay published everything ${seconds(relayMs)} s and projector applied it ${seconds(projectorMs)} s after the kill; ` +
          `writes ${JSON.stringify(counts)}; slowest write ${Math.max(...[...load.submissions.values()].flatMap((s) => s.attempts.map((a) => a.ms)))} ms`,
      );

      // Ingestion never noticed the broker: every attempt answered 2xx.
      expect(counts.attempts).toBe(counts.ack);
      expect((await checkStore(db!.url, load)).problems).toEqual([]);
      expect((await checkKafka(db!.url, cluster!.brokers.split(','), topic)).problems).toEqual([]);
      expect((await checkTopicStreamOrder(cluster!.brokers.split(','), topic)).problems).toEqual([]);
      expect(await checkStoreStreamOrder(db!.url)).toEqual([]);
      expect((await checkReadModels(db!.url, { label: 'leader_kill_rebuild' })).problems).toEqual([]);
      const expected = await feedPositions(stack!.url('query'));
      await sub.waitFor(expected[expected.length - 1], 60000);
      await sub.stop();
      expect(checkSubscriber(sub, expected).problems).toEqual([]);
      expect(stack!.exited()).toEqual([]);

      // The killed broker comes back and catches up as a follower: every partition has three in-sync replicas again.
      const restartAt = Date.now();
      await cluster!.startNode(victim);
      await pollUntil(async () => (await cluster!.partitions(topic)).every((p) => p.isr.length === 3), {
        timeoutMs: 60000,
        intervalMs: 500,
        what: `node ${victim} back in sync`,
      });
      report(`cluster-leader-kill: node ${victim} restarted and back in every ISR in ${seconds(Date.now() - restartAt)} s`);
    } finally {
      await load.stop();
      await sub.stop();
    }
  }, 480_000);
});
