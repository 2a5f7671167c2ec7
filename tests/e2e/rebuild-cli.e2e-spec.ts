import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, pollUntil, RunningApp, startApp, TestDatabase } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';

const ROOT = join(__dirname, '..', '..');
const REBUILD_MAIN = join(ROOT, 'dist/apps/projector/src/rebuild/rebuild.main.js');
const REPLAY_MAIN = join(ROOT, 'dist/apps/projector/src/replay/replay.main.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** A compiled main or the CLI as the operator runs it; `onStart` gets the process (to signal it). */
function run(args: string[], env: Record<string, string>, onStart?: (child: ChildProcess, out: () => string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
    onStart?.(child, () => out);
  });
}

describe('rebuilding read models as the operator runs it (npm run rebuild, newsroom rebuild)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let query: RunningApp;
  const partialOf = async (path: string) => (await fetch(`${query.url}${path}`)).headers.get('newsroom-partial');
  const rebuildMain = (args: string[]) => run(['-r', join(ROOT, 'scripts', 'register-paths.js'), REBUILD_MAIN, ...args], env);
  const replay = () => run(['-r', join(ROOT, 'scripts', 'register-paths.js'), REPLAY_MAIN, '--from-dlq'], env);
  const newsroom = (args: string[]) => newsroomCli(args, { env, timeoutMs: 120_000 });
  const checkpoints = async () =>
    Number((await db.pool.query('SELECT count(*)::int AS n FROM read_model.projection_checkpoints')).rows[0].n);
  const rebuildSessions = async () =>
    Number(
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rebuild'`,
        )
      ).rows[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_cli');
    env = { DATABASE_URL: db.url, KAFKA_TOPIC_PREFIX: `rebuild-cli-${process.pid}` };
    // Enough events that a rebuild a page of one event at a time takes a while.
    await new PgEventStore(db.pool).appendMany(
      Array.from({ length: 1500 }, (_, i) => ({ streamId: `person:rebuild-cli-${i}`, expectedVersion: 0, events: [eventToAppend()] })),
    );
    // The query service over it; no projector has run: no read model has folded any of the log yet.
    query = await startApp('query', { ...env, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' });
  });
  afterAll(async () => {
    await query?.stop();
    await db?.drop();
  });

  it('--help prints the usage and exit codes and rebuilds nothing; an unknown flag or bad value is refused with exit 2', async () => {
    const help = await rebuildMain(['--help']);
    expect(help.out).toMatch(/^usage: npm run rebuild -- \[projection \.\.\.\|all\] \[--batch=N\]/);
    expect(help.out).toMatch(/exit codes: 0 done, 1 failed, 2 bad usage, 3 refused/);
    expect(help.code).toBe(0);
    for (const args of [['--hepl'], ['--dry-run', 'departures'], ['departure'], ['--batch=0']]) {
      const bad = await rebuildMain(args);
      expect({ args, err: bad.err }).toEqual({
        args,
        err: expect.stringMatching(/^\[rebuild\] (unknown option|unknown projection|--batch must)[^]*usage: npm run rebuild/),
      });
      expect(bad.out).toBe('');
      expect(bad.code).toBe(2);
    }
    const cliHelp = await newsroom(['rebuild', '--help']);
    expect(cliHelp.out).toMatch(/Exit codes: 0 done, 1 failed, 2 bad usage, 3 refused[^]*128\+n stopped by signal n/);
    expect(cliHelp.code).toBe(0);
    expect((await newsroom(['rebuild', '--hepl'])).code).toBe(2);
    const unknown = await newsroom(['rebuild', 'departure']);
    expect(unknown.err).toMatch(/unknown projection departure; known: all, /);
    expect(unknown.code).toBe(2);
    // Nothing was rebuilt: a rebuild sets its read models' checkpoints.
    expect(await checkpoints()).toBe(0);
  });

  it('a rebuild already running: the second is refused with exit 3, naming who holds it', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query(`SET application_name = 'first-rebuild'`);
      await holder.query(`SELECT pg_advisory_lock($1, hashtext('departures'))`, [0x5242]);
      const second = await newsroom(['rebuild', 'departures']);
      expect(second.err).toMatch(/refused: a rebuild of departures is already running \(Postgres backend \d+ of first-rebuild/);
      expect(second.code).toBe(3);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });

  it('SIGTERM to newsroom rebuild stops the rebuild too, and it exits 143; the live read models are as they were', async () => {
    let sentAt = 0;
    const stopped = await run([join(ROOT, 'bin', 'newsroom.js'), 'rebuild', '--batch', '1'], env, (child, out) => {
      void pollUntil(async () => /fold position \d+\/\d+/.test(out()) || null, { timeoutMs: 60_000, what: 'the rebuild folding' }).then(
        () => {
          sentAt = Date.now();
          child.kill('SIGTERM');
        },
      );
    });
    expect(sentAt).toBeGreaterThan(0);
    expect(stopped.out).not.toMatch(/done: swapped in/);
    expect(stopped.err).toMatch(/SIGTERM: stopping/);
    expect(stopped.code).toBe(143);
    // Its process is gone with it: no rebuild session is left in the database.
    await pollUntil(async () => (await rebuildSessions()) === 0 || null, { timeoutMs: 10_000, what: 'the rebuild sessions gone' });
    expect(await checkpoints()).toBe(0);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM read_model.departures')).rows[0].n).toBe(0);
  });

  it('before any projector ran on the log, reports say they are partial; after the rebuild, whole', async () => {
    expect(await partialOf('/v1/reports/departures?organization=org:openai')).toBe('departures, feed, entity-links, conflicts');
    const cli = await newsroomCli(['report', 'departures', '--organization', 'org:openai', '--json'], {
      env: { NEWSROOM_QUERY_URL: query.url },
    });
    expect(cli.err).toMatch(/note: partial: the history of departures, feed, entity-links, conflicts is still being folded in/);
  });

  it('a rebuild that folds positions the live projector had failed resolves them: the replay then has nothing to do', async () => {
    // What the projector records when it gives up on a position (a bug fixed since): two positions, two read models.
    await db.pool.query(
      `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
       SELECT p, e.global_position, e.event_id, e.type, 'failed live'
       FROM (SELECT * FROM event_store.events ORDER BY global_position LIMIT 2) e, unnest(ARRAY['departures', 'feed']) p`,
    );
    const r = await newsroom(['rebuild']);
    expect(r.out).toMatch(/\[rebuild\] done: swapped in [a-z, -]+ at position 1500/);
    expect(r.out).toMatch(/\[rebuild\] 4 failed position\(s\) recorded for them were folded in and are resolved/);
    expect(r.code).toBe(0);
    expect((await db.pool.query('SELECT * FROM read_model.projection_failures')).rows).toEqual([]);
    const after = await replay();
    expect(after.out).toMatch(/no failed positions to replay/);
    expect(after.code).toBe(0);
    // Every read model now holds the log up to its head (the query service reads it at most a second late).
    await pollUntil(async () => (await partialOf('/v1/reports/departures?organization=org:openai')) === null || null, {
      timeoutMs: 10_000,
      what: 'the departures report whole',
    });
  });
});
