import { BenchPlan } from '../plan/bench-plan';
import { Curve, Figure, FIGURE_IDS, figureSpec, FigureId } from './figures';
import { ABSOLUTE_TARGETS, meets, RatioRow, shortBy, Target, TARGETS } from './ratios';
import { MachineInfo, RunSettings } from './machine';
import { ProfileSummary } from './profile-summary';

interface FigureEntry {
  /** null when infinite (JSON has no Infinity): see `infinite`. */
  value: number | null;
  infinite?: true;
  unit: string;
  label: string;
  note?: string;
  samples?: number[];
  /** (largest - smallest) / mean of the samples, in percent. */
  spreadPercent?: number;
}

export interface BenchResults {
  date: string;
  runId: string;
  mode: 'quick' | 'full';
  durationSeconds: number;
  machine: MachineInfo;
  /** What the figures ran on besides the hardware: the commit, Postgres settings, the broker's configuration. */
  settings: RunSettings;
  event: { type: string; submittedBytes: number; wireBytes: number };
  plan: BenchPlan;
  reportPath: string;
  rebuildCommand: string;
  figures: Partial<Record<FigureId, FigureEntry>>;
  ratios: Array<Omit<RatioRow, 'spec'>>;
  absoluteTargets: Array<{ name: string; figure: FigureId; value: number | null; target: Target; met: boolean | null; at: string }>;
  curves: Curve[];
  notes: string[];
  failures: string[];
  /**
   * `--cpu-prof`'s profiles: one entry per group run again under `node --cpu-prof` (`slowest`: the group of the
   * ratio furthest below its target; `missed`: each group with a missed target), with the targets it was run for.
   */
  profiles: Array<{
    why: 'slowest' | 'missed';
    group: string;
    targets: string[];
    processes: string[];
    files: string[];
    summaries: ProfileSummary[];
  }>;
}

const num = (x: number | null | undefined, digits = 0): string => {
  if (x === Infinity) return '∞';
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const d = Math.abs(x) < 10 && digits === 0 ? 1 : digits;
  return x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
};
const targetText = (t: Target | null, unit = '') =>
  t ? `${t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '<'} ${num(t.value, 2)}${unit}` : '-';
const metText = (m: boolean | null) => (m === null ? '-' : m ? 'yes' : '**no**');
const shortText = (v: number | null, t: Target) => {
  if (v === null || Number.isNaN(v)) return '-';
  if (v === Infinity) return '∞';
  const s = shortBy(v, t);
  return s === 0 ? '-' : `${num(s * 100, 0)}%`;
};

/** The conditions a target is stated at, next to what this run used (quick runs use fewer). */
function conditionOf(at: string, plan: BenchPlan): string {
  if (at === 'idleSubscribers') return `measured at ${num(plan.idleSubscribers)} subscribers`;
  if (at === 'rebuildEvents') return `log of ${num(plan.rebuildEvents)} events planned (the notes say what was built)`;
  return '';
}

export function absoluteRows(values: Partial<Record<FigureId, number>>, plan: BenchPlan): BenchResults['absoluteTargets'] {
  return ABSOLUTE_TARGETS.map((a) => {
    const raw: number | null | undefined = values[a.figure];
    // An infinite figure (a rebuild that never finished, a frame that never came) is stored as null: never met.
    const infinite = raw === null || raw === Infinity;
    const v = infinite ? Infinity : raw;
    const has = v !== undefined && !Number.isNaN(v);
    const delivered = a.delivered ? values[a.delivered] : undefined;
    const allDelivered = a.delivered ? delivered !== undefined && delivered >= 100 : true;
    return {
      name: a.name,
      figure: a.figure,
      value: has && !infinite ? v : null,
      target: a.target,
      met: infinite ? false : has ? meets(v, a.target) && allDelivered : null,
      at: [conditionOf(a.at, plan), a.delivered ? `${num(delivered ?? null, 2)}% delivered` : ''].filter(Boolean).join('; '),
    };
  });
}

