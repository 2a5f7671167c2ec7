import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BenchConfig } from '../config/bench.config';
import { BenchPlan } from '../plan/bench-plan';
import { Curve, Figure, FigureId } from '../report/figures';
import { AppName, BenchApp, startApp } from '../support/bench-apps';
import { say } from '../support/say';

/** The file beside a profile directory's profiles saying which process `pid` was (see `profiledProcessOf`). */
const labelFile = (dir: string, pid: number) => join(dir, `${pid}.process`);

export function labelProfiledProcess(dir: string, pid: number, name: string): void {
  writeFileSync(labelFile(dir, pid), name);
}

/** Which process wrote a profile (`CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile`), when it was labelled. */
export function profiledProcessOf(file: string): string | null {
  const pid = Number(basename(file).split('.')[3]);
  if (!Number.isInteger(pid)) return null;
  try {
    return readFileSync(labelFile(dirname(file), pid), 'utf8');
  } catch {
    return null;
  }
}

/** Which processes to run under `node --cpu-prof` ('self' is the group process, for in-process stages). */
export interface ProfileRequest {
  processes: Array<AppName | 'self'>;
  dir: string;
}

/** What main hands to a group process (over IPC). */
export interface GroupInput {
  group: string;
  config: BenchConfig;
  plan: BenchPlan;
  runId: string;
  /** Epoch ms by which the whole run should be done; the last group fits its time-boxed part into it. */
  deadline: number;
  profile: ProfileRequest | null;
  /** Figures of earlier groups (context only: no load rate is derived from our own results). */
  known: Partial<Record<FigureId, number>>;
}

export interface GroupOutput {
  figures: Figure[];
  curves: Curve[];
  notes: string[];
  profiles: string[];
}

type Cleanup = () => Promise<void> | void;

/** Shared plumbing of a group: figures, clean-ups run in reverse order, and apps started with the right env. */
export class GroupContext {
  readonly figures: Figure[] = [];
  readonly curves: Curve[] = [];
  readonly notes: string[] = [];
  private readonly cleanups: Cleanup[] = [];
  private readonly apps: BenchApp[] = [];
  /** Set once clean-up began (end of the group or an interrupt): nothing new may start after that. */
  private closing = false;
  readonly logDir: string;

  constructor(readonly input: GroupInput) {
    this.logDir = join(input.config.tmpDir, input.runId, 'logs');
  }

  get config() {
    return this.input.config;
  }

  get plan() {
    return this.input.plan;
  }

  log(message: string): void {
    say(this.input.group, message);
  }

  add(id: FigureId, value: number, note?: string, samples?: number[]): void {
    this.figures.push({ id, value, ...(note ? { note } : {}), ...(samples ? { samples } : {}) });
    const shown = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : x === Infinity ? '∞' : x);
    this.log(`${id} = ${shown(value)}${samples ? ` [${samples.map(shown).join(', ')}]` : ''}${note ? ` (${note})` : ''}`);
  }

  /**
   * Runs each measurement `rounds` times, round-robin (A B C A B C: every ours/baseline pair alternates), and adds
   * each figure with the mean of its runs and every run as its samples (the spread the results print).
   */
  async rounds(measures: Array<{ id: FigureId; note: string; run: () => Promise<number> }>, rounds = 2): Promise<void> {
    const samples = new Map<FigureId, number[]>(measures.map((m) => [m.id, []]));
    for (let r = 0; r < rounds; r++) {
      for (const m of measures) {
        const value = await m.run();
        samples.get(m.id)!.push(value);
        this.log(`${m.id} run ${r + 1}: ${Math.round(value * 10) / 10}`);
      }
    }
    for (const m of measures) {
      const all = samples.get(m.id)!;
      this.add(m.id, all.reduce((a, b) => a + b, 0) / all.length, m.note, all);
    }
  }

  curve(curve: Curve): void {
    this.curves.push(curve);
    this.log(`curve ${curve.id}: ${curve.rows.map((r) => r.join(' ')).join('; ')}`);
  }

  note(text: string): void {
    this.notes.push(text);
    this.log(text);
  }

  onCleanup(fn: Cleanup): void {
    if (this.closing)
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    else this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    this.closing = true;
    while (this.cleanups.length) {
      const fn = this.cleanups.pop()!;
      await Promise.resolve()
        .then(fn)
        .catch((e) => this.log(`clean-up step failed: ${(e as Error).message}`));
    }
  }

  /** Environment of an app: the machine's, then the run's settings; nothing from the caller's shell leaks in. */
  appEnv(overrides: Record<string, string>): Record<string, string> {
    const { DATABASE_URL: _d, KAFKA_TOPIC_PREFIX: _k, NODE_ENV: _n, LOG_LEVEL: _l, ...base } = this.config.baseEnv;
    return { ...base, NODE_ENV: 'production', LOG_LEVEL: 'warn', KAFKA_BROKERS: this.config.kafkaBrokers.join(','), ...overrides };
  }

  profiles(process: AppName | 'self'): boolean {
    return this.input.profile?.processes.includes(process) ?? false;
  }

  /** Starts an app (profiled when asked) and stops it at clean-up. */
  async startApp(name: AppName, env: Record<string, string>): Promise<BenchApp> {
    if (this.closing) throw new Error('the group is stopping');
    const cpuProfDir = this.profiles(name) ? this.input.profile!.dir : null;
    const app = await startApp(name, { env: this.appEnv(env), logDir: this.logDir, cpuProfDir });
    // Node names a profile by its process id only: the summary reads which app it was from here.
    if (cpuProfDir) labelProfiledProcess(cpuProfDir, app.pid, name);
    this.apps.push(app);
    this.onCleanup(() => app.stop());
    this.log(`${name} up at ${app.url}${cpuProfDir ? ' (under --cpu-prof)' : ''}`);
    return app;
  }

  /** Stops every app started so far (a phase is over; its processes should not eat the next one's CPU). */
  async stopApps(): Promise<void> {
    await Promise.all(this.apps.splice(0).map((a) => a.stop()));
  }

  /** Milliseconds left before the run's deadline. */
  remainingMs(): number {
    return this.input.deadline - Date.now();
  }
}
