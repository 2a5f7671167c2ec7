import {
  createTestDatabase,
  freePort,
  launchApp,
  pollUntil,
  RunningApp,
  startApp,
  TEST_SERVER_URL,
  TestDatabase,
  testApiKey,
  testTopics,
} from '@newsroom/testing';
import { TcpProxy } from '../../libs/testing/src/fault/tcp-proxy.harness';

/**
 * `/health/live` answers when the process runs (README, Health): from the first moment of a start, whatever the
 * start waits for. A liveness probe must never kill a process that is only waiting for Postgres or for its consumer
 * group: the next one would wait again (a restart loop).
 */
const status = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status ?? 0;
const json = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2000) })).json();

describe('a service answers liveness while it starts (apps as processes)', () => {
  let db: TestDatabase;
  const apps: RunningApp[] = [];
  let proxy: TcpProxy | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('startup_liveness');
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    await proxy?.close();
    await db?.drop();
  }, 30000);

  it('query waiting for Postgres: live 200 at once, ready 503 "waiting for postgres", the wait logged as it happens, ready once Postgres answers', async () => {
    // Postgres "comes" when a proxy to the shared server starts listening on this port; until then nobody does.
    const pgPort = await freePort();
    const dbUrl = new URL(db.url);
    dbUrl.port = String(pgPort);
    const launched = Date.now();
    const app = launchApp(
      'query',
      { DATABASE_URL: dbUrl.toString(), NEWSROOM_API_KEYS: `${testApiKey()}:admin`, KAFKA_TOPIC_PREFIX: testTopics('startup').prefix },
      await freePort(),
    );
    apps.push(app);
    await pollUntil(async () => (await status(`${app.url}/health/live`)) === 200, { timeoutMs: 10000, what: 'live 200' });
    const liveAfter = Date.now() - launched;

    const res = await fetch(`${app.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await res.json();
    expect(body).toMatchObject({ code: 'SERVICE.STARTING', detail: 'Starting: waiting for postgres.', waitingFor: 'postgres' });
    // The wait is in the log while it goes on (not buffered until the process exits).
    await pollUntil(() => app.output.join('').includes('postgres not ready ('), { timeoutMs: 5000, what: 'the startup warning' });
    expect(app.process.exitCode).toBeNull();

    proxy = await TcpProxy.start(Number(new URL(TEST_SERVER_URL).port || 5432), pgPort);
    const healed = Date.now();
    await pollUntil(async () => (await status(`${app.url}/health/ready`)) === 200, { timeoutMs: 30000, intervalMs: 200, what: 'ready' });
    expect(await json(`${app.url}/health/live`)).toEqual({ status: 'ok' });
    process.stdout.write(
      `[startup-liveness e2e] query: live ${liveAfter} ms after launch while Postgres was away; ready ${Date.now() - healed} ms after it came\n`,
    );
  }, 60000);

  it('projector whose group join waits out a killed member: the app listens (live 200, ready 503 consumer starting) before the join completes', async () => {
    const { prefix } = testTopics('startup-join');
    const env = {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: prefix,
      PROJECTOR_GROUP_ID: `projector-${prefix}`,
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      NEWSROOM_API_KEYS: `${testApiKey()}:admin`,
    };
    const first = await startApp('projector', env);
    apps.push(first);
    // Killed without leaving the group: the next member's join waits until the broker expires this one's session.
    await first.stop('SIGKILL');
    const launched = Date.now();
    const second = launchApp('projector', env, await freePort());
    apps.push(second);

    // The Nest app itself answers (its /metrics exists; the starting responder would say 503) ...
    await pollUntil(
      async () => {
        const metrics = await status(`${second.url}/metrics`);
        return metrics !== 0 && metrics !== 503 && (await status(`${second.url}/health/live`)) === 200;
      },
      { timeoutMs: 15000, intervalMs: 100, what: 'the app listening' },
    );
    const listening = Date.now();
    // ... while its consumer is still joining: readiness says so.
    const res = await fetch(`${second.url}/health/ready`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({ code: 'SERVICE.NOT_READY', checks: { consumer: 'down' }, states: { consumer: 'starting' } });

    await pollUntil(async () => (await status(`${second.url}/health/ready`)) === 200, {
      timeoutMs: 45000,
      intervalMs: 200,
      what: 'joined',
    });
    const joined = Date.now();
    process.stdout.write(
      `[startup-liveness e2e] projector: listening ${listening - launched} ms after launch, joined ${joined - launched} ms after launch\n`,
    );
    expect(joined - listening).toBeGreaterThan(1000);
  }, 120000);
});