/** Below this age a broker is still warming: its JIT compiles the hot paths in its first minutes of load. */
export const WARM_BROKER_SECONDS = 600;

/** How long the broker had run when the run started, as a sentence for the header (null: not a broker of this machine). */
export function brokerAgeLine(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  const age =
    seconds < 60
      ? `${seconds} s`
      : seconds < 7200
        ? `${Math.floor(seconds / 60)} min ${seconds % 60} s`
        : `${Math.round(seconds / 3600)} h`;
  const warming =
    seconds < WARM_BROKER_SECONDS
      ? ' A broker this young is still warming (its JIT compiling): its own tools run slower, and on some runs the end-to-end tail was longer (bench/README, "A broker just started").'
      : '';
  return `The Kafka broker had run ${age} when the run started.${warming}`;
}

/**
 * What the header says of the kernel's scheduling: with autogroup on, the cores are shared between sessions first,
 * and the bench runs each app (as `npm start` does) in a session of its own. Nothing for a run that did not record it.
 */
export function schedulingLine(autogroup: boolean | null | undefined): string | null {
  if (autogroup === undefined) return null;
  if (autogroup === null)
    return 'Scheduling: no autogroup setting found (not Linux, or a kernel without it); each app runs in a session of its own.';
  return autogroup
    ? 'Scheduling: autogroup on (the cores are shared between sessions first); each app, each bare server and each Postgres backend runs in a session of its own (bench/README, "Sessions and the scheduler").'
    : 'Scheduling: autogroup off (the cores are shared between processes); each app runs in a session of its own.';
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const s = r.settings;
  const out: string[] = [];
  out.push(`# Benchmark ${r.date} (${r.mode})`, '');
  out.push(
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}, PostgreSQL ${m.postgres}, Kafka ${m.kafka}.`,
  );
  const scheduling = schedulingLine(m.autogroup);
  if (scheduling) out.push(scheduling);
  out.push(`Code: commit \`${s.commit}\`${s.dirty ? ' with uncommitted changes' : ''}.`);
  out.push(
    `Postgres: ${Object.entries(s.postgres)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
  );
  out.push(
    `Kafka broker: ${Object.entries(s.kafka)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
  );
  out.push(
    `Every figure uses one event shape: \`${r.event.type}\` with two sources, ${r.event.submittedBytes} bytes of JSON as submitted, ${r.event.wireBytes} on the wire.`,
  );
  out.push(`Load average at start ${m.loadStart.join(' / ')}, at end ${m.loadEnd.join(' / ')}; run took ${num(r.durationSeconds)} s.`);
  const brokerAge = brokerAgeLine(m.kafkaUptimeSeconds);
  if (brokerAge) out.push(brokerAge);
  if (r.mode === 'quick')
    out.push('', '_Quick mode: small sizes, short windows; not representative. Targets are stated for the full run._');

  out.push('', '## Targets (issue 15)', '');
  out.push('| figure | last run | this run | target | met? | short by |', '|---|---:|---:|---:|:---:|---:|');
  for (const t of TARGETS) {
    if (t.ratio) {
      const row = r.ratios.find((x) => x.name === t.ratio);
      const shown = row
        ? `${num(row.ratio, 2)} (${num(row.oursValue)} / ${num(row.baselineValue)} ${figureSpec(row.ours).unit})`
        : 'missing';
      const target = row?.target ?? null;
      out.push(
        `| ${t.ratio} | ${t.lastRun} | ${shown} | ${targetText(target)} | ${metText(row?.met ?? null)} | ${row && target ? shortText(row.ratio, target) : '-'} |`,
      );
    } else {
      const a = r.absoluteTargets.find((x) => x.name === t.absolute)!;
      const unit = figureSpec(a.figure).unit;
      out.push(
        `| ${a.name}${a.at ? ` (${a.at})` : ''} | ${t.lastRun} | ${a.value === null && a.met === false ? '∞' : num(a.value)} ${unit} | ${targetText(a.target, ` ${unit}`)} | ${metText(a.met)} | ${shortText(a.value, a.target)} |`,
      );
    }
  }

  const others = r.ratios.filter((row) => !TARGETS.some((t) => t.ratio === row.name));
  out.push('', '## Other ratios (each stage against its own ceiling, same run)', '');
  out.push('| figure | ours | baseline | ratio | target | met? |', '|---|---:|---:|---:|---:|:---:|');
  for (const row of others) {
    const ours = figureSpec(row.ours);
    const base = figureSpec(row.baseline);
    out.push(
      `| ${row.name} | ${num(row.oursValue)} ${ours.unit} | ${num(row.baselineValue)} ${base.unit} (${base.label}) | ${num(row.ratio, 2)} | ${targetText(row.target)} | ${metText(row.met)} |`,
    );
  }

  if (r.curves.length) out.push('', '## Curves');
  for (const c of r.curves) {
    out.push('', `### ${c.title}`, '');
    if (c.note) out.push(c.note, '');
    out.push(`| ${c.columns.join(' | ')} |`, `|${c.columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const row of c.rows) out.push(`| ${row.map((v) => (typeof v === 'number' ? num(v) : (v ?? '-'))).join(' | ')} |`);
  }

  out.push('', '## Every figure', '', '| figure | value | spread (A B A B) | kind | conditions |', '|---|---:|---:|---|---|');
  for (const id of FIGURE_IDS) {
    const f = r.figures[id];
    const value = f ? `${f.infinite ? '∞' : num(f.value)} ${f.unit}` : 'missing';
    const spread = f?.samples ? `${f.samples.map((x) => num(x)).join(' / ')} (${num(f.spreadPercent ?? null)}%)` : '';
    out.push(`| ${figureSpec(id).label} (\`${id}\`) | ${value} | ${spread} | ${figureSpec(id).kind} | ${f?.note ?? ''} |`);
  }
  out.push(
    '',
    `Settings: \`--report-path=${r.reportPath}\`, \`--rebuild-command=${r.rebuildCommand}\` (what they resolved to is in the conditions above).`,
  );
  for (const p of r.profiles ?? []) out.push(...renderProfile(p));
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  if (r.failures.length) out.push('', '## Failures', '', ...r.failures.map((f) => `- ${f.split('\n')[0]}`));
  return out.join('\n') + '\n';
}

function renderProfile(p: BenchResults['profiles'][number]): string[] {
  const heading = p.why === 'slowest' ? `the slowest ratio: ${p.targets[0]}` : `the ${p.group} group, for its missed targets`;
  const out = [
    '',
    `## CPU profile of ${heading}`,
    '',
    `Profiled: ${p.processes.join(', ')} (a second run of the ${p.group} group under \`node --cpu-prof\`).`,
  ];
  if (p.why === 'missed') out.push('', `Missed there: ${p.targets.join('; ')}.`);
  if (!p.summaries.length) out.push('', 'No profile was written.');
  for (const s of p.summaries) {
    const who = s.process ? `${s.process}, ` : '';
    out.push('', `\`${s.file}\` (${who}${num(s.sampledMs / 1000)} s sampled; open it in Chrome DevTools or speedscope)`, '');
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
  for (const f of figures) {
    const spec = figureSpec(f.id);
    const finite = f.samples?.filter((x) => Number.isFinite(x)) ?? [];
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
    const spread =
      f.samples && f.samples.length > 1 && finite.length === f.samples.length && mean > 0
        ? ((Math.max(...finite) - Math.min(...finite)) / mean) * 100
        : undefined;
    out[f.id] = {
      value: Number.isFinite(f.value) ? f.value : null,
      ...(f.value === Infinity ? { infinite: true as const } : {}),
      unit: spec.unit,
      label: spec.label,
      ...(f.note ? { note: f.note } : {}),
      ...(f.samples ? { samples: f.samples } : {}),
      ...(spread !== undefined ? { spreadPercent: Math.round(spread * 10) / 10 } : {}),
    };
  }
  return out;
}
