import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { PoolClient } from 'pg';
import { initMetrics } from '@newsroom/platform';
import { createTestDatabase, departedEnvelope, TestDatabase } from '@newsroom/testing';
import { loadIngestConfig } from '../src/config/ingest.config';
import { startIngestHttp } from '../src/ingest-http.factory';

const WRITE = 'write-deadline-test-write';
const DEADLINE_MS = 400;

/**
 * Every write route answers within INGEST_WRITE_DEADLINE_MS while the event store hangs (its tables locked from
 * another session, statement and lock timeouts far longer than the deadline): 503 STORE.TIMEOUT, `recorded`
 * unknown, Retry-After. Once the lock goes, writes are recorded again.
 */
describe('the write deadline bounds every write route (ingest on real Postgres, the store hung by a lock)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}`, ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json()) as { code?: string; recorded?: string };
    return {
      status: res.status,
      code: json.code,
      recorded: json.recorded,
      retryAfter: res.headers.get('retry-after'),
      ms: Date.now() - started,
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase('write_deadline');
    const config = loadIngestConfig({
      DATABASE_URL: db.url,
      INGEST_PORT: '0',
      INGEST_CONSUME_SUBMISSIONS: 'false',
      NEWSROOM_API_KEYS: `${WRITE}:write`,
      INGEST_WRITE_DEADLINE_MS: String(DEADLINE_MS),
      DATABASE_STATEMENT_TIMEOUT_MS: '60000',
      DATABASE_LOCK_TIMEOUT_MS: '0',
      LOG_LEVEL: 'silent',
    });
    initMetrics('write-deadline-test');
    app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers 503 STORE.TIMEOUT on each write route past the deadline while the store hangs, then records again', async () => {
    const target = departedEnvelope();
    expect((await post('/v1/events', target)).status).toBe(201);
    const id = target.id as string;
    const routes: Array<[string, unknown, Record<string, string>?]> = [
      ['/v1/events', departedEnvelope()],
      ['/v1/events', { events: [departedEnvelope(), departedEnvelope()] }],
      [
        '/v1/stories',
        {
          story: { outlet: 'Example Daily', title: 'Une histoire', language: 'fr', publishedAt: '2024-12' },
          events: [{ ...departedEnvelope(), sources: undefined, quote: 'le départ soudain' }],
        },
      ],
      [`/v1/events/${id}/corrections`, { changes: { occurredAt: '2024-10' }, reason: 'the date was wrong' }],
      [`/v1/events/${id}/retractions`, { reason: 'a hoax' }],
      [
        `/v1/events/${id}/sources`,
        { source: { outlet: 'Second Wire', language: 'en', url: 'https://wire.example/a', publishedAt: '2024-09-26' }, stance: 'confirms' },
      ],
      [`/v1/conflicts/${randomUUID()}/resolution`, { standingEventId: id, reason: 'the filing says so' }],
      ['/v1/entities/person:sam-a/aliases', { subject: 'person:samuel-a', reason: 'same person' }],
      // Refused today but sent with a key: it reads the store for an amendment an earlier release recorded so.
      [`/v1/events/${id}/retractions`, { reason: 'a \u202ehoax' }, { 'idempotency-key': randomUUID() }],
    ];
    const holder: PoolClient = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE event_store.events, event_store.streams IN ACCESS EXCLUSIVE MODE');
      const answers = await Promise.all(routes.map(([path, body, headers]) => post(path, body, headers)));
      answers.forEach((a, i) => {
        expect({ route: routes[i][0], status: a.status, code: a.code, recorded: a.recorded }).toEqual({
          route: routes[i][0],
          status: 503,
          code: 'STORE.TIMEOUT',
          recorded: 'unknown',
        });
        expect(a.retryAfter).toMatch(/^\d+$/);
        // Not the statement timeout (60 s): the deadline, with room for a loaded machine.
        expect(a.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
        expect(a.ms).toBeLessThan(10_000);
      });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect((await post('/v1/events', departedEnvelope())).status).toBe(201);
  });
});
