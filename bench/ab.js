#!/usr/bin/env node
// The bench before and after a change, A B B A, each side in a git worktree of its own:
//
//   npm run bench:ab -- --before <rev> --after <rev> [--rounds 2] [--args="--only=pipeline --e2e-stages"] [--out <file.md>]
//
// Why worktrees on both sides: in the twenty-first session every A B ran one side in the main checkout and the other
// in a worktree, and the main checkout gave the lower pipeline figure in all six pairs, for two unrelated changes;
// with both sides in worktrees the bias was gone (bench/HISTORY.md, twenty-first and twenty-second sessions). So
// both commits are checked out under the system's temporary folder (never inside this checkout, where jest, tsc and
// knip would find their files), with this checkout's node_modules linked in (each side's package-lock.json must be
// this one's) and built there. Then the bench (`dist/bench/src/main.js` with `--args`) runs on each side `--rounds`
// times, one run at a time, on the broker and Postgres this checkout uses (started when none answers, stopped after):
// before then after in odd rounds, after then before in even ones, so that an even count of rounds cancels a bias of
// a round's second run. Each run's results (JSON and markdown) go to `--out-dir` (default bench/tmp/ab-<id>/); the
// table compares every figure run by run, with the means and a verdict: `every after higher` or `every after lower`
// only when every run of one side is beyond every run of the other, else `overlap` (the spread of one commit on
// these machines is often 20%). The worktrees are removed at the end, also on Ctrl-C.
//
// `--bench-command="<cmd>"` replaces the bench (run in each worktree with BENCH_OUT_DIR set; it writes a results
// JSON there) and `--no-build` skips the builds: for this tool's own test.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { spawn, spawnSync, execFileSync } = require('node:child_process');

const { option } = require('./script-options');

const ROOT = path.join(__dirname, '..');
const stack = require('../scripts/stack');
const say = (msg) => process.stdout.write(`[bench:ab] ${msg}\n`);

function git(args, cwd = ROOT) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function commitOf(rev) {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new Error(`${JSON.stringify(rev)} is not a commit here`);
  }
}

