import { createServer, Server, Socket } from 'node:net';
import {
  createTestDatabase,
  departedEnvelope,
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
  let mute: Server | null = null;
  const muted: Socket[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    await proxy?.close();
    for (const s of muted) s.destroy();
    await new Promise((resolve) => (mute ? mute.close(resolve) : resolve(null)));
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

  it('ingest and the relay with a broker that takes connections and never answers: the apps listen, ingest ready (degraded: creating topics) takes a write, the relay says kafka', async () => {
    // A "broker" that accepts every connection and says nothing: each Kafka request waits for its timeouts.
    mute = createServer((socket) => void muted.push(socket));
    const brokerPort = await freePort();
    await new Promise<void>((resolve) => mute!.listen(brokerPort, '127.0.0.1', resolve));
    const key = testApiKey();
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: `127.0.0.1:${brokerPort}`,
      KAFKA_TOPIC_PREFIX: testTopics('startup-mute').prefix,
      NEWSROOM_API_KEYS: `${key}:admin`,
    };
    const launched = Date.now();
    const ingest = launchApp('ingest', env, await freePort());
    const relay = launchApp('relay', env, await freePort());
    apps.push(ingest, relay);
    // The Nest apps themselves answer (the start-up server's /health/live says `starting: true`).
    const listening = async (app: RunningApp) => {
      await pollUntil(
        async () => {
          const live = await fetch(`${app.url}/health/live`, { signal: AbortSignal.timeout(2000) })
            .then((r) => r.json() as Promise<{ status?: string; starting?: boolean }>)
            .catch(() => null);
          return live?.status === 'ok' && live.starting === undefined;
        },
        {
          timeoutMs: 60000,
          intervalMs: 100,
          what: `${app.name} listening`,
        },
      );
      return Date.now() - launched;
    };
    const [ingestAfter, relayAfter] = await Promise.all([listening(ingest), listening(relay)]);

    // Ingest takes writes (Postgres is all they need), and says what its consumer waits for.
    const ready = await fetch(`${ingest.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { degraded: string[]; details: Record<string, unknown> };
    expect(body.degraded).toEqual(expect.arrayContaining(['kafka', 'submissions-consumer']));
    expect(body.details['submissions-consumer']).toMatchObject({ status: 'degraded', state: 'creating topics' });
    const { id: _id, ...envelope } = departedEnvelope();
    const write = await fetch(`${ingest.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(envelope),
    });
    expect(write.status).toBe(201);
    // The relay cannot work without the broker: not ready, naming it.
    const relayReady = await fetch(`${relay.url}/health/ready`);
    expect(relayReady.status).toBe(503);
    expect(await relayReady.json()).toMatchObject({ code: 'SERVICE.NOT_READY', checks: { kafka: 'down' } });
    process.stdout.write(
      `[startup-liveness e2e] mute broker: ingest listening ${ingestAfter} ms after launch, relay ${relayAfter} ms (before: about 20 s on the start-up server)\n`,
    );
  }, 90000);

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
