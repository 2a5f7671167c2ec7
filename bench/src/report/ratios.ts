import { AppName } from '../support/bench-apps';
import { FigureId, GroupName } from './figures';

export interface Target {
  op: '>=' | '<=' | '<';
  value: number;
}

/** ours / baseline; `profile` says which process does the work of `ours`. */
export interface RatioSpec {
  name: string;
  ours: FigureId;
  /** One figure, or several of which the smallest is taken (the slowest stage alone). */
  baseline: FigureId | FigureId[];
  target: Target | null;
  profile: { group: GroupName; processes: Array<AppName | 'self'> };
}

/** Where the work of a figure is done: its group, and the processes `--cpu-prof` runs under the profiler there. */
type ProfileSpec = RatioSpec['profile'];
/** Every stage an event passes through HTTP to the live feed: what the pipeline's figures measure. */
const PIPELINE_STAGES: ProfileSpec = { group: 'pipeline', processes: ['ingest', 'relay', 'projector', 'query'] };

/**
 * Every ratio the run computes. The first ones are issue 15's targets (see TARGETS for the table in its order);
 * the rest have no target of their own and are there to read the stages against their ceilings.
 */
export const RATIOS: RatioSpec[] = [
  {
    name: 'HTTP single appends / raw INSERTs at 16 clients',
    ours: 'appends.http.single16',
    baseline: 'pg.inserts16',
    target: { op: '>=', value: 0.3 },
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'HTTP batched appends / COPY at the same session count (4)',
    ours: 'appends.http.batch100',
    baseline: 'pg.copy4',
    target: { op: '>=', value: 0.5 },
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'append p99 on the long stream / on a stream of 10 (HTTP)',
    ours: 'appends.http.p99.long',
    baseline: 'appends.http.p99.short',
    target: { op: '<=', value: 1.2 },
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'projector / the same rows bulk-upserted',
    ours: 'projector',
    baseline: 'projector.bulk',
    target: { op: '>=', value: 0.7 },
    profile: { group: 'pipeline', processes: ['projector'] },
  },
  {
    name: 'pipeline / slowest stage alone',
    ours: 'pipeline.sustained',
    baseline: ['appends.http.batch100', 'relay', 'projector'],
    target: { op: '>=', value: 0.7 },
    profile: PIPELINE_STAGES,
  },
  {
    name: 'report p95 writing 500 events/s / idle',
    ours: 'reports.loadP95',
    baseline: 'reports.idleP95',
    target: { op: '<=', value: 1.5 },
    profile: { group: 'rebuild', processes: ['query'] },
  },
  {
    name: 'fan-out delivery p99 / bare SSE server',
    ours: 'sse.fanoutP99',
    baseline: 'sse.bare.fanoutP99',
    target: { op: '<=', value: 2 },
    profile: { group: 'fanout', processes: ['query'] },
  },
  {
    name: 'PgEventStore batched appends / COPY, 4 sessions each',
    ours: 'appends.direct.batch100',
    baseline: 'pg.copy4',
    target: null,
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'HTTP batched appends (4 clients) / COPY in one session',
    ours: 'appends.http.batch100',
    baseline: 'pg.copy',
    target: null,
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'PgEventStore single appends / raw INSERTs',
    ours: 'appends.direct.single16',
    baseline: 'pg.inserts16',
    target: null,
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'our appends / emmett appends (single)',
    ours: 'appends.direct.single16',
    baseline: 'emmett.single16',
    target: null,
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'our appends / emmett appends (batch of 100)',
    ours: 'appends.direct.batch100',
    baseline: 'emmett.batch100',
    target: null,
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'relay / kafkajs producer',
    ours: 'relay',
    baseline: 'kafkajs.producer',
    target: null,
    profile: { group: 'pipeline', processes: ['relay'] },
  },
  {
    name: 'projector / batched feed upserts',
    ours: 'projector',
    baseline: 'pg.upserts',
    target: null,
    profile: { group: 'pipeline', processes: ['projector'] },
  },
  {
    name: 'fan-out throughput / bare SSE',
    ours: 'sse.fanout',
    baseline: 'sse.bare.fanout',
    target: null,
    profile: { group: 'fanout', processes: ['query'] },
  },
  {
    name: 'rebuild / batched feed upserts',
    ours: 'rebuild',
    baseline: 'pg.upserts',
    target: null,
    profile: { group: 'rebuild', processes: ['self'] },
  },
];

