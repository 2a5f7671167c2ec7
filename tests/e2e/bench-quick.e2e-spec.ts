import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGURE_IDS } from '../../bench/src/report/figures';
import { RATIOS, TARGETS } from '../../bench/src/report/ratios';
import { autogroupEnabled } from '../../bench/src/report/machine';
import { schedulingLine } from '../../bench/src/report/markdown';

const ROOT = join(__dirname, '..', '..');

/** Runs the compiled bench (what `npm run bench -- --quick` runs, minus install and build) and waits for it. */
function runBench(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'scripts', 'register-paths.js'), join(ROOT, 'dist', 'bench', 'src', 'main.js'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c) => (output = (output + c).slice(-20_000)));
    child.stderr.on('data', (c) => (output = (output + c).slice(-20_000)));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

// A smoke test: the suite runs end to end on this machine and reports every figure. No timing is asserted.
describe('npm run bench -- --quick (smoke)', () => {
  const out = mkdtempSync(join(tmpdir(), 'newsroom-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('completes and writes its JSON and markdown table with every figure, ratio, target and curve present', async () => {
    expect(existsSync(join(ROOT, 'dist', 'bench', 'src', 'main.js'))).toBe(true);
    const run = await runBench(['--quick', '--scale=0.3', `--out-dir=${out}`], { BENCH_TMP_DIR: join(out, 'tmp') });
    if (run.code !== 0) throw new Error(`bench exited with ${run.code}:\n${run.output}`);

    const json = readdirSync(out).find((f) => f.endsWith('.quick.json'));
    const markdown = readdirSync(out).find((f) => f.endsWith('.quick.md'));
    expect(json).toBeDefined();
    expect(markdown).toBeDefined();
    const results = JSON.parse(readFileSync(join(out, json!), 'utf8'));
    expect(results.mode).toBe('quick');
    expect(results.failures).toEqual([]);
    // A latency percentile among frames that never came is a measured ∞ (null in JSON, flagged), not a gap.
    const missing = FIGURE_IDS.filter((id) => {
      const f = results.figures[id];
      return !f || !(Number.isFinite(f.value) || f.infinite === true);
    });
    expect(missing).toEqual([]);
    expect(results.ratios.map((r: { name: string }) => r.name)).toEqual(RATIOS.map((r) => r.name));
    expect(results.ratios.every((r: { ratio: number | null }) => r.ratio === null || Number.isFinite(r.ratio))).toBe(true);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.settings.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(results.settings.postgres.synchronous_commit).toBeDefined();
    const curves: Array<{ id: string; rows: unknown[][] }> = results.curves;
    expect(
      curves
        .filter((c) => !c.id.startsWith('cpu-'))
        .map((c) => c.id)
        .sort(),
    ).toEqual(['append-stream-length', 'e2e-sweep', 'live-delivery', 'projector-instances', 'projector-log-size'].sort());
    // Where the CPU went in each latency-bound window: every app and Postgres had its share measured.
    const cpu = curves.filter((c) => c.id.startsWith('cpu-'));
    expect(cpu.map((c) => c.id.replace(/\d+$/, '')).sort()).toEqual([
      'cpu-appends-batched',
      'cpu-e2e',
      'cpu-e2e',
      'cpu-pipeline',
      'cpu-projector',
      'cpu-rebuild',
      'cpu-reports-idle',
      'cpu-reports-load',
    ]);
    for (const c of cpu.filter((x) => x.id === 'cpu-pipeline'))
      expect(c.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['postgres (queries)', 'ingest', 'relay', 'projector', 'query']));
    // The throughput windows say what an event cost the stack and how many cores the target's rate would keep busy.
    // A quick run on a busy machine may see no event through a short window (its pipeline has committed none in one
    // rehearsal): the window then says so instead. The rebuild always folds its whole small log.
    for (const id of ['cpu-appends-batched', 'cpu-pipeline', 'cpu-projector', 'cpu-rebuild']) {
      const c = cpu.find((x) => x.id === id) as { columns: string[]; note: string } | undefined;
      expect(c).toBeDefined();
      if (id !== 'cpu-rebuild' && c!.note.includes('No events went through in it.')) {
        expect(c!.columns).not.toContain('CPU µs an event');
        continue;
      }
      expect(c!.columns).toContain('CPU µs an event');
      expect(c!.note).toMatch(
        /\d+ events went through in it: \d+ µs of the stack's CPU an event .* would keep [\d.]+ cores busy; this machine has \d+\./,
      );
    }
    // The rebuild command exits inside its window: its CPU is still counted (the window reads /proc as it goes).
    const rebuildCommand = cpu.find((c) => c.id === 'cpu-rebuild')!.rows.find((r) => String(r[0]).startsWith('rebuild command'));
    expect(Number(rebuildCommand?.[1])).toBeGreaterThan(0);
    // Measured twice, alternating: the pairs carry both runs.
    expect(results.figures['appends.http.batch100'].samples).toHaveLength(2);
    expect(results.figures['pg.copy4'].samples).toHaveLength(2);

    const table = readFileSync(join(out, markdown!), 'utf8');
    // The kernel's scheduling setting is recorded, and the header says where the apps ran.
    expect(results.machine.autogroup).toBe(autogroupEnabled());
    expect(table).toContain(schedulingLine(autogroupEnabled())!);
    expect(table).toContain('| figure | last run | this run | target | met? | short by |');
    for (const t of TARGETS) expect(table).toContain(`| ${t.ratio ?? t.absolute}`);
    expect(table).toContain('| figure | ours | baseline | ratio | target | met? |');
    for (const ratio of RATIOS) expect(table).toContain(`| ${ratio.name} |`);
  }, 600_000);
});
