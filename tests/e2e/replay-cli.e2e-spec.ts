import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';

const ROOT = join(__dirname, '..', '..');

/** `npm run replay -- --from-dlq` as an operator runs it (the compiled main): what it prints, how it exits. */
function replayCli(databaseUrl: string, args = ['--from-dlq']): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'scripts', 'register-paths.js'), join(ROOT, 'dist/apps/projector/src/replay/replay.main.js'), ...args],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('npm run replay -- --from-dlq (the CLI)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('replay_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('--help prints the usage and exit codes (exit 0); another argument is refused with the usage (exit 2); neither replays', async () => {
    const help = await replayCli(db.url, ['--help']);
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('Exit codes: 0 nothing left failing')]);
    for (const args of [['--from-dlq', '--bogus'], [], ['from-dlq']]) {
      const refused = await replayCli(db.url, args);
      expect([args, refused.code, refused.out]).toEqual([args, 2, expect.stringContaining('usage: npm run replay -- --from-dlq')]);
      expect(refused.out).not.toContain('failed position');
    }
  });

  it('reports what it replayed and what still fails, and exits non-zero while anything fails', async () => {
    const store = new PgEventStore(db.pool);
    const known = eventToAppend();
    const newer = eventToAppend({ schemaVersion: 7 });
    await store.append({ streamId: 'person:cli', expectedVersion: 0, events: [known, newer] });
    // What the projector records when it gives up on a position (here: one the shipped code cannot read, one it can).
    await db.pool.query(
      `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
       SELECT p, e.global_position, e.event_id, e.type, 'failed live' FROM event_store.events e, unnest(ARRAY['feed', 'departures']) p`,
    );
    const first = await replayCli(db.url);
    expect(first.out).toMatch(/applied position 1 \(executive\.departed [0-9a-f-]+\) to departures/);
    expect(first.out).toMatch(/applied position 1 \(executive\.departed [0-9a-f-]+\) to feed/);
    expect(first.out).toMatch(/still fails: position 2 .* for feed: .*no schema version 7/);
    expect(first.out).toMatch(/done: 2 applied, 2 still failing/);
    expect(first.code).toBe(1);
    const rows = await db.pool.query('SELECT projection, position::int AS position FROM read_model.projection_failures ORDER BY 1');
    expect(rows.rows).toEqual([
      { projection: 'departures', position: 2 },
      { projection: 'feed', position: 2 },
    ]);
    expect((await db.pool.query('SELECT event_id FROM read_model.feed_items')).rows).toEqual([{ event_id: known.eventId }]);

    // Once nothing is left failing, it says so and exits 0.
    await db.pool.query('DELETE FROM read_model.projection_failures');
    const second = await replayCli(db.url);
    expect(second.out).toMatch(/no failed positions to replay/);
    expect(second.code).toBe(0);
  });
});
