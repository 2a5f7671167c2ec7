import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchConfig } from '../../bench/src/config/bench.config';
import { labelProfiledProcess, profiledProcessOf } from '../../bench/src/groups/group-context';
import { FigureId } from '../../bench/src/report/figures';
import { ABSOLUTE_TARGETS, computeRatios, missedStages, slowestRatio, targetOutcomes } from '../../bench/src/report/ratios';

// This machine's thirty-fifth-session run: six of thirteen met; the misses are measured by the appends and pipeline groups.
const values: Partial<Record<FigureId, number>> = {
  'appends.http.single16': 2_284,
  'pg.inserts16': 10_379,
  'appends.http.batch100': 13_000,
  'pg.copy4': 48_294,
  'appends.http.p99.long': 8.7,
  'appends.http.p99.short': 6.6,
  projector: 4_320,
  'projector.bulk': 12_672,
  relay: 11_211,
  'pipeline.sustained': 2_881,
  'reports.loadP95': 29,
  'reports.idleP95': 23,
};

/** The absolute targets as absoluteRows gives them: these names missed, the others met. */
const absolute = (...missed: string[]) => ABSOLUTE_TARGETS.map((a) => ({ name: a.name, met: !missed.includes(a.name) }));

// `npm run bench --cpu-prof=missed`: a profile of each missed stage (issue 15's "where the time goes"), in one run.
describe('bench --cpu-prof=missed: which groups run again, with which processes profiled', () => {
  it('runs each group with a missed target once, profiling the processes of all its missed targets', () => {
    const jobs = missedStages(
      targetOutcomes(computeRatios(values), absolute('projector, events/s', 'pipeline sustained through HTTP, events/s')),
    );
    expect(jobs.map((j) => j.group)).toEqual(['appends', 'pipeline']);
    const [appends, pipeline] = jobs;
    expect(appends.processes).toEqual(['ingest']);
    expect(appends.targets).toEqual([
      'HTTP single appends / raw INSERTs at 16 clients',
      'HTTP batched appends / COPY at the same session count (4)',
      'append p99 on the long stream / on a stream of 10 (HTTP)',
    ]);
    // The projector's own ratio and the pipeline's share the group: its four processes, each once.
    expect(pipeline.processes).toEqual(['projector', 'ingest', 'relay', 'query']);
    expect(pipeline.targets).toEqual([
      'projector / the same rows bulk-upserted',
      'pipeline / slowest stage alone',
      'projector, events/s',
      'pipeline sustained through HTTP, events/s',
    ]);
  });

  it('profiles the stage of a missed absolute target too: the rebuild of a million runs its command profiled', () => {
    const met = { ...values, 'appends.http.single16': 4_000, 'appends.http.batch100': 30_000, 'appends.http.p99.long': 6 };
    Object.assign(met, { projector: 9_000, 'pipeline.sustained': 8_000 });
    const jobs = missedStages(targetOutcomes(computeRatios(met), absolute('rebuild of 1,000,000 events through the swap')));
    expect(jobs).toEqual([{ group: 'rebuild', processes: ['self'], targets: ['rebuild of 1,000,000 events through the swap'] }]);
  });

  it('profiles nothing when every target is met, and never a ratio without a target', () => {
    const met = { ...values, 'appends.http.single16': 4_000, 'appends.http.batch100': 30_000, 'appends.http.p99.long': 6 };
    Object.assign(met, { projector: 9_000, 'pipeline.sustained': 8_000 });
    // A ratio without a target below parity (HTTP batched appends / COPY in one session): `slowest` would pick it.
    const rows = computeRatios({ ...met, 'pg.copy': 51_477 });
    expect(rows.filter((r) => r.target && !r.met)).toEqual([]);
    expect(slowestRatio(rows)).toMatchObject({ ours: 'appends.http.batch100', baseline: 'pg.copy', target: null });
    expect(missedStages(targetOutcomes(rows, absolute()))).toEqual([]);
  });

  it('reads --cpu-prof as slowest, --cpu-prof=missed as missed, and refuses anything else', () => {
    expect(loadBenchConfig([], {}).cpuProf).toBe('off');
    expect(loadBenchConfig(['--cpu-prof'], {}).cpuProf).toBe('slowest');
    expect(loadBenchConfig(['--cpu-prof=slowest'], {}).cpuProf).toBe('slowest');
    expect(loadBenchConfig(['--cpu-prof=missed'], {}).cpuProf).toBe('missed');
    expect(() => loadBenchConfig(['--cpu-prof=all'], {})).toThrow('--cpu-prof takes no value, slowest or missed');
  });

  it('names the process each profile came from (node names the file by process id only)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
    try {
      labelProfiledProcess(dir, 25076, 'relay');
      expect(profiledProcessOf(join(dir, 'CPU.20261204.195553.25076.0.001.cpuprofile'))).toBe('relay');
      expect(profiledProcessOf(join(dir, 'CPU.20261204.195553.25092.0.001.cpuprofile'))).toBeNull();
      expect(profiledProcessOf(join(dir, 'not-a-profile.cpuprofile'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
