import { BenchPlan } from '../plan/bench-plan';
import { Figure, FIGURE_IDS, figureSpec, FigureId } from './figures';
import { ABSOLUTE_TARGETS, meets, RatioRow, Target } from './ratios';
import { MachineInfo } from './machine';
import { ProfileSummary } from './profile-summary';

export interface BenchResults {
  date: string;
  runId: string;
  mode: 'quick' | 'full';
  durationSeconds: number;
  machine: MachineInfo;
  event: { type: string; submittedBytes: number; wireBytes: number };
  plan: BenchPlan;
  reportPath: string;
  rebuildCommand: string;
  figures: Partial<Record<FigureId, { value: number; unit: string; label: string; note?: string }>>;
  ratios: Array<Omit<RatioRow, 'spec'>>;
  absoluteTargets: Array<{ name: string; figure: FigureId; value: number | null; target: Target; met: boolean | null; at: string }>;
  notes: string[];
  failures: string[];
  profile: { ratio: string; processes: string[]; files: string[]; summaries: ProfileSummary[] } | null;
}

const num = (x: number | null | undefined, digits = 0): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const d = Math.abs(x) < 10 && digits === 0 ? 1 : digits;
  return x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
};
const targetText = (t: Target | null, unit = '') =>
  t ? `${t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '<'} ${num(t.value, 2)}${unit}` : '-';
const metText = (m: boolean | null) => (m === null ? '-' : m ? 'yes' : '**no**');

/** The conditions a target is stated at, next to what this run used (quick runs use fewer). */
function conditionOf(at: string, plan: BenchPlan): string {
  if (at === 'subscribers') return `at ${num(plan.subscribers)} subscribers`;
  if (at === 'idleSubscribers') return `at ${num(plan.idleSubscribers)} subscribers`;
  if (at === 'rebuildEvents') return `at ${num(plan.rebuildEvents)} events`;
  return '';
}

export function absoluteRows(values: Partial<Record<FigureId, number>>, plan: BenchPlan): BenchResults['absoluteTargets'] {
  return ABSOLUTE_TARGETS.map((a) => {
    const v = values[a.figure];
    const has = v !== undefined && Number.isFinite(v);
    return {
      name: a.name,
      figure: a.figure,
      value: has ? v : null,
      target: a.target,
      met: has ? meets(v, a.target) : null,
      at: conditionOf(a.at, plan),
    };
  });
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Benchmark ${r.date} (${r.mode})`, '');
  out.push(
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}, PostgreSQL ${m.postgres}, Kafka ${m.kafka}.`,
  );
  out.push(
    `Every figure uses one event shape: \`${r.event.type}\` with two sources, ${r.event.submittedBytes} bytes of JSON as submitted, ${r.event.wireBytes} on the wire.`,
  );
  out.push(`Load average at start ${m.loadStart.join(' / ')}, at end ${m.loadEnd.join(' / ')}; run took ${num(r.durationSeconds)} s.`);
  if (r.mode === 'quick')
    out.push('', '_Quick mode: small sizes, short windows; not representative. Targets are stated for the full run._');
  out.push('', '## Ratios (each stage against its own baseline, same run)', '');
  out.push('| figure | ours | baseline | ratio | target | met? |', '|---|---:|---:|---:|---:|:---:|');
  for (const row of r.ratios) {
    const ours = figureSpec(row.ours);
    const base = figureSpec(row.baseline);
    out.push(
      `| ${row.name} | ${num(row.oursValue)} ${ours.unit} | ${num(row.baselineValue)} ${base.unit} (${base.label}) | ${num(row.ratio, 2)} | ${targetText(row.target)} | ${metText(row.met)} |`,
    );
  }
  out.push('', '## Absolute targets', '', '| figure | value | baseline | ratio | target | met? |', '|---|---:|---:|---:|---:|:---:|');
  for (const a of r.absoluteTargets) {
    const unit = figureSpec(a.figure).unit;
    out.push(
      `| ${a.name}${a.at ? ` (${a.at})` : ''} | ${num(a.value)} ${unit} | - | - | ${targetText(a.target, ` ${unit}`)} | ${metText(a.met)} |`,
    );
  }
  out.push('', '## Every figure', '', '| figure | value | kind | conditions |', '|---|---:|---|---|');
  for (const id of FIGURE_IDS) {
    const f = r.figures[id];
    out.push(
      `| ${figureSpec(id).label} (\`${id}\`) | ${f ? `${num(f.value)} ${f.unit}` : 'missing'} | ${figureSpec(id).kind} | ${f?.note ?? ''} |`,
    );
  }
  out.push(
    '',
    `Settings: \`--report-path=${r.reportPath}\`, \`--rebuild-command=${r.rebuildCommand}\` (what they resolved to is in the conditions above).`,
  );
  if (r.profile) out.push(...renderProfile(r.profile));
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  if (r.failures.length) out.push('', '## Failures', '', ...r.failures.map((f) => `- ${f.split('\n')[0]}`));
  return out.join('\n') + '\n';
}

function renderProfile(p: NonNullable<BenchResults['profile']>): string[] {
  const out = [
    '',
    `## CPU profile of the slowest ratio: ${p.ratio}`,
    '',
    `Profiled: ${p.processes.join(', ')} (a second run of its group under \`node --cpu-prof\`).`,
  ];
  if (!p.summaries.length) out.push('', 'No profile was written.');
  for (const s of p.summaries) {
    out.push('', `\`${s.file}\` (${num(s.sampledMs / 1000)} s sampled; open it in Chrome DevTools or speedscope)`, '');
    // (idle) is time the process spent waiting: on Postgres, Kafka or sockets, which a CPU profile cannot see into.
    out.push(
      `Self time by origin: ${s.byOrigin
        .slice(0, 8)
        .map((o) => `${o.origin} ${o.percent}%`)
        .join(', ')}.`,
      '',
    );
    out.push('| function (self time, % of busy time) | % |', '|---|---:|', ...s.topFunctions.map((f) => `| \`${f.fn}\` | ${f.percent} |`));
  }
  return out;
}

export function figureEntries(figures: Figure[]): BenchResults['figures'] {
  const out: BenchResults['figures'] = {};
  for (const f of figures)
    out[f.id] = { value: f.value, unit: figureSpec(f.id).unit, label: figureSpec(f.id).label, ...(f.note ? { note: f.note } : {}) };
  return out;
}