/** Targets on a figure itself; `at` names the condition the issue sets; `delivered`: all frames must arrive too. */
export const ABSOLUTE_TARGETS: Array<{
  name: string;
  figure: FigureId;
  target: Target;
  at: string;
  delivered?: FigureId;
  profile: ProfileSpec;
}> = [
  {
    name: 'projector, events/s',
    figure: 'projector',
    target: { op: '>=', value: 6_000 },
    at: '',
    profile: { group: 'pipeline', processes: ['projector'] },
  },
  {
    name: 'pipeline sustained through HTTP, events/s',
    figure: 'pipeline.sustained',
    target: { op: '>=', value: 4_000 },
    at: '',
    profile: PIPELINE_STAGES,
  },
  {
    name: 'e2e p99 at 1,000 SSE subscribers, 50 events/s, all delivered',
    figure: 'e2e.sse1000.p99',
    target: { op: '<=', value: 250 },
    at: '',
    delivered: 'e2e.sse1000.delivered',
    profile: PIPELINE_STAGES,
  },
  {
    name: 'e2e p99 at 100 subscribers, 50 events/s, all delivered',
    figure: 'e2e.sse100.p99',
    target: { op: '<=', value: 100 },
    at: '',
    delivered: 'e2e.sse100.delivered',
    profile: PIPELINE_STAGES,
  },
  {
    name: 'rebuild of 1,000,000 events through the swap',
    figure: 'rebuild.seconds1M',
    target: { op: '<=', value: 180 },
    at: 'rebuildEvents',
    // 'self' reaches the rebuild command the group runs (rebuild.group.ts).
    profile: { group: 'rebuild', processes: ['self'] },
  },
  {
    name: 'memory per idle SSE subscriber at 10,000',
    figure: 'sse.idleKiB',
    target: { op: '<=', value: 16 },
    at: 'idleSubscribers',
    profile: { group: 'fanout', processes: ['query'] },
  },
];

/** The rate an absolute target asks of `figure` and the target's name, for the CPU a window's work would need. */
export function targetRateOf(figure: FigureId): { rate: number; name: string } | undefined {
  const t = ABSOLUTE_TARGETS.find((a) => a.figure === figure && a.target.op === '>=');
  return t && { rate: t.target.value, name: t.name };
}

/** Issue 15's target table, in its order: each row a ratio (by name) or an absolute target, with the last run's figure. */
export const TARGETS: Array<{ ratio?: string; absolute?: string; lastRun: string }> = [
  { ratio: RATIOS[0].name, lastRun: '0.10' },
  { ratio: RATIOS[1].name, lastRun: '0.29' },
  { ratio: RATIOS[2].name, lastRun: 'about 25 at 20,000 (p50)' },
  { ratio: RATIOS[3].name, lastRun: 'not measured' },
  { absolute: ABSOLUTE_TARGETS[0].name, lastRun: '2,160' },
  { absolute: ABSOLUTE_TARGETS[1].name, lastRun: '1,159' },
  { ratio: RATIOS[4].name, lastRun: '0.54' },
  { absolute: ABSOLUTE_TARGETS[2].name, lastRun: 'not measured' },
  { absolute: ABSOLUTE_TARGETS[3].name, lastRun: 'not measured' },
  { absolute: ABSOLUTE_TARGETS[4].name, lastRun: 'not measured' },
  { ratio: RATIOS[5].name, lastRun: '3.2' },
  { ratio: RATIOS[6].name, lastRun: '11,306 / 398 ms = 28' },
  { absolute: ABSOLUTE_TARGETS[5].name, lastRun: '22 KiB' },
];

