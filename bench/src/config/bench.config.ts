import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Everything the bench reads from its command line and environment, parsed once, in one place. */
export interface BenchConfig {
  quick: boolean;
  /** Multiplies sizes and durations (the smoke test runs `--quick --scale=0.3`). */
  scale: number;
  /** Overrides the run's time budget (15 minutes full, 3 quick); the rebuild gets what is left of it. */
  budgetMinutes: number | undefined;
  /**
   * `--cpu-prof` (`slowest`): after the run, its group again with the process doing the work of the ratio furthest
   * below its target under `node --cpu-prof`. `--cpu-prof=missed`: every group with a missed target, once each, with
   * the processes of all its missed targets profiled. `off`: no profile.
   */
  cpuProf: CpuProfMode;
  /** Times each end-to-end item at the relay's checkpoint and the feed's watermark too (polled: it adds load). */
  e2eStages: boolean;
  outDir: string;
  /** Scratch space (git-ignored): app logs, payload files, CPU profiles. */
  tmpDir: string;
  /** Postgres server URL; each run creates and drops its own databases on it. */
  serverUrl: string;
  kafkaBrokers: string[];
  /**
   * Report endpoint measured at 1,000,000 events; `{org}` becomes an organization subject. `auto`: the leadership
   * report when the query service answers it, else the feed filtered by organization (the stand-in).
   */
  reportPath: string;
  /**
   * How the rebuild figure is measured: `auto` (the projector's rebuild command when it is built, else `fold`),
   * `fold` (ProjectionRunner over the log, in process), or a shell command rebuilding $DATABASE_URL's read models.
   */
  rebuildCommand: string;
  /** Run only these groups (for working on the bench itself); empty: all. */
  only: string[];
  /** Soft limit of open files of this process (idle subscribers are capped below it). */
  openFilesLimit: number;
  /** Base environment for spawned processes (PATH and friends). */
  baseEnv: Record<string, string>;
}

type CpuProfMode = 'off' | 'slowest' | 'missed';

export const ROOT = join(__dirname, '..', '..', '..', '..');

const flag = (argv: string[], name: string): string | undefined => {
  const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
};

function openFilesLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : 1024;
  } catch {
    return 1024;
  }
}

export function loadBenchConfig(argv = process.argv.slice(2), env = process.env): BenchConfig {
  const unknown = argv.filter(
    (a) => !/^--(quick|scale|budget-minutes|cpu-prof|e2e-stages|out-dir|report-path|rebuild-command|only)(=|$)/.test(a),
  );
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(' ')} (see bench/README.md)`);
  const scale = Number(flag(argv, 'scale') ?? '1');
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be a number in (0, 10]');
  const reportPath = flag(argv, 'report-path') ?? env.BENCH_REPORT_PATH ?? 'auto';
  if (reportPath !== 'auto' && !reportPath.startsWith('/'))
    throw new Error('--report-path must be auto or start with / (e.g. /v1/reports/leadership?organization={org})');
  const prof = flag(argv, 'cpu-prof');
  if (prof !== undefined && !['true', 'slowest', 'missed'].includes(prof)) throw new Error('--cpu-prof takes no value, slowest or missed');
  const budget = flag(argv, 'budget-minutes');
  const budgetMinutes = budget === undefined ? undefined : Number(budget);
  if (budgetMinutes !== undefined && !(budgetMinutes >= 1 && budgetMinutes <= 600))
    throw new Error('--budget-minutes must be a number of minutes from 1 to 600');
  return {
    quick: flag(argv, 'quick') === 'true',
    scale,
    budgetMinutes,
    cpuProf: prof === undefined ? 'off' : prof === 'missed' ? 'missed' : 'slowest',
    e2eStages: flag(argv, 'e2e-stages') === 'true',
    outDir: flag(argv, 'out-dir') ?? join(ROOT, 'bench', 'results'),
    tmpDir: env.BENCH_TMP_DIR ?? join(ROOT, 'bench', 'tmp'),
    serverUrl: env.BENCH_DATABASE_SERVER_URL ?? env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    reportPath,
    rebuildCommand: flag(argv, 'rebuild-command') ?? env.BENCH_REBUILD_COMMAND ?? 'auto',
    only: (flag(argv, 'only') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    openFilesLimit: openFilesLimit(),
    baseEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}
