import {
  Attempt,
  checkKafka,
  checkReadModels,
  checkStore,
  checkSubscriber,
  createFaultWorld,
  FaultStack,
  FaultWorld,
  feedPositions,
  isAck,
  LoadGenerator,
  report,
  ResumingSseSubscriber,
  sleep,
  waitCaughtUp,
} from '@newsroom/testing';
import { KafkaCluster } from '../../libs/testing/src/fault/kafka-cluster.harness';
import { TcpProxy } from '../../libs/testing/src/fault/tcp-proxy.harness';
import { checkStoreStreamOrder, checkTopicStreamOrder, seconds } from './fault-checks.util';

/**
 * Issue 10, scenario 2: every connection of the apps to the broker and to Postgres goes through a TCP proxy
 * (the broker of its own advertises the proxy's port, so clients use it after bootstrapping too). Under added
 * latency, connection resets, a 30 s broker blackhole and a 14 s Postgres blackhole, while events are ingested:
 * writes answer 2xx or a clean 503 and never hang past the client's timeout, nothing crashes, and after healing
 * everything catches up, in order per stream, and the oracle holds.
 */
const WRITE_TIMEOUT_MS = 15_000;
const BROKER_BLACKHOLE_MS = 30_000;
// Longer than a write may take: the apps get timeouts well below it (DATABASE_*_TIMEOUT_MS; ignored by a build
// without them), so a write answers 503 in time instead of hanging for as long as the partition lasts.
const PG_BLACKHOLE_MS = 14_000;
const PG_TIMEOUTS = {
  DATABASE_CONNECT_TIMEOUT_MS: '3000',
  DATABASE_STATEMENT_TIMEOUT_MS: '5000',
  DATABASE_QUERY_TIMEOUT_MS: '8000',
  // The bound on a whole write (its reads and its append, each of which may queue behind hung statements).
  INGEST_WRITE_DEADLINE_MS: '10000',
};