export interface RatioRow {
  name: string;
  ours: FigureId;
  oursValue: number;
  baseline: FigureId;
  baselineValue: number;
  /** Infinity when `ours` is (a p99 among undelivered frames). */
  ratio: number;
  target: Target | null;
  met: boolean | null;
  /** ratio measured against its target (or against parity when there is none): < 1 means short of it. */
  score: number;
  spec: RatioSpec;
}

export function meets(value: number, t: Target): boolean {
  return t.op === '>=' ? value >= t.value : t.op === '<=' ? value <= t.value : value < t.value;
}

/** How far a value falls short of its target, as a fraction of the target (0 when met). */
export function shortBy(value: number, t: Target): number {
  if (meets(value, t)) return 0;
  return t.op === '>=' ? (t.value - value) / t.value : (value - t.value) / t.value;
}

const known = (x: number | undefined): x is number => x !== undefined && !Number.isNaN(x);

export function computeRatios(values: Partial<Record<FigureId, number>>): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const spec of RATIOS) {
    const candidates = (Array.isArray(spec.baseline) ? spec.baseline : [spec.baseline]).filter((id) => Number.isFinite(values[id]));
    const oursValue = values[spec.ours];
    if (candidates.length === 0 || !known(oursValue)) continue;
    const baseline = candidates.reduce((a, b) => (values[b]! < values[a]! ? b : a));
    const baselineValue = values[baseline]!;
    const ratio = oursValue / baselineValue;
    const lowerIsBetter = spec.target?.op === '<=' || spec.target?.op === '<';
    const goal = spec.target?.value ?? 1;
    const score = lowerIsBetter ? goal / ratio : ratio / goal;
    rows.push({
      name: spec.name,
      ours: spec.ours,
      oursValue,
      baseline,
      baselineValue,
      ratio,
      target: spec.target,
      met: spec.target ? meets(ratio, spec.target) : null,
      score,
      spec,
    });
  }
  return rows;
}

/** A group run again with some of its processes profiled, for the ratios named. */
export interface ProfileJob {
  group: GroupName;
  processes: Array<AppName | 'self'>;
  /** The targets (ratios or absolute figures) it is run for, by name. */
  targets: string[];
}

/** A target as `--cpu-prof=missed` reads it: met or not, and where the work behind its figure is done. */
export interface TargetOutcome {
  name: string;
  met: boolean | null;
  profile: ProfileSpec;
}

/** Every target of the run, its ratios' and its absolute figures', with whether it was met (`absolute`: absoluteRows). */
export function targetOutcomes(ratios: RatioRow[], absolute: Array<{ name: string; met: boolean | null }>): TargetOutcome[] {
  const spec = new Map(ABSOLUTE_TARGETS.map((a) => [a.name, a.profile]));
  return [
    ...ratios.filter((r) => r.target).map((r) => ({ name: r.name, met: r.met, profile: r.spec.profile })),
    ...absolute.filter((a) => spec.has(a.name)).map((a) => ({ name: a.name, met: a.met, profile: spec.get(a.name)! })),
  ];
}

/**
 * What `--cpu-prof=missed` profiles: every target missed, by the group that measures it, each group once with the
 * processes of all its missed targets (in the order the targets come); none when every target is met.
 */
export function missedStages(targets: TargetOutcome[]): ProfileJob[] {
  const jobs = new Map<GroupName, ProfileJob>();
  for (const t of targets) {
    if (t.met !== false) continue;
    const { group, processes } = t.profile;
    const job = jobs.get(group) ?? { group, processes: [], targets: [] };
    for (const p of processes) if (!job.processes.includes(p)) job.processes.push(p);
    job.targets.push(t.name);
    jobs.set(group, job);
  }
  return [...jobs.values()];
}

/** The ratio furthest below its target (or below parity): the stage `--cpu-prof` profiles. */
export function slowestRatio(rows: RatioRow[]): RatioRow | null {
  const scored = rows.filter((r) => !Number.isNaN(r.score));
  return scored.length ? scored.reduce((a, b) => (b.score < a.score ? b : a)) : null;
}
