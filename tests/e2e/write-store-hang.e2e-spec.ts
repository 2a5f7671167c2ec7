import { PoolClient } from 'pg';
import { APPEND_LOCK_KEY } from '@newsroom/event-store';
import {
  createTestDatabase,
  departedEnvelope,
  pollUntil,
  RunningApp,
  startApp,
  TestDatabase,
  testApiKey,
  testTopics,
} from '@newsroom/testing';

/**
 * Issue 10, stall 6: a hung database must not pile up requests and memory. Ingest runs as a real process with
 * small timeouts and queue bounds; the append path is hung by a lock held from another session. Every answer is
 * then a 2xx or a clean 503 problem+json with Retry-After, promptly; memory stays bounded; after the lock is
 * released writes go on, every 2xx'd event is stored once, and retrying the 503'd ones records each once.
 */
const STATEMENT_TIMEOUT_MS = 1500;
const BURST = 300;
const CONCURRENCY = 40;
/** A request answered later than this hung: well above the statement timeout plus the queue drain. */
const ANSWER_WITHIN_MS = 15000;

/** The fields of a write's answer the checks read: a 503 refusal's code and detail and whether anything was recorded (a 201 has none of them). */
interface AnswerBody {
  code?: string;
  detail?: string;
  recorded?: boolean;
}
type Answer = { envelope: ReturnType<typeof departedEnvelope>; status: number; body: AnswerBody | null; headers: Headers };

describe('a hung event store: bounded queues and timeouts answer 503 + Retry-After, nothing piles up (ingest as a process)', () => {
  let db: TestDatabase;
  let ingest: RunningApp;
  let key: string;

  const post = async (body: unknown): Promise<{ status: number; body: AnswerBody | null; headers: Headers }> => {
    const res = await fetch(`${ingest.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as AnswerBody) : null, headers: res.headers };
  };
  const rss = async () => {
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    const line = /^process_resident_memory_bytes(?:\{[^}]*\})? (\S+)$/m.exec(text);
    if (!line) throw new Error(`no process_resident_memory_bytes in /metrics: ${text.slice(0, 300)}`);
    return Number(line[1]);
  };
  /** Fires `BURST` writes, `CONCURRENCY` at a time. */
  const burst = async (): Promise<Answer[]> => {
    const envelopes = Array.from({ length: BURST }, () => departedEnvelope());
    const answers: Answer[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < envelopes.length) {
          const envelope = envelopes[next++];
          answers.push({ envelope, ...(await post(envelope)) });
        }
      }),
    );
    return answers;
  };
  const expectClean = (answers: Answer[]) => {
    for (const a of answers) {
      if (a.status === 201) continue;
      expect(a.status).toBe(503);
      expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(['STORE.BUSY', 'STORE.TIMEOUT', 'SERVICE.UNAVAILABLE']).toContain(a.body?.code);
      // A server-side timeout or a full queue: certain that nothing was recorded, and said so.
      expect(a.body?.recorded).toBe(false);
      expect(a.body?.detail).toMatch(/nothing was recorded/);
    }
  };
  const countOf = async (ids: string[]) =>
    new Map(
      (
        await db.pool.query(
          'SELECT event_id, count(*)::int AS n FROM event_store.events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
          [ids],
        )
      ).rows.map((r) => [r.event_id as string, r.n as number]),
    );
  /** After the hang: writes go on, 2xx'd events are stored once, 503'd ones are not stored and a retry records each once. */
  const expectRecovery = async (answers: Answer[]) => {
    await pollUntil(async () => (await post(departedEnvelope())).status === 201, {
      what: 'a write to succeed after the release',
      timeoutMs: 20000,
    });
    const ok = answers.filter((a) => a.status === 201).map((a) => a.envelope.id);
    const refused = answers.filter((a) => a.status === 503);
    const stored = await countOf(answers.map((a) => a.envelope.id));
    for (const id of ok) expect(stored.get(id)).toBe(1);
    for (const a of refused) expect(stored.get(a.envelope.id)).toBeUndefined();
    for (const a of refused) expect((await post(a.envelope)).status).toBe(201);
    const after = await countOf(refused.map((a) => a.envelope.id));
    for (const a of refused) expect(after.get(a.envelope.id)).toBe(1);
  };

  beforeAll(async () => {
    db = await createTestDatabase('store-hang');
    key = testApiKey();
    ingest = await startApp('ingest', {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: testTopics('store-hang').prefix,
      NEWSROOM_API_KEYS: `${key}:write`,
      INGEST_CONSUME_SUBMISSIONS: 'false',
      DATABASE_POOL_MAX: '6',
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DATABASE_LOCK_TIMEOUT_MS: '0',
      INGEST_APPEND_QUEUE_MAX_SUBMISSIONS: '20',
      INGEST_APPEND_QUEUE_MAX_EVENTS: '200',
      INGEST_WRITE_READS_QUEUE_MAX: '20',
    });
  });
  afterAll(async () => {
    await ingest?.stop();
    await db?.drop();
  });

  async function whileHeld(
    hold: (client: PoolClient) => Promise<void>,
    release: (client: PoolClient) => Promise<void>,
  ): Promise<{ answers: Answer[]; rssBefore: number; rssAfter: number }> {
    const client = await db.pool.connect();
    try {
      const rssBefore = await rss();
      await hold(client);
      let answers: Answer[];
      try {
        answers = await burst();
      } finally {
        await release(client);
      }
      return { answers, rssBefore, rssAfter: await rss() };
    } finally {
      client.release();
    }
  }

  const expectAliveAndBounded = async (r: { rssBefore: number; rssAfter: number }) => {
    expect(ingest.process.exitCode).toBeNull();
    expect((await fetch(`${ingest.url}/health/live`)).status).toBe(200);
    // Generous: the point is "bounded", not a figure (a few hundred small requests are nowhere near this).
    expect(r.rssAfter - r.rssBefore).toBeLessThan(256 * 1024 * 1024);
  };

  it('given the append lock held by another session, then appends time out or are refused as busy with 503 + Retry-After, and recover', async () => {
    const r = await whileHeld(
      async (c) => void (await c.query('SELECT pg_advisory_lock($1)', [APPEND_LOCK_KEY])),
      async (c) => void (await c.query('SELECT pg_advisory_unlock($1)', [APPEND_LOCK_KEY])),
    );
    expect(r.answers).toHaveLength(BURST);
    expectClean(r.answers);
    const codes = new Set(r.answers.filter((a) => a.status === 503).map((a) => a.body?.code));
    expect(codes.has('STORE.BUSY')).toBe(true);
    expect(codes.has('STORE.TIMEOUT')).toBe(true);
    await expectAliveAndBounded(r);
    await expectRecovery(r.answers);
  });

  it('given the events table locked (reads hang too), then every write still answers 201 or a clean 503 promptly, and recovers', async () => {
    const r = await whileHeld(
      async (c) => {
        await c.query('BEGIN');
        await c.query('LOCK TABLE event_store.events IN ACCESS EXCLUSIVE MODE');
      },
      async (c) => void (await c.query('ROLLBACK')),
    );
    expect(r.answers).toHaveLength(BURST);
    expectClean(r.answers);
    expect(r.answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    await expectAliveAndBounded(r);
    await expectRecovery(r.answers);
  });
});