describe('fault: latency, resets and blackholes between the apps and the broker and Postgres', () => {
  let world: FaultWorld | undefined;
  let cluster: KafkaCluster | undefined;
  let kafkaProxy: TcpProxy | undefined;
  let pgProxy: TcpProxy | undefined;
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    const started = Date.now();
    // The broker's port is the cluster's to pick (and to pick again should a start-up attempt fail): the proxy is
    // pointed at it before the broker starts, as the broker's readiness is checked through the port it advertises.
    const proxy = await TcpProxy.start(0);
    kafkaProxy = proxy;
    const [w, c] = await Promise.allSettled([
      createFaultWorld('proxy_faults', { ownPostgres: true }),
      KafkaCluster.start({
        size: 1,
        advertisedPorts: [proxy.port],
        beforeStart: ([node]) => {
          proxy.targetPort = node.port;
        },
      }),
    ]);
    if (w.status === 'fulfilled') world = w.value;
    if (c.status === 'fulfilled') cluster = c.value;
    if (w.status === 'rejected') throw w.reason;
    if (c.status === 'rejected') throw c.reason;
    pgProxy = await TcpProxy.start(world!.pg!.port);
    const proxied = new URL(world!.db.url);
    proxied.port = String(pgProxy.port);
    stack = await FaultStack.start({
      label: 'proxy-faults',
      databaseUrl: proxied.toString(),
      brokers: cluster!.brokers.split(','),
      extraEnv: PG_TIMEOUTS,
    });
    report(`proxy-faults: Postgres, broker, proxies and the four apps up in ${seconds(Date.now() - started)} s`);
  }, 240_000);

  afterAll(async () => {
    kafkaProxy?.heal();
    pgProxy?.heal();
    await stack?.stop({ deleteTopics: false });
    await Promise.allSettled([kafkaProxy?.close(), pgProxy?.close()]);
    await cluster?.stop();
    await world?.destroy();
  }, 90_000);

  it('slows down gracefully, never hangs, and catches up in order once healed', async () => {
    const brokers = cluster!.brokers.split(',');
    const sub = new ResumingSseSubscriber(() => stack!.url('query')).start();
    const load = new LoadGenerator({
      url: () => stack!.url('ingest'),
      key: stack!.key,
      writers: 4,
      total: 100_000,
      pauseMs: 20,
      timeoutMs: WRITE_TIMEOUT_MS,
    }).start();
    const phases: Array<{ name: string; from: number; to: number }> = [];
    const phase = async (name: string, ms: number, fault: () => void = () => undefined) => {
      const from = Date.now();
      fault();
      await sleep(ms);
      phases.push({ name, from, to: Date.now() });
    };
    try {
      await load.reached(100);
      await phase('baseline', 4000);
      await phase('latency 100 ms', 5000, () => {
        kafkaProxy!.setLatency(100);
        pgProxy!.setLatency(100);
      });
      kafkaProxy!.heal();
      pgProxy!.heal();
      await phase('broker connections reset', 2000, () => kafkaProxy!.resetAll());
      await phase('Postgres connections reset', 2000, () => pgProxy!.resetAll());
      await phase('both reset', 2000, () => {
        kafkaProxy!.resetAll();
        pgProxy!.resetAll();
      });
      await phase(`broker blackhole ${BROKER_BLACKHOLE_MS / 1000} s`, BROKER_BLACKHOLE_MS, () => kafkaProxy!.blackhole());
      kafkaProxy!.heal();
      await phase(`Postgres blackhole ${PG_BLACKHOLE_MS / 1000} s`, PG_BLACKHOLE_MS, () => pgProxy!.blackhole());
      pgProxy!.heal();
      const healedAt = Date.now();
      await phase('healed', 3000);
      await load.stop();

      const stillUnanswered = await load.retryUnanswered({ rounds: 20, pauseMs: 1000 });
      const caughtUpMs = await waitCaughtUp(world!.db.url, 120000);
      const caughtUpAfterHeal = Date.now() - healedAt;
      const summary = (attempts: Attempt[]) => {
        const by = new Map<string, number>();
        for (const a of attempts) by.set(String(a.outcome), (by.get(String(a.outcome)) ?? 0) + 1);
        return `${JSON.stringify(Object.fromEntries(by))} slowest ${Math.max(0, ...attempts.map((a) => a.ms))} ms`;
      };
      for (const p of phases) {
        const attempts = load.attemptsBetween(p.from, p.to);
        const hung = attempts.filter((a) => a.outcome === 'timeout').map((a) => `+${seconds(a.at - p.from)} s`);
        report(
          `proxy-faults ${p.name}: writes ${summary(attempts)}${hung.length ? `; timed out: started ${hung.join(', ')} into the phase` : ''}`,
        );
      }
      report(
        `proxy-faults caught up ${seconds(caughtUpAfterHeal)} s after the last heal (${seconds(caughtUpMs)} s after the load and its retries); ` +
          `${load.acknowledged().size} events acknowledged, ${stillUnanswered} still unanswered after retries; writes ${JSON.stringify(load.counts())}`,
      );

      // Nothing lost, nothing doubled, order kept per stream (store, topic, read models), no crash.
      expect(stillUnanswered).toBe(0);
      expect(stack!.exited()).toEqual([]);
      expect((await checkStore(world!.db.url, load)).problems).toEqual([]);
      expect(await checkStoreStreamOrder(world!.db.url)).toEqual([]);
      expect((await checkKafka(world!.db.url, brokers, stack!.topics.events)).problems).toEqual([]);
      expect((await checkTopicStreamOrder(brokers, stack!.topics.events)).problems).toEqual([]);
      expect((await checkReadModels(world!.db.url, { label: 'proxy_faults_rebuild' })).problems).toEqual([]);
      const expected = await feedPositions(stack!.url('query'));
      await sub.waitFor(expected[expected.length - 1], 60000);
      await sub.stop();
      expect(checkSubscriber(sub, expected).problems).toEqual([]);

      // Kafka is not on the write path: while the broker was unreachable, writes went on.
      const broker = phases.find((p) => p.name.startsWith('broker blackhole'))!;
      const duringBroker = load.attemptsBetween(broker.from, broker.to).filter((a) => a.at + a.ms <= broker.to);
      expect(duringBroker.filter((a) => !isAck(a.outcome)).map((a) => a.outcome)).toEqual([]);
      // Graceful: every answer is a 2xx or a clean 503 (problem+json with Retry-After); none hung to the client's timeout.
      const unclean = load
        .attemptsBetween(0, Number.MAX_SAFE_INTEGER)
        .filter(
          (a) =>
            !isAck(a.outcome) &&
            !(
              a.outcome === 503 &&
              a.contentType?.includes('problem+json') &&
              (a.detail as { retryAfter?: unknown } | undefined)?.retryAfter
            ),
        );
      expect(
        unclean
          .map((a) => `${a.outcome} after ${a.ms} ms at ${new Date(a.at).toISOString()}: ${JSON.stringify(a.detail).slice(0, 200)}`)
          .slice(0, 10),
      ).toEqual([]);
    } finally {
      kafkaProxy!.heal();
      pgProxy!.heal();
      await load.stop();
      await sub.stop();
    }
  }, 300_000);
});
