import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Curve } from '../report/figures';

/**
 * Where the machine's CPU went during a window, by kind of process: the time each kind ran (utime + stime of
 * every thread, /proc/<pid>/stat) and the time its threads were runnable but waited for a CPU (the scheduler's
 * run-queue delay, the second field of /proc/<pid>/task/<tid>/schedstat). On a machine where everything shares
 * two cores, the wait is the part of a latency no code change in that process removes: it is the other
 * processes' CPU. Processes that exit inside the window are not counted (the bench's are long-lived).
 */
interface ProcSample {
  kind: string;
  ticks: number;
  waitNs: number;
  runNs: number;
}

export interface CpuSnapshot {
  at: number;
  procs: Map<number, ProcSample>;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function kindOf(pid: number): string | null {
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
  if (!cmd) return null;
  if (cmd.includes('/rebuild/rebuild.main')) return 'rebuild command';
  const app = /dist\/apps\/(ingest|relay|projector|query)\//.exec(cmd);
  if (app) return app[1];
  if (cmd.startsWith('postgres') || cmd.includes('/postgres ')) {
    // Backends are named "postgres: <cluster>: <user> <db> ...", the server's own workers by their role.
    if (cmd.includes('autovacuum')) return 'postgres (autovacuum)';
    if (/: (walwriter|checkpointer|background writer|wal writer)/.test(cmd)) return 'postgres (WAL, checkpoints)';
    return 'postgres (queries)';
  }
  if (/kafka\.Kafka|kafka-server|infra\/kafka/.test(cmd) && cmd.includes('java')) return 'kafka';
  if (cmd.includes('sse-client.process')) return 'bench clients';
  if (cmd.includes('bench/') || cmd.includes('group-runner')) return 'bench (load, probes)';
  return 'other';
}

function readTasks(pid: number): { waitNs: number; runNs: number } {
  let waitNs = 0;
  let runNs = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { waitNs, runNs };
  }
  for (const tid of tids) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
      runNs += run || 0;
      waitNs += wait || 0;
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return { waitNs, runNs };
}

