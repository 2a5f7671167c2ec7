import { Socket } from 'node:net';
import { Admin, Kafka, logLevel, Producer } from 'kafkajs';
import { KafkaClient, ManagedConsumer } from '@newsroom/messaging';
import { metricsRegistry } from '@newsroom/platform';
import { pollUntil } from '@newsroom/testing';
import { OwnBroker, ownBroker } from './own-broker.harness';

/**
 * A broker of this test's own (never the shared one at 9092) is killed with SIGKILL and started again while a
 * ManagedConsumer runs against it. After every recovery exactly one consumer must exist, in the process (the
 * gauge) and in the broker's view of the group, and new messages must be handled; stop() must leave nothing.
 */
describe('ManagedConsumer across broker kill -9 and restarts (own broker)', () => {
  let own: OwnBroker;
  const topic = 'restarts.events';
  const groupId = 'restarts-group';
  const sessionTimeout = 6000;
  let brokerPort = 0;
  let client: KafkaClient;
  let consumer: ManagedConsumer;
  let kafka: Kafka;
  let producer: Producer | null = null;
  const handled: string[] = [];
  let maxGauge = 0;
  let sampler: NodeJS.Timeout | null = null;

  const running = async (): Promise<number> => {
    const values = (await metricsRegistry.getSingleMetric('messaging_consumers_running')?.get())?.values ?? [];
    return values.filter((v) => v.labels.group === groupId).reduce((n, v) => n + v.value, 0);
  };
  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  const members = () => withAdmin(async (a) => (await a.describeGroups([groupId])).groups[0]);
  const brokerSockets = () =>
    (process as unknown as { _getActiveHandles(): unknown[] })
      ._getActiveHandles()
      .filter((h) => h instanceof Socket && !h.destroyed && h.remotePort === brokerPort).length;
  const send = async (value: string) => {
    if (!producer) {
      producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
    }
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      producer = null;
      throw error;
    }
  };

  /** The assertions after each recovery: one member in the process and in the broker's view, new messages handled. */
  const recoveries: string[] = [];
  const expectRecovered = async (label: string) => {
    const from = Date.now();
    await pollUntil(
      async () => {
        const n = await running();
        if (consumer.state === 'running' && n === 1) return true;
        throw new Error(`state ${consumer.state}, gauge ${n}, last error ${consumer.lastError}`);
      },
      { timeoutMs: 60000, what: `${label}: consumer running` },
    );
    const group = await pollUntil(
      async () => {
        const g = await members();
        return g.state === 'Stable' && g.members.length === 1 ? g : null;
      },
      { timeoutMs: 60000, intervalMs: 500, what: `${label}: group Stable with one member` },
    );
    expect(group.members).toHaveLength(1);
    const value = `${label}-${Date.now()}`;
    await pollUntil(() => send(value).then(() => true), { timeoutMs: 30000, intervalMs: 500, what: `${label}: produce` });
    await pollUntil(() => handled.includes(value), { timeoutMs: 30000, what: `${label}: message handled` });
    recoveries.push(`${label}: ${Date.now() - from} ms from broker ready to one member handling new messages`);
    expect(await running()).toBe(1);
    expect((await members()).members).toHaveLength(1);
    expect(maxGauge).toBeLessThanOrEqual(1);
  };

  beforeAll(async () => {
    own = await ownBroker('consumer-restarts');
    brokerPort = own.port;
    await own.start();
    kafka = new Kafka({
      clientId: 'restarts-test',
      brokers: [`127.0.0.1:${brokerPort}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
    client = new KafkaClient({ clientId: 'restarts-consumer', brokers: [`127.0.0.1:${brokerPort}`] });
    await client.ensureTopics([{ topic, partitions: 3 }]);
    consumer = client.consumer({
      groupId,
      topics: [topic],
      sessionTimeout,
      handler: async (b) => void handled.push(...b.messages.map((m) => m.value.toString())),
    });
    sampler = setInterval(() => void running().then((n) => (maxGauge = Math.max(maxGauge, n))), 50);
    await consumer.start();
  }, 120000);

  afterAll(async () => {
    if (sampler) clearInterval(sampler);
    if (recoveries.length) process.stdout.write(`[managed-consumer-restarts] ${recoveries.join('; ')}\n`);
    // At most 15 s each; the timer is cleared once the step is done (left running, it held jest open after the file).
    const within = async (p: Promise<unknown> | undefined) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([p?.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 15000)))]);
      clearTimeout(timer);
    };
    try {
      await within(producer?.disconnect());
      await within(consumer?.stop());
      await within(client?.close());
    } finally {
      await own?.remove();
    }
  }, 90000);

  it('has exactly one consumer after each kill -9 and restart, and handles the messages produced after recovery', async () => {
    await expectRecovered('first start');

    for (const round of [1, 2]) {
      await own.kill();
      await own.start();
      await expectRecovered(`restart ${round}`);
    }

    // Down for longer than the session timeout: the consumer gives up on the old session and must say so.
    await own.kill();
    await pollUntil(() => consumer.state !== 'running', {
      timeoutMs: 30000,
      what: 'readiness to stop claiming running while the broker is down',
    });
    await new Promise((r) => setTimeout(r, sessionTimeout + 2000));
    await own.start();
    await expectRecovered('long outage');
  }, 240000);

  it('does not claim running while the broker is frozen (SIGSTOP), and is running again once it thaws', async () => {
    own.freeze();
    try {
      await pollUntil(() => consumer.state !== 'running', { timeoutMs: 30000, what: 'state to leave running while the broker is frozen' });
    } finally {
      own.thaw();
    }
    await expectRecovered('thawed');
  }, 120000);

  it('leaves nothing behind after stop(): gauge 0, the group empty, no connection to the broker', async () => {
    if (producer) await producer.disconnect();
    producer = null;
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
    expect(await running()).toBe(0);
    await pollUntil(async () => (await members()).members.length === 0, { timeoutMs: 15000, what: 'group empty after stop()' });
    // Give any timer kafkajs may still hold a chance to fire: nothing may reconnect after stop().
    await new Promise((r) => setTimeout(r, 3000));
    expect(brokerSockets()).toBe(0);
    expect(await running()).toBe(0);
    expect((await members()).members).toHaveLength(0);
    expect(brokerSockets()).toBe(0);
  }, 60000);
});
