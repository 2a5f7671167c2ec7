import { randomBytes } from 'node:crypto';
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BenchConfig, loadBenchConfig, ROOT } from './config/bench.config';
import { GroupInput, GroupOutput, profiledProcessOf, ProfileRequest } from './groups/group-context';
import type { GroupMessage } from './groups/group-runner';
import { benchPlan, BenchPlan } from './plan/bench-plan';
import { Curve, Figure, FIGURE_IDS, FigureId, GROUPS, GroupName } from './report/figures';
import { loadNow, machineInfo, runSettings } from './report/machine';
import { absoluteRows, BenchResults, figureEntries } from './report/markdown';
import { summarizeProfile } from './report/profile-summary';
import { computeRatios, missedStages, ProfileJob, slowestRatio, targetOutcomes } from './report/ratios';
import { writeResults } from './report/results';
import { toWireEvent } from '@newsroom/messaging';
import { benchEnvelope, toStored } from './support/event-shape';
import { say } from './support/say';

interface RunState {
  config: BenchConfig;
  plan: BenchPlan;
  runId: string;
  deadline: number;
  figures: Figure[];
  curves: Curve[];
  notes: string[];
  failures: string[];
}

let current: ChildProcess | null = null;
let stopping = false;

/** Runs one group in its own process (so `--cpu-prof` can target it alone), bounded by the run's budget. */
function runGroup(state: RunState, group: GroupName, profile: ProfileRequest | null): Promise<GroupOutput & { error?: string }> {
  const known: GroupInput['known'] = {};
  for (const f of state.figures) known[f.id] = f.value;
  const input: GroupInput = { group, config: state.config, plan: state.plan, runId: state.runId, deadline: state.deadline, profile, known };
  const selfProf = profile?.processes.includes('self') ? ['--cpu-prof', `--cpu-prof-dir=${profile.dir}`] : [];
  const child = fork(join(__dirname, 'groups', 'group-runner.js'), [], {
    cwd: ROOT,
    execArgv: [...selfProf, '-r', join(ROOT, 'scripts', 'register-paths.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  current = child;
  // A group may run past the run's deadline by a little (it winds down its apps), never by a whole budget; a
  // group of a short (quick) run still gets four minutes, so a loaded machine gives low figures rather than none.
  const hardLimit = Math.max(240_000, state.deadline - Date.now() + 60_000);
  return new Promise((resolve) => {
    let result: GroupMessage | null = null;
    const timer = setTimeout(() => {
      say('main', `${group} passed its hard limit of ${hardLimit / 1000} s; stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, hardLimit);
    child.on('message', (m: GroupMessage) => (result = m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const r = result;
      if (!r) resolve({ figures: [], curves: [], notes: [], profiles: [], error: `${group} exited (${signal ?? code}) without results` });
      else resolve(r.ok ? r.output : { ...r.output, error: r.error });
    });
    child.send(input);
  });
}

async function main(): Promise<number> {
  const config = loadBenchConfig();
  const plan = benchPlan(config.quick, config.scale, config.openFilesLimit, config.budgetMinutes);
  const started = Date.now();
  const date = new Date(started).toISOString().slice(0, 10);
  const runId = `${date}-${plan.mode}-${randomBytes(3).toString('hex')}`;
  const state: RunState = { config, plan, runId, deadline: started + plan.budgetMs, figures: [], curves: [], notes: [], failures: [] };
  const machine = await machineInfo(config.serverUrl, config.kafkaBrokers);
  const settings = await runSettings(config.serverUrl, config.kafkaBrokers);
  const groups = config.only.length ? GROUPS.filter((g) => config.only.includes(g)) : GROUPS;
  say(
    'main',
    `${plan.mode} run ${runId}: groups ${groups.join(', ')}; budget ${Math.round(plan.budgetMs / 1000)} s; load ${machine.loadStart.join(' ')}`,
  );

  for (const group of groups) {
    if (stopping) break;
    const out = await runGroup(state, group, null);
    state.figures.push(...out.figures);
    state.curves.push(...(out.curves ?? []));
    state.notes.push(...out.notes);
    if (out.error) {
      state.failures.push(`${group}: ${out.error}`);
      say('main', `${group} failed: ${out.error.split('\n')[0]}`);
    }
  }

  const values: Partial<Record<FigureId, number>> = {};
  for (const f of state.figures) values[f.id] = f.value;
  const ratios = computeRatios(values);
  const profiles: BenchResults['profiles'] = [];
  const jobs: ProfileJob[] = [];
  if (config.cpuProf === 'missed' && !stopping) jobs.push(...missedStages(targetOutcomes(ratios, absoluteRows(values, plan))));
  const slowest = config.cpuProf === 'slowest' && !stopping ? slowestRatio(ratios) : null;
  if (slowest) {
    jobs.push({ ...slowest.spec.profile, targets: [slowest.name] });
    say('main', `--cpu-prof: slowest ratio is "${slowest.name}" (${slowest.ratio.toFixed(2)})`);
  }
  if (config.cpuProf === 'missed')
    say(
      'main',
      `--cpu-prof=missed: ${jobs.length ? jobs.map((j) => `${j.group} (${j.targets.length})`).join(', ') : 'every target met, nothing to profile'}`,
    );
  for (const job of jobs) {
    if (stopping) break;
    const dir = join(config.tmpDir, runId, 'profiles', job.group);
    mkdirSync(dir, { recursive: true });
    say('main', `--cpu-prof: re-running ${job.group} with ${job.processes.join(', ')} profiled`);
    // Each profiling run gets a whole budget of its own: the figures are not what it is for.
    const out = await runGroup({ ...state, deadline: Date.now() + plan.budgetMs, figures: [...state.figures] }, job.group, {
      processes: job.processes,
      dir,
    });
    if (out.error) state.failures.push(`profiling run of ${job.group}: ${out.error}`);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f));
    profiles.push({
      why: config.cpuProf === 'missed' ? 'missed' : 'slowest',
      group: job.group,
      targets: job.targets,
      processes: job.processes,
      files: files.map((f) => relative(ROOT, f)),
      summaries: files.map((f) => ({ ...summarizeProfile(f), file: relative(ROOT, f), process: profiledProcessOf(f) })),
    });
  }

  // Infinity is a measured value (a p99 among frames that never came); NaN or nothing is a missing figure.
  const missing = groups.length === GROUPS.length ? FIGURE_IDS.filter((id) => values[id] === undefined || Number.isNaN(values[id])) : [];
  if (missing.length) state.failures.push(`figures missing: ${missing.join(', ')}`);
  machine.loadEnd = loadNow();
  const results: BenchResults = {
    date,
    runId,
    mode: plan.mode,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    settings,
    event: eventShape(),
    plan,
    reportPath: config.reportPath,
    rebuildCommand: config.rebuildCommand,
    figures: figureEntries(state.figures),
    ratios: ratios.map(({ spec: _s, ...row }) => row),
    absoluteTargets: absoluteRows(values, plan),
    curves: mergeCurves(state.curves),
    notes: state.notes,
    failures: state.failures,
    profiles,
  };
  const files = writeResults(config.outDir, results);
  say(
    'main',
    `done in ${results.durationSeconds} s: ${files.markdown} and ${files.json}${state.failures.length ? `; ${state.failures.length} failure(s)` : ''}`,
  );
  return state.failures.length ? 1 : 0;
}

/** Curves of one id from several groups (the projector's log-size points) become one table, rows in order. */
function mergeCurves(curves: Curve[]): Curve[] {
  const byId = new Map<string, Curve>();
  for (const c of curves) {
    const seen = byId.get(c.id);
    if (!seen) byId.set(c.id, { ...c, rows: [...c.rows] });
    else {
      seen.rows.push(...c.rows);
      seen.note ??= c.note;
    }
  }
  return [...byId.values()];
}

/** The one event every figure uses, and its size as submitted and as published. */
function eventShape(): BenchResults['event'] {
  const envelope = benchEnvelope(1, 'person:bench-shape-1');
  return {
    type: envelope.type,
    submittedBytes: JSON.stringify(envelope).length,
    wireBytes: JSON.stringify(toWireEvent(toStored(envelope, 1))).length,
  };
}

const stop = () => {
  stopping = true;
  current?.kill('SIGTERM');
  setTimeout(() => process.exit(130), 20_000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

main()
  .then((code) => process.exit(code))
  .catch((error) => {
    process.stderr.write(`[bench] failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
