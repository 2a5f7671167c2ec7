import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PgEventStore, StoredEvent } from '@newsroom/event-store';
import { IncomingMessage, toWireEvent } from '@newsroom/messaging';
import { FeedItemsProjection, ProjectionRunner } from '@newsroom/projections';
import { ROOT } from '../config/bench.config';
import { BenchDatabase } from '../support/bench-database';

export interface RebuildRun {
  events: number;
  of: number;
  ms: number;
  rate: number;
  complete: boolean;
  how: string;
}

/** The projector's own rebuild command, once built: `auto` uses it when it is there. */
const REBUILD_MAIN = 'dist/apps/projector/src/rebuild/rebuild.main.js';

/**
 * `auto` | `fold` | a shell command; returns the command to run, or null for the in-process fold. Profiling
 * (`cpuProfDir`) reaches the auto command only; a command of your own is yours to profile.
 */
export function rebuildCommandOf(setting: string, cpuProfDir: string | null): string | null {
  if (setting === 'fold') return null;
  if (setting !== 'auto') return setting;
  if (!existsSync(join(ROOT, REBUILD_MAIN))) return null;
  const profile = cpuProfDir ? `--cpu-prof --cpu-prof-dir=${cpuProfDir} -r ./dist/bench/src/support/exit-on-signal.js ` : '';
  return `"${process.execPath}" ${profile}-r ./scripts/register-paths.js ${REBUILD_MAIN} all`;
}

/**
 * The rebuild path that exists in every version: the projector's ProjectionRunner folding the log, read from the
 * event store in pages of 1000 (the next page read while this one is applied), into the fresh read-model tables
 * of a new database, until the head or the window. Projections: the ones the bench knows to exist.
 */
export async function foldIntoFreshTables(db: BenchDatabase, head: number, windowMs: number): Promise<RebuildRun> {
  const ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 2, application_name: 'bench-rebuild' } }).initialize();
  try {
    const store = new PgEventStore(db.pool);
    let dead = 0;
    const runner = new ProjectionRunner(
      ds,
      [new FeedItemsProjection()],
      { publish: async (_t, m) => void (dead += m.length) },
      { dlqTopic: 'rebuild.dlq', maxAttempts: 3 },
    );
    const toMessages = (events: StoredEvent[]): IncomingMessage[] =>
      events.map((e) => ({
        topic: 'rebuild',
        partition: 0,
        offset: e.globalPosition,
        key: e.streamId,
        value: Buffer.from(JSON.stringify(toWireEvent(e))),
        headers: {},
      }));
    const started = performance.now();
    let done = 0;
    let page = store.readAll(0, 1000);
    for (;;) {
      const events = await page;
      if (events.length === 0 || performance.now() - started > windowMs) break;
      page = store.readAll(events[events.length - 1].globalPosition, 1000);
      await runner.handleBatch({ topic: 'rebuild', partition: 0, messages: toMessages(events) });
      done += events.length;
    }
    await page.catch(() => undefined);
    const ms = performance.now() - started;
    if (dead) throw new Error(`${dead} events were dead-lettered during the rebuild`);
    return {
      events: done,
      of: head,
      ms,
      rate: (done * 1000) / ms,
      complete: done >= head,
      how: 'ProjectionRunner fold (feed projection) in process',
    };
  } finally {
    await ds.destroy();
  }
}

/**
 * An external rebuild command over the database in $DATABASE_URL, timed from start to exit, stopped at the end of
 * the window. Its progress lines ("... N events ...") say how far it got when it is stopped early.
 */
export async function runRebuildCommand(
  command: string,
  env: Record<string, string>,
  head: number,
  windowMs: number,
  log: (line: string) => void,
): Promise<RebuildRun> {
  const started = performance.now();
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastProgress = 0;
  let tail = '';
  const read = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    for (const line of chunk.toString().split('\n')) {
      const n = /(\d+) events\b/.exec(line);
      if (n) lastProgress = Math.max(lastProgress, Number(n[1]));
    }
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const timer = setTimeout(() => {
    log(`rebuild window of ${Math.round(windowMs / 1000)} s is over: stopping the command`);
    child.kill('SIGTERM');
  }, windowMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const ms = performance.now() - started;
  const complete = code === 0;
  if (!complete && lastProgress === 0) throw new Error(`the rebuild command failed (${code}) without progress: ${tail.slice(-800)}`);
  const events = complete ? head : lastProgress;
  const shown = command
    .replace(process.execPath, 'node')
    .replace(/"/g, '')
    .replace(/--cpu-prof\S* |-r \S+exit-on-signal\S* /g, '');
  return { events, of: head, ms, rate: (events * 1000) / ms, complete, how: `\`${shown}\`` };
}
