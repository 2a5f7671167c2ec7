import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createTestDatabase, departedEnvelope, pollUntil, TestDatabase } from '@newsroom/testing';
import { startIngestApp } from './support/ingest-app.harness';

const WRITE = 'read-only-test-write';

/**
 * A store that takes no writes (a standby, a primary a failover demoted: SQLSTATE 25006) is a transient fault, not
 * bad data: a write answers 503 `recorded: false` with Retry-After and is recorded when retried on a writable store,
 * a batch is refused whole (no item "rejected"), reads still answer, and readiness fails its postgres check. Made
 * here with `default_transaction_read_only` on this test's own database only (the shared server is untouched).
 */
describe('ingest on a read-only event store (25006) or a database refusing connections (55000)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    // Problem bodies and answers, read field by field.
    const json: Record<string, unknown> = JSON.parse(text || 'null');
    return { status: res.status, headers: res.headers, json };
  };
  const post = (body: unknown) =>
    send('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}` },
      body: JSON.stringify(body),
    });
  /** Posts the same event until its answer is what `wanted` says (the pool meets terminated sessions first). */
  const postUntil = (event: unknown, wanted: (res: Awaited<ReturnType<typeof post>>) => boolean, what: string) =>
    pollUntil(
      async () => {
        const res = await post(event);
        return wanted(res) ? res : null;
      },
      { what, timeoutMs: 15_000 },
    );
  /** Sets the database's default for new sessions and ends this database's other sessions, so the pool reconnects. */
  const readOnly = async (on: boolean) => {
    await db.pool.query(
      `ALTER DATABASE "${db.name}" ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`,
    );
    await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('read_only');
    ({ app, url } = await startIngestApp(db, 'read-only-test', WRITE));
  });
  /** From the server's `postgres` database: this test's own refuses connections while the setting is on. */
  const allowConnections = async (allow: boolean) => {
    const admin = new Client({ connectionString: db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS ${allow}`);
      if (!allow) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    } finally {
      await admin.end();
    }
  };

  afterAll(async () => {
    await app?.close();
    if (db) await allowConnections(true).catch(() => undefined);
    if (db) await db.pool.query(`ALTER DATABASE "${db.name}" RESET default_transaction_read_only`).catch(() => undefined);
    await db?.drop();
  });

  it('answers 503 recorded:false for a write and a batch, keeps reads, says not ready; the same event is recorded once writable', async () => {
    const before = departedEnvelope();
    expect((await post(before)).status).toBe(201);
    await readOnly(true);
    const event = departedEnvelope();
    // The first write after the sessions ended may meet a terminated connection (recorded: unknown); the next ones
    // reach a read-only session.
    const refused = await postUntil(
      event,
      (res) => res.status === 503 && res.json.recorded === false,
      'a write refused by the read-only store',
    );
    expect(refused.json).toMatchObject({ status: 503, code: 'SERVICE.UNAVAILABLE' });
    expect(refused.json.detail).toMatch(/nothing was recorded/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const batch = await post({ events: [departedEnvelope(), departedEnvelope()] });
    expect([batch.status, batch.json.code, batch.json.recorded]).toEqual([503, 'SERVICE.UNAVAILABLE', false]);
    // Reads answer: the store is there, it only takes no writes.
    expect((await send(`/v1/events/${before.id}`)).status).toBe(200);
    const ready = await send('/health/ready');
    expect(ready.status).toBe(503);
    // The public answer names the check; its cause (the store is read-only) goes to the log.
    expect(ready.json.checks).toMatchObject({ postgres: 'down' });

    await readOnly(false);
    const recorded = await postUntil(
      event,
      (res) => res.status === 201 || res.status === 200,
      'the same write recorded once the store is writable',
    );
    expect([recorded.status, recorded.json.status]).toEqual([201, 'created']);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM event_store.events WHERE event_id = $1', [event.id]);
    expect(rows[0].n).toBe(1);
  });

  it('given the database set to refuse connections (ALLOW_CONNECTIONS false), then writes and reads answer 503, not 500, and the write lands once it is back', async () => {
    const before = departedEnvelope();
    expect((await post(before)).status).toBe(201);
    await allowConnections(false);
    const event = departedEnvelope();
    const refused = await postUntil(
      event,
      (res) => res.status === 503 && res.json.recorded === false,
      'a write refused while the database takes no connections',
    );
    expect(refused.json).toMatchObject({ status: 503, code: 'SERVICE.UNAVAILABLE' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The database's name (the server's message) stays in the log.
    expect(JSON.stringify(refused.json)).not.toContain(db.name);
    const read = await send(`/v1/events/${before.id}`);
    expect([read.status, read.json.code]).toEqual([503, 'SERVICE.UNAVAILABLE']);

    await allowConnections(true);
    const recorded = await postUntil(
      event,
      (res) => res.status === 201 || res.status === 200,
      'the same write recorded once the database takes connections',
    );
    expect([recorded.status, recorded.json.status]).toEqual([201, 'created']);
  });
});
