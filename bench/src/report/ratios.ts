import { AppName } from '../support/bench-apps';
import { FigureId, GroupName } from './figures';

export interface Target {
  op: '>=' | '<=' | '<';
  value: number;
}

/** ours / baseline, as the issue lists them; `profile` says which process does the work of `ours`. */
export interface RatioSpec {
  name: string;
  ours: FigureId;
  /** One figure, or several of which the smallest is taken (the slowest stage alone). */
  baseline: FigureId | FigureId[];
  target: Target | null;
  profile: { group: GroupName; processes: Array<AppName | 'self'> };
}

export const RATIOS: RatioSpec[] = [
  {
    name: 'batched appends / COPY (PgEventStore)',
    ours: 'appends.direct.batch100',
    baseline: 'pg.copy',
    target: { op: '>=', value: 0.5 },
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'batched appends / COPY (HTTP)',
    ours: 'appends.http.batch100',
    baseline: 'pg.copy',
    target: { op: '>=', value: 0.5 },
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'single appends / raw inserts (PgEventStore)',
    ours: 'appends.direct.single16',
    baseline: 'pg.inserts16',
    target: { op: '>=', value: 0.7 },
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'single appends / raw inserts (HTTP)',
    ours: 'appends.http.single16',
    baseline: 'pg.inserts16',
    target: { op: '>=', value: 0.7 },
    profile: { group: 'appends', processes: ['ingest'] },
  },
  {
    name: 'relay / kafkajs producer',
    ours: 'relay',
    baseline: 'kafkajs.producer',
    target: null,
    profile: { group: 'pipeline', processes: ['relay'] },
  },
  {
    name: 'projector / batched upserts',
    ours: 'projector',
    baseline: 'pg.upserts',
    target: null,
    profile: { group: 'pipeline', processes: ['projector'] },
  },
  {
    name: 'pipeline / slowest stage alone',
    ours: 'pipeline.sustained',
    baseline: ['appends.http.batch100', 'relay', 'projector'],
    target: { op: '>=', value: 0.7 },
    profile: { group: 'pipeline', processes: ['ingest', 'relay', 'projector', 'query'] },
  },
  {
    name: 'fan-out / bare SSE',
    ours: 'sse.fanout',
    baseline: 'sse.bare.fanout',
    target: null,
    profile: { group: 'fanout', processes: ['query'] },
  },
  {
    name: 'rebuild / batched upserts',
    ours: 'rebuild',
    baseline: 'pg.upserts',
    target: { op: '>=', value: 0.5 },
    profile: { group: 'rebuild', processes: ['self'] },
  },
  {
    name: 'our appends / emmett appends (single)',
    ours: 'appends.direct.single16',
    baseline: 'emmett.single16',
    target: { op: '>=', value: 2 },
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'our appends / emmett appends (batch of 100)',
    ours: 'appends.direct.batch100',
    baseline: 'emmett.batch100',
    target: { op: '>=', value: 2 },
    profile: { group: 'appends', processes: ['self'] },
  },
  {
    name: 'report p95 under load / idle',
    ours: 'reports.loadP95',
    baseline: 'reports.idleP95',
    target: { op: '<=', value: 1.5 },
    profile: { group: 'rebuild', processes: ['query'] },
  },
];

/** Targets on a figure itself; `at` names the condition the issue sets (subscribers, log size). */
export const ABSOLUTE_TARGETS: Array<{ name: string; figure: FigureId; target: Target; at: string }> = [
  { name: 'pipeline sustained on 2 cores', figure: 'pipeline.sustained', target: { op: '>=', value: 10_000 }, at: '' },
  { name: 'e2e latency p99', figure: 'e2e.p99', target: { op: '<=', value: 100 }, at: 'subscribers' },
  { name: 'memory per idle SSE subscriber', figure: 'sse.idleKiB', target: { op: '<=', value: 32 }, at: 'idleSubscribers' },
  { name: 'report p95 under write load', figure: 'reports.loadP95', target: { op: '<', value: 50 }, at: 'rebuildEvents' },
];

export interface RatioRow {
  name: string;
  ours: FigureId;
  oursValue: number;
  baseline: FigureId;
  baselineValue: number;
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

export function computeRatios(values: Partial<Record<FigureId, number>>): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const spec of RATIOS) {
    const candidates = (Array.isArray(spec.baseline) ? spec.baseline : [spec.baseline]).filter((id) => Number.isFinite(values[id]));
    const oursValue = values[spec.ours];
    if (candidates.length === 0 || oursValue === undefined || !Number.isFinite(oursValue)) continue;
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

/** The ratio furthest below its target (or below parity): the stage `--cpu-prof` profiles. */
export function slowestRatio(rows: RatioRow[]): RatioRow | null {
  const finite = rows.filter((r) => Number.isFinite(r.score));
  return finite.length ? finite.reduce((a, b) => (b.score < a.score ? b : a)) : null;
}
