import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGURE_IDS } from '../../bench/src/report/figures';
import { RATIOS } from '../../bench/src/report/ratios';

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

  it('completes and writes its JSON and markdown table with every figure and ratio present', async () => {
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
    const missing = FIGURE_IDS.filter((id) => !Number.isFinite(results.figures[id]?.value));
    expect(missing).toEqual([]);
    expect(results.ratios.map((r: { name: string }) => r.name)).toEqual(RATIOS.map((r) => r.name));
    expect(results.ratios.every((r: { ratio: number }) => Number.isFinite(r.ratio))).toBe(true);
    expect(results.machine.cpus).toBeGreaterThan(0);

    const table = readFileSync(join(out, markdown!), 'utf8');
    expect(table).toContain('| figure | ours | baseline | ratio | target | met? |');
    for (const ratio of RATIOS) expect(table).toContain(`| ${ratio.name} |`);
  }, 360_000);
});
