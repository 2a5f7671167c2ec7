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
 * Events the projector has committed from `topic`: the sum over partitions of the feed projection's checkpoint
 * (the offset of the last message applied, plus one), which moves in the same transaction as the read-model rows.
 * On a topic the relay filled from offset 0, that is the number of events in the read models; an in-process
 * counter would move before the commit. After a rebuild the checkpoints start at -1 (nothing from the topic yet).
 */
export async function committedEvents(db: Pool | StageGate, topic: string): Promise<number> {
  const sql = `SELECT coalesce(sum(last_offset + 1), 0) AS n FROM read_model.projection_checkpoints WHERE projection = 'feed' AND topic = $1`;
  const rows = db instanceof StageGate ? await db.query<{ n: string }>(sql, [topic]) : (await db.query(sql, [topic])).rows;
  return Number(rows[0].n);
}

export interface ProjectorRun extends StageRun {
  /** Committed events over time from the gate's opening (ms since it, events since it). */
  samples: Array<{ ms: number; events: number }>;
}

/**
 * The projector app draining a pre-filled topic: held at the gate (its checkpoint table locked) while it boots and
 * joins the group, released, timed until it has committed every event or the window closes.
 */
export async function measureProjector(options: {
  pool: Pool;
  topic: string;
  events: number;
  start: () => Promise<BenchApp>;
  windowMs: number;
  /** Called as the gate opens (the projector booted and waiting): where a CPU window over the drain starts. */
  onOpen?: () => void;
}): Promise<ProjectorRun> {
  const { gate } = await startBehindGate(options.pool, 'read_model.projection_checkpoints', options.start);
  // Read in the gate's own transaction (the table is locked to everyone else); nothing commits past the gate.
  const early = await committedEvents(gate, options.topic);
  options.onOpen?.();
  const started = await gate.open();
  const samples: ProjectorRun['samples'] = [];
  const probe = async () => {
    const n = await committedEvents(options.pool, options.topic);
    samples.push({ ms: performance.now() - started, events: n - early });
    return n;
  };
  const done = await until(probe, early, options.events, options.windowMs, 50);
  const events = done.value - early;
  return {
    rate: (events * 1000) / (done.at - started),
    events,
    of: options.events - early,
    ms: done.at - started,
    gated: early === 0,
    samples,
  };
}

/**
 * The rate between two points of a drain (committed events `from` and `to`), from its samples: the projector's
 * rate at that size of the log. Null when the drain did not reach `to`.
 */
export function rateBetween(samples: ProjectorRun['samples'], from: number, to: number): number | null {
  const a = from === 0 ? { ms: 0, events: 0 } : samples.find((s) => s.events >= from);
  const b = samples.find((s) => s.events >= to);
  if (!a || !b || b.ms <= a.ms) return null;
  return ((b.events - a.events) * 1000) / (b.ms - a.ms);
}

/**
 * One chunk through running projector instances: the gate closes, `fill` appends `chunk` events to the store, the
 * relay publishes them (waited for), the gate opens, and the projectors are timed until they have committed
 * everything on the topic (`published()` events: the chunk and any backlog left before it) or the window closes.
 * The rate is events committed from the gate's opening over that time: the projector alone (the relay is done
 * before the clock starts), at whatever size the log has.
 */
export async function measureProjectorChunk(options: {
  pool: Pool;
  topic: string;
  chunk: number;
  fill: () => Promise<void>;
  /** Events on the topic once the chunk is published (what "everything committed" means). */
  published: () => Promise<number>;
  windowMs: number;
}): Promise<StageRun> {
  const gate = await StageGate.close(options.pool, 'read_model.projection_checkpoints');
  let started: number;
  let base: number;
  let target: number;
  try {
    base = await committedEvents(gate, options.topic);
    await options.fill();
    const { rows } = await options.pool.query('SELECT coalesce(max(global_position), 0) AS head FROM event_store.events');
    const head = Number(rows[0].head);
    const relayed = await until(
      async () => {
        const r = await options.pool.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [options.topic]);
        return Number(r.rows[0]?.position ?? 0);
      },
      0,
      head,
      60_000,
      50,
    );
    if (relayed.value < head) throw new Error(`the relay had not published the chunk after 60 s (${relayed.value} of ${head})`);
    target = await options.published();
  } finally {
    started = await gate.open();
  }
  const done = await until(() => committedEvents(options.pool, options.topic), base, target, options.windowMs, 50);
  const events = done.value - base;
  return { rate: (events * 1000) / (done.at - started), events, of: target - base, ms: done.at - started, gated: true };
}
