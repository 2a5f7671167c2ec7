import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function abTool(
  args: string[],
  env: Record<string, string>,
  onStdout?: (child: ChildProcess, stdout: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'ab.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      onStdout?.(child, stdout);
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// A stand-in for the bench (the real one takes minutes a run): says where and on what it ran, and writes a results
// JSON whose one figure is its place in the order of runs.
const FAKE_BENCH = `
const fs = require('node:fs');
const log = process.env.FAKE_LOG;
const n = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\\n').filter(Boolean).length : 0;
const head = require('node:child_process').execSync('git rev-parse HEAD').toString().trim();
fs.appendFileSync(log, JSON.stringify({ cwd: process.cwd(), head, linked: fs.lstatSync('node_modules').isSymbolicLink() }) + '\\n');
fs.writeFileSync(require('node:path').join(process.env.BENCH_OUT_DIR, 'r.json'), JSON.stringify({ figures: { order: { value: n + 1, unit: 'run' } }, curves: [] }));
`;

// npm run bench:ab: both commits in worktrees of their own, run before, after, after, before, and gone afterwards.
describe('npm run bench:ab (its runs stood in for)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsroom-bench-ab-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs each side in a worktree of its own at its commit, alternating, tabulates the runs and removes the worktrees', async () => {
    writeFileSync(join(dir, 'fake-bench.js'), FAKE_BENCH);
    const log = join(dir, 'runs.log');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const out = join(dir, 'out');
    const result = await abTool(
      [
        '--before',
        'HEAD',
        '--after',
        head,
        '--rounds',
        '2',
        '--no-build',
        `--bench-command=node ${join(dir, 'fake-bench.js')}`,
        `--out-dir=${out}`,
      ],
      { FAKE_LOG: log },
    );
    if (result.code !== 0) throw new Error(`bench:ab exited with ${result.code}:\n${result.stderr}\n${result.stdout}`);

    const runs = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cwd: string; head: string; linked: boolean });
    expect(runs).toHaveLength(4);
    // before, after, then after, before (a round's second run has a bias of its own): two worktrees, neither of them
    // this checkout.
    expect(runs.map((r) => basename(r.cwd))).toEqual(['before', 'after', 'after', 'before']);
    const [b1, a1, a2, b2] = runs.map((r) => r.cwd);
    expect(b1).toBe(b2);
    expect(a1).toBe(a2);
    expect(new Set([b1, a1, ROOT]).size).toBe(3);
    expect(b1.startsWith(tmpdir())).toBe(true);
    for (const r of runs) {
      expect(r.head).toBe(head);
      expect(r.linked).toBe(true);
    }

    const md = readFileSync(join(out, 'ab.md'), 'utf8');
    expect(md).toContain(`Before: \`${head}\` (HEAD); after: \`${head}\``);
    expect(md).toContain('| figure | before 1 | after 1 | after 2 | before 2 | mean before | mean after | after / before | verdict |');
    expect(md).toContain('| order (run) | 1 | 2 | 3 | 4 | 2.5 | 2.5 | 1.00 | overlap |');
    expect(result.stdout).toContain('| order (run) |');

    // The worktrees are gone, from the disk and from git's list.
    expect(existsSync(b1)).toBe(false);
    expect(existsSync(a1)).toBe(false);
    expect(execFileSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' })).not.toContain(b1);
  });

  it('on Ctrl-C, hands the running bench one SIGINT, waits for its clean-up and removes the worktrees', async () => {
    // A bench that cleans up on its first SIGINT, as the real one does, and records each SIGINT it gets.
    const marker = join(dir, 'signals.log');
    writeFileSync(
      join(dir, 'slow-bench.js'),
      `const fs = require('node:fs');
       fs.writeFileSync(${JSON.stringify(join(dir, 'slow-cwd'))}, process.cwd());
       process.on('SIGINT', () => { fs.appendFileSync(${JSON.stringify(marker)}, 'SIGINT\\n'); setTimeout(() => process.exit(0), 300); });
       setTimeout(() => process.exit(1), 60000);`,
    );
    let sent = false;
    const result = await abTool(
      [
        '--before',
        'HEAD',
        '--after',
        'HEAD',
        '--rounds',
        '1',
        '--no-build',
        `--bench-command=node ${join(dir, 'slow-bench.js')}`,
        `--out-dir=${join(dir, 'stopped')}`,
      ],
      {},
      (child, stdout) => {
        if (sent || !stdout.includes('round 1 of 1: before')) return;
        sent = true;
        // Once the bench has started (it wrote where it runs).
        const poll = setInterval(() => {
          if (!existsSync(join(dir, 'slow-cwd'))) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 50);
      },
    );
    expect(result.code).toBe(130);
    expect(readFileSync(marker, 'utf8')).toBe('SIGINT\n');
    const cwd = readFileSync(join(dir, 'slow-cwd'), 'utf8');
    expect(existsSync(cwd)).toBe(false);
    expect(execFileSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' })).not.toContain(cwd);
  });

  it('refuses a revision that is not a commit, before it checks anything out', async () => {
    const result = await abTool(
      ['--before', 'no-such-revision-here', '--after', 'HEAD', '--no-build', '--bench-command=true', `--out-dir=${join(dir, 'bad')}`],
      {},
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"no-such-revision-here" is not a commit here');
  });
});
