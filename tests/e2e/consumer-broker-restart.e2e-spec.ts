import { Kafka, logLevel } from 'kafkajs';
import { createTestDatabase, pollUntil, RunningApp, startApp, TestDatabase, testApiKey, testTopics } from '@newsroom/testing';
import { OwnBroker, ownBroker } from '../../libs/messaging/test/own-broker.harness';

/**
 * The projector as a process against a broker of this test's own: readiness must say 503 while the broker is
 * gone and 200 once it is back, and the process must hold exactly one consumer (its gauge, and the broker's
 * view of the group) after the recovery. (Several restarts in a row: libs/messaging/test/managed-consumer-restarts.)
 */
describe('projector across a broker kill -9 (own broker, app as a process)', () => {
  let own: OwnBroker;
  let db: TestDatabase;
  let app: RunningApp | null = null;
  const { prefix } = testTopics('consumer-restart');
  const groupId = `projector-${prefix}`;

  const ready = async () => (await fetch(`${app!.url}/health/ready`).catch(() => null))?.status;
  const gauge = async () => {
    const text = await (await fetch(`${app!.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('messaging_consumers_running{') && l.includes(`group="${groupId}"`));
    return line ? Number(line.split(' ').pop()) : null;
  };
  const members = async () => {
    const admin = new Kafka({ clientId: 'e2e-admin', brokers: own.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    await admin.connect();
    try {
      return (await admin.describeGroups([groupId])).groups[0];
    } finally {
      await admin.disconnect();
    }
  };
  const expectOneConsumer = async (what: string) => {
    await pollUntil(async () => (await ready()) === 200, { timeoutMs: 90000, intervalMs: 200, what: `${what}: ready` });
    await pollUntil(
      async () => {
        const g = await members();
        return g.state === 'Stable' && g.members.length === 1;
      },
      { timeoutMs: 60000, intervalMs: 500, what: `${what}: one member, group Stable` },
    );
    expect(await gauge()).toBe(1);
  };

  beforeAll(async () => {
    own = await ownBroker('projector-restart');
    await own.start();
    db = await createTestDatabase('consumer_restart');
    app = await startApp('projector', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: own.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_EVENTS_PARTITIONS: '3',
      PROJECTOR_GROUP_ID: groupId,
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      NEWSROOM_API_KEYS: `${testApiKey()}:admin`,
    });
  }, 180000);

  afterAll(async () => {
    // Each step on its own, so a failing one never leaves the broker or the database behind.
    await Promise.race([app?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 10000).unref())]).catch(() => undefined);
    await own?.remove().catch(() => undefined);
    await db?.drop().catch(() => undefined);
  }, 60000);

  it('is not ready while the broker is gone, ready with one consumer once it is back; SIGTERM still drains', async () => {
    await expectOneConsumer('first start');
    const killed = Date.now();
    await own.kill();
    await pollUntil(async () => (await ready()) === 503, { timeoutMs: 30000, intervalMs: 200, what: 'not ready while the broker is gone' });
    const notReady = Date.now() - killed;
    await own.start();
    const back = Date.now();
    // A crashed kafkajs consumer comes back as a new member: the broker completes the rebalance once the old
    // member's session (KAFKA_SESSION_TIMEOUT_MS: 30 s by default, 10 s here) has expired, so this takes up to it.
    await expectOneConsumer('after the broker restart');
    process.stdout.write(
      `[consumer-broker-restart e2e] readiness 503 ${notReady} ms after kill -9; ready with one consumer ${Date.now() - back} ms after the broker was ready again\n`,
    );

    // SIGTERM still drains: the consumer leaves the group, then Nest re-raises the signal to exit.
    const running = app!;
    app = null;
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      running.process.once('exit', (code, signal) => r({ code, signal })),
    );
    running.process.kill('SIGTERM');
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    await pollUntil(async () => (await members()).members.length === 0, { timeoutMs: 15000, what: 'group empty after SIGTERM' });
  });
});