export function snapshotCpu(): CpuSnapshot {
  const procs = new Map<number, ProcSample>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const kind = kindOf(pid);
    if (!kind) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      procs.set(pid, { kind, ticks, ...readTasks(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return { at: performance.now(), procs };
}

/**
 * A window over which processes come and go (a command run to its end, and the Postgres backends it connected): the
 * machine is read every `everyMs` until `stop`, and the end snapshot keeps each process's last reading, so one that
 * exited inside the window still counts, all but its last interval's CPU. A pid taken by a new process meanwhile
 * (its CPU lower than the old one's last reading, or its kind another) keeps the old one's reading apart.
 */
export function trackCpu(everyMs = 500): { from: CpuSnapshot; stop(): CpuSnapshot } {
  const from = snapshotCpu();
  const seen = new Map(from.procs);
  let gone = -1;
  const take = () => {
    for (const [pid, sample] of snapshotCpu().procs) {
      const before = seen.get(pid);
      if (before && (sample.ticks < before.ticks || sample.kind !== before.kind)) seen.set(gone--, before);
      seen.set(pid, sample);
    }
  };
  const timer = setInterval(take, everyMs);
  timer.unref();
  let end: CpuSnapshot | null = null;
  return {
    from,
    /** Ends the readings (once; later calls return the same snapshot). */
    stop() {
      if (!end) {
        clearInterval(timer);
        take();
        end = { at: performance.now(), procs: seen };
      }
      return end;
    },
  };
}

interface CpuShare {
  kind: string;
  cpuSeconds: number;
  /** Of the machine's capacity over the window (all cores). */
  sharePercent: number;
  waitSeconds: number;
  /** Waited / (ran + waited): how much of the time it wanted a CPU it did not get one. */
  waitPercent: number;
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): { seconds: number; cores: number; shares: CpuShare[]; idlePercent: number } {
  const seconds = (b.at - a.at) / 1000;
  const cores = cpus().length;
  const byKind = new Map<string, { ticks: number; waitNs: number; runNs: number }>();
  for (const [pid, end] of b.procs) {
    const start = a.procs.get(pid);
    const k = byKind.get(end.kind) ?? { ticks: 0, waitNs: 0, runNs: 0 };
    k.ticks += end.ticks - (start?.ticks ?? 0);
    k.waitNs += end.waitNs - (start?.waitNs ?? 0);
    k.runNs += end.runNs - (start?.runNs ?? 0);
    byKind.set(end.kind, k);
  }
  const shares = [...byKind]
    .map(([kind, k]) => {
      const cpuSeconds = k.ticks / TICKS_PER_SECOND;
      return {
        kind,
        cpuSeconds,
        sharePercent: seconds > 0 ? (100 * cpuSeconds) / (seconds * cores) : 0,
        waitSeconds: k.waitNs / 1e9,
        waitPercent: k.runNs + k.waitNs > 0 ? (100 * k.waitNs) / (k.runNs + k.waitNs) : 0,
      };
    })
    .filter((s) => s.cpuSeconds > 0 || s.waitSeconds > 0)
    .sort((x, y) => y.cpuSeconds - x.cpuSeconds);
  const busy = shares.reduce((sum, s) => sum + s.sharePercent, 0);
  return { seconds, cores, shares, idlePercent: Math.max(0, 100 - busy) };
}

/**
 * What a window carried, to put its CPU in terms of the work: `events` that went through the stages measured,
 * and the rate a target asks of them (`target`, events/s). The bench's own processes (its load, probes and clients)
 * are left out of the cost: a newsroom's writers and readers run elsewhere.
 */
export interface CpuWork {
  events: number;
  target?: { rate: number; name: string };
}

/** Kinds of process that are the bench's own, not the stack's. */
const BENCH_KINDS = new Set(['bench (load, probes)', 'bench clients']);

/**
 * Where the CPU went between two snapshots, as a results table. With `work`, each process's CPU an event too, and
 * the note says what the stack's CPU an event was and how many cores of that cost the target's rate would keep busy:
 * a target that needs more cores than the machine has is out of reach of scheduling alone, whatever runs first.
 */
export function cpuCurve(id: string, title: string, a: CpuSnapshot, b: CpuSnapshot, work?: CpuWork): Curve {
  const { seconds, cores, shares, idlePercent } = cpuBetween(a, b);
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  const perEvent = work && work.events > 0 ? (cpuSeconds: number) => (cpuSeconds * 1e6) / work.events : null;
  const stackSeconds = shares.filter((s) => !BENCH_KINDS.has(s.kind)).reduce((sum, s) => sum + s.cpuSeconds, 0);
  let cost = '';
  if (work && perEvent) {
    const us = perEvent(stackSeconds);
    cost = ` ${work.events} events went through in it: ${Math.round(us)} µs of the stack's CPU an event (every process but the bench's own).`;
    if (work.target)
      cost += ` At that cost, the ${work.target.rate} events/s of the target "${work.target.name}" would keep ${round((work.target.rate * us) / 1e6, 2)} cores busy; this machine has ${cores}.`;
  } else if (work) cost = ' No events went through in it.';
  return {
    id: `cpu-${id}`,
    title: `Where the CPU went: ${title}`,
    note:
      `${round(seconds)} s on ${cores} cores; the machine was idle ${round(idlePercent)}% of it.${cost} CPU from /proc/<pid>/stat (every thread); ` +
      `"waited" is the scheduler's run-queue delay (/proc/<pid>/task/*/schedstat): time a thread was ready to run and no core was free.`,
    columns: [
      'processes',
      'CPU s',
      ...(perEvent ? ['CPU µs an event'] : []),
      'share of the machine %',
      'waited for a core s',
      'waited / (ran + waited) %',
    ],
    rows: shares.map((s) => [
      s.kind,
      round(s.cpuSeconds).toFixed(1),
      ...(perEvent ? [Math.round(perEvent(s.cpuSeconds)).toString()] : []),
      ...[s.sharePercent, s.waitSeconds, s.waitPercent].map((x) => round(x).toFixed(1)),
    ]),
  };
}