/** node_modules is linked from this checkout: a side whose lockfile differs would run other dependencies than it asks for. */
function checkLockfile(commit) {
  const theirs = execFileSync('git', ['show', `${commit}:package-lock.json`], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (!theirs.equals(fs.readFileSync(path.join(ROOT, 'package-lock.json'))))
    throw new Error(`${commit.slice(0, 7)}'s package-lock.json is not this checkout's: its node_modules would not be the ones linked in`);
}

function runLogged(cmd, args, { cwd, env, log }) {
  return new Promise((resolve) => {
    const out = fs.openSync(log, 'a');
    // A process group of its own: Ctrl-C reaches this tool alone, which passes one SIGINT on (the bench stops
    // cleanly on its first SIGINT and at once on a second, leaving its databases and topics behind).
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    running.add(child);
    child.on('exit', (code, signal) => {
      running.delete(child);
      fs.closeSync(out);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

const running = new Set();
const worktrees = [];

function removeWorktrees() {
  for (const dir of worktrees.splice(0)) {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  spawnSync('git', ['worktree', 'prune'], { cwd: ROOT, stdio: 'ignore' });
}

async function main() {
  const before = option('before', null);
  const after = option('after', null);
  if (!before || !after)
    throw new Error('usage: npm run bench:ab -- --before <rev> --after <rev> [--rounds 2] [--args="..."] [--out F.md]');
  const rounds = Number(option('rounds', '2'));
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('--rounds must be an integer from 1 to 10');
  const benchArgs = option('args', '--only=pipeline --e2e-stages').split(/\s+/).filter(Boolean);
  if (benchArgs.some((a) => a.startsWith('--out-dir'))) throw new Error("--args: the out dir is this tool's (--out-dir)");
  const benchCommand = option('bench-command', null);
  const build = !process.argv.includes('--no-build');
  const id = `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(2).toString('hex')}`;
  const outDir = path.resolve(option('out-dir', path.join(ROOT, 'bench', 'tmp', `ab-${id}`)));
  const outFile = path.resolve(option('out', path.join(outDir, 'ab.md')));
  fs.mkdirSync(outDir, { recursive: true });
  // The table is this checkout's code (bench/src/report/ab-table.ts), from its dist/.
  stack.ensureInstalled();
  if (build) stack.build();
  const { abTable } = require(path.join(ROOT, 'dist', 'bench', 'src', 'report', 'ab-table.js'));

  const sides = [
    { name: 'before', rev: before, commit: commitOf(before) },
    { name: 'after', rev: after, commit: commitOf(after) },
  ];
  for (const side of sides) checkLockfile(side.commit);

  const base = fs.mkdtempSync(path.join(os.tmpdir(), `newsroom-ab-${id}-`));
  worktrees.push(base);
  for (const side of sides) {
    side.dir = path.join(base, side.name);
    git(['worktree', 'add', '--detach', '--force', side.dir, side.commit]);
    worktrees.unshift(side.dir);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(side.dir, 'node_modules'), 'dir');
    if (build) {
      say(`building ${side.name} (${side.commit.slice(0, 7)}) in ${side.dir}...`);
      const code = await runLogged(process.execPath, ['scripts/build.js'], {
        cwd: side.dir,
        env: process.env,
        log: path.join(outDir, `build-${side.name}.log`),
      });
      if (code !== 0) throw new Error(`the build of ${side.name} failed: ${path.join(outDir, `build-${side.name}.log`)}`);
    }
  }

  const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' };
  let startedKafka = false;
  if (!benchCommand) {
    await stack.ensurePostgres({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', ...env });
    startedKafka = await stack.ensureKafka(env);
  }
  try {
    const runs = [];
    for (let round = 1; round <= rounds; round++) {
      // Odd rounds before then after, even rounds after then before: in a null A B of one commit, three rounds in
      // this order (twenty-second session), each round's second run had the more Postgres and projector CPU in its
      // 100-subscriber window all three times (17-18% more on average).
      for (const side of round % 2 ? sides : [...sides].reverse()) {
        const dir = path.join(outDir, `${side.name}-${round}`);
        fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
        say(`round ${round} of ${rounds}: ${side.name} (${side.commit.slice(0, 7)})...`);
        const runEnv = { ...env, BENCH_TMP_DIR: path.join(dir, 'tmp'), BENCH_OUT_DIR: dir };
        const started = Date.now();
        const code = benchCommand
          ? await runLogged('bash', ['-c', benchCommand], { cwd: side.dir, env: runEnv, log: path.join(dir, 'log') })
          : // The worktree's own `npm run bench` (bench/run.js: the open-files limit, one SIGINT passed on), on its build.
            await runLogged(process.execPath, ['bench/run.js', ...benchArgs, `--out-dir=${dir}`], {
              cwd: side.dir,
              env: { ...runEnv, NEWSROOM_SKIP_BUILD: '1' },
              log: path.join(dir, 'log'),
            });
        fs.rmSync(path.join(dir, 'tmp'), { recursive: true, force: true });
        const json = fs.readdirSync(dir).find((f) => f.endsWith('.json'));
        if (!json) throw new Error(`${side.name} round ${round} wrote no results (exit ${code}): ${path.join(dir, 'log')}`);
        const results = JSON.parse(fs.readFileSync(path.join(dir, json), 'utf8'));
        runs.push({ side: side.name, round, code, seconds: Math.round((Date.now() - started) / 1000), results });
        say(`${side.name} ${round}: exit ${code} in ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    const header = [
      `# bench:ab, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `Before: \`${sides[0].commit}\` (${sides[0].rev}); after: \`${sides[1].commit}\` (${sides[1].rev}); each in a worktree of`,
      `its own with this checkout's node_modules; ${benchCommand ? `command \`${benchCommand}\`` : `\`${['bench', ...benchArgs].join(' ')}\``},`,
      `${rounds} round(s), before then after in odd rounds, after then before in even ones. Runs: ${runs.map((r) => `${r.side} ${r.round} exit ${r.code} (${r.seconds} s)`).join(', ')}.`,
      `Results: ${outDir}.`,
      '',
    ];
    const markdown = header.join('\n') + abTable(runs) + '\n';
    fs.writeFileSync(outFile, markdown);
    process.stdout.write(`\n${markdown}`);
    say(`written to ${outFile}`);
    return runs.every((r) => r.code === 0) ? 0 : 1;
  } finally {
    if (startedKafka && !process.env.KEEP_KAFKA) stack.stopKafka(env);
  }
}

let stopping = false;
/** Ctrl-C or SIGTERM: the run gets one SIGINT and its own clean-up (databases, topics, apps), then the worktrees go. */
async function stopAll() {
  if (stopping) return;
  stopping = true;
  const exits = [...running].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGINT');
  await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  removeWorktrees();
  process.exit(130);
}
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());

// Once stopping, stopAll ends the process (the run it stopped wrote no results: not a failure to report).
main()
  .then((code) => {
    if (stopping) return;
    removeWorktrees();
    process.exit(code);
  })
  .catch((error) => {
    if (stopping) return;
    removeWorktrees();
    process.stderr.write(`[bench:ab] failed: ${error.message}\n`);
    process.exit(1);
  });
