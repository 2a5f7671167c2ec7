import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import {
  createTestDatabase,
  departedEnvelope,
  RunningApp,
  startApp,
  TEST_KAFKA_BROKERS,
  TestDatabase,
  testApiKey,
  testKafka,
  testTopics,
} from '@newsroom/testing';

/**
 * SIGTERM to ingest while writers keep their kept-alive connections busy (README, "Supervision"): every
 * request a client sent gets an HTTP answer, a 2xx or a 503 problem, never a reset; a connection it can no longer
 * open (refused) carried no request. Each 2xx event is stored once, and a 503 retried with its Idempotency-Key
 * lands once. Before the drain, a request sent in the moment Node's server.close() destroyed the idle kept-alive
 * connections was reset (the fifty-fourth session's testers).
 */
interface Attempt {
  key: string;
  body: Record<string, unknown>;
  /** On a connection that had carried an earlier request (kept alive), or on a new one. */
  reused: boolean;
  status?: number;
  contentType?: string;
  connection?: string;
  retryAfter?: string;
  error?: string;
}

const WRITERS = 8;

describe('ingest stopped with SIGTERM under kept-alive writers (app as a process)', () => {
  let db: TestDatabase;
  let app: RunningApp | null = null;
  const agents: Agent[] = [];
  const topics = testTopics('ingest-sigterm');
  const key = testApiKey();
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('ingest_sigterm');
    env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: topics.prefix,
      NEWSROOM_API_KEYS: `${key}:write`,
      INGEST_SUBMISSIONS_GROUP_ID: `submissions-${topics.prefix}`,
      KAFKA_SESSION_TIMEOUT_MS: '10000',
    };
  }, 60000);
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await app?.stop('SIGKILL');
    const kafka = testKafka('e2e-cleanup', TEST_KAFKA_BROKERS);
    await kafka.deleteTopics(Object.values(topics.topics)).catch(() => undefined);
    await kafka.close();
    await db?.drop();
  }, 30000);

  /** One POST on the writer's own kept-alive connection (an agent of one socket), its outcome recorded as seen. */
  const post = (url: string, agent: Agent, attempt: Attempt) =>
    new Promise<Attempt>((resolve) => {
      const payload = JSON.stringify(attempt.body);
      const req = request(
        `${url}/v1/events`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${key}`,
            'idempotency-key': attempt.key,
          },
          timeout: 15000,
        },
        (res) => {
          res.resume();
          res.once('end', () =>
            resolve({
              ...attempt,
              reused: req.reusedSocket,
              status: res.statusCode,
              contentType: res.headers['content-type'],
              connection: res.headers.connection,
              retryAfter: res.headers['retry-after'],
            }),
          );
          res.once('error', (e: NodeJS.ErrnoException) => resolve({ ...attempt, reused: req.reusedSocket, error: e.code ?? e.message }));
        },
      );
      req.once('timeout', () => req.destroy(new Error('no answer within 15 s')));
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ...attempt, reused: req.reusedSocket, error: e.code ?? e.message }));
      req.end(payload);
    });

  const newAttempt = (): Attempt => {
    const { id: _id, ...body } = departedEnvelope();
    return { key: randomUUID(), body, reused: false };
  };

  it('answers every request sent (2xx or 503 problem), stores each 2xx event once, and a 503 retried with its key lands once', async () => {
    app = await startApp('ingest', env);
    const running = app;
    const attempts: Attempt[] = [];
    let stopped = false;
    // Each writer loops on its own kept-alive connection until a connection is refused (the service has stopped
    // listening) or the test gives up (bounded).
    const giveUp = Date.now() + 60000;
    const answered = Array<number>(WRITERS).fill(0);
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      while (Date.now() < giveUp) {
        const outcome = await post(running.url, agent, newAttempt());
        attempts.push(outcome);
        if (outcome.status) answered[w]++;
        if (outcome.error && stopped) return;
        if (outcome.error) throw new Error(`a write failed before the SIGTERM: ${outcome.error}`);
        // A bot's work between two writes (a millisecond or two): its connection is idle then, as a real client's,
        // and its next request may be on the way while the service stops.
        await new Promise((r) => setTimeout(r, w % 2));
      }
    });
    // The load runs on every connection before the signal.
    while (answered.some((n) => n < 20) && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      running.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const beforeSignal = attempts.length;
    stopped = true;
    running.process.kill('SIGTERM');
    await Promise.all(writers);
    // It exited by itself, draining (Nest re-raises the signal once the app is closed): not killed by the harness.
    const exit = await exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);

    const afterSignal = attempts.slice(beforeSignal);
    // Every request that was sent got an answer; the only failures are connections refused, which carried none.
    const unanswered = attempts
      .filter((a) => a.error && !(a.error === 'ECONNREFUSED' && !a.reused))
      .map(({ key, error, reused }) => ({ key, error, reused }));
    expect(unanswered).toEqual([]);
    expect(attempts.filter((a) => a.error).length).toBe(WRITERS);
    const unavailable = attempts.filter((a) => a.status === 503);
    for (const a of unavailable) {
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.connection).toBe('close');
    }
    const created = attempts.filter((a) => a.status && a.status >= 200 && a.status < 300);
    expect(created.length + unavailable.length).toBe(attempts.length - WRITERS);
    // The drain told each busy connection to close with an answer: no writer's connection was cut under it.
    expect(afterSignal.some((a) => a.connection === 'close')).toBe(true);

    const stored = async (keys: string[]) =>
      (
        await db.pool.query<{ event_id: string; n: number }>(
          'SELECT event_id, count(*)::int AS n FROM event_store.events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
          [keys],
        )
      ).rows;
    const createdRows = await stored(created.map((a) => a.key));
    expect(createdRows.length).toBe(created.length);
    expect(createdRows.every((r) => r.n === 1)).toBe(true);

    // The 503s (if the drain gave any) retried on a restarted ingest with the same keys: each lands once.
    if (unavailable.length > 0) {
      app = await startApp('ingest', env);
      const agent = new Agent({ keepAlive: true });
      agents.push(agent);
      const retried = await Promise.all(unavailable.map((a) => post(app!.url, agent, { ...a, status: undefined })));
      expect(retried.map((r) => r.status).every((s) => s === 201 || s === 200)).toBe(true);
      const rows = await stored(unavailable.map((a) => a.key));
      expect(rows.length).toBe(unavailable.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    }
    process.stdout.write(
      `[ingest-sigterm e2e] ${WRITERS} kept-alive writers: ${attempts.length} requests, ${afterSignal.length} after the SIGTERM ` +
        `(${afterSignal.filter((a) => a.status && a.status < 300).length} served, ${afterSignal.filter((a) => a.connection === 'close').length} ` +
        `answered with Connection: close, ${unavailable.length} 503); ${WRITERS} connections refused afterwards, none reset\n`,
    );
  }, 120000);
});
