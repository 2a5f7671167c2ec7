import { Pool } from 'pg';
import { BenchApp, scrapeCounter } from '../support/bench-apps';
import { sleep } from '../support/say';
import { StageGate } from './stage-gate';

export interface StageRun {
  rate: number;
  events: number;
  /** Events the stage had to do; more than `events` when the window closed first. */
  of: number;
  ms: number;
  /** False when the app had already moved before the gate opened (the timing then starts at the first sample). */
  gated: boolean;
}

/**
 * Polls `probe` until it reaches `target` or the window closes; a window closing before the first progress past
 * `from` is stretched (up to 30 s more), so a slow first batch on a loaded machine gives a low rate, not none.
 */
async function until(
  probe: () => Promise<number>,
  from: number,
  target: number,
  windowMs: number,
  intervalMs: number,
): Promise<{ value: number; at: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    const at = performance.now();
    const over = at - started > windowMs && (value > from || at - started > windowMs + 30_000);
    if (value >= target || over) return { value, at };
    await sleep(intervalMs);
  }
}

/** Starts an app while its checkpoint table is locked, so it boots and waits there; the gate opens if it fails to start. */
async function startBehindGate(pool: Pool, table: string, start: () => Promise<BenchApp>): Promise<{ gate: StageGate; app: BenchApp }> {
  const gate = await StageGate.close(pool, table);
  try {
    return { gate, app: await start() };
  } catch (error) {
    await gate.open();
    throw error;
  }
}

/**
 * The relay app over a pre-filled store: held at the gate (its checkpoint table locked) while it boots, released,
 * timed until its checkpoint reaches the head of the log or the window closes. Progress is its checkpoint row.
 */
export async function measureRelay(options: {
  pool: Pool;
  topic: string;
  head: number;
  start: () => Promise<BenchApp>;
  windowMs: number;
}): Promise<StageRun> {
  const { gate, app } = await startBehindGate(options.pool, 'event_store.relay_checkpoints', options.start);
  const early = await scrapeCounter(app.url, 'relay_events_published_total');
  const started = await gate.open();
  const checkpoint = async () => {
    const { rows } = await options.pool.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [options.topic]);
    return rows.length ? Number(rows[0].position) : 0;
  };
  const done = await until(checkpoint, early, options.head, options.windowMs, 20);
  const events = done.value - early;
  return { rate: (events * 1000) / (done.at - started), events, of: options.head - early, ms: done.at - started, gated: early === 0 };
}

/**
 * The projector app draining a pre-filled topic: held at the gate (its checkpoint table locked) while it boots and
 * joins the group, released, timed until it has applied every event or the window closes (its applied counter,
 * for the feed projection; every projection is applied in the same transaction).
 */
export async function measureProjector(options: {
  pool: Pool;
  events: number;
  start: () => Promise<BenchApp>;
  windowMs: number;
}): Promise<StageRun> {
  const { gate, app } = await startBehindGate(options.pool, 'read_model.projection_checkpoints', options.start);
  const applied = () => scrapeCounter(app.url, 'projector_events_applied_total', 'projection="feed"');
  const early = await applied();
  const started = await gate.open();
  const done = await until(applied, early, options.events, options.windowMs, 50);
  const events = done.value - early;
  return { rate: (events * 1000) / (done.at - started), events, of: options.events - early, ms: done.at - started, gated: early === 0 };
}
