import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, pollUntil, TestDatabase, testApiKey, testTopics } from '@newsroom/testing';

// The supervisor `npm start` uses (scripts/supervise.js) and the service spawner it uses (scripts/stack.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { supervise } = require('../../scripts/supervise.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/stack.js');

const ROOT = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'supervisor-e2e-'));
const alive = (c: ChildProcess | null) => !!c && c.exitCode === null && c.signalCode === null;

/** A tiny service: crashes with exit code 3 its first `crashes` runs (counted in a file), then stays up. */
function flaky(name: string, crashes: number) {
  const counter = join(tmp, `${name}.count`);
  writeFileSync(counter, '0');
  const code = `
    const fs = require('fs'); const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
    fs.writeFileSync(${JSON.stringify(counter)}, String(n));
    if (n <= ${crashes}) process.exit(3);
    setInterval(() => {}, 1000);`;
  return {
    service: { name },
    spawn: () => Object.assign(spawn(process.execPath, ['-e', code], { stdio: 'ignore' }), { logFile: join(tmp, `${name}.log`) }),
    runs: () => Number(readFileSync(counter, 'utf8')),
  };
}

function supervised(s: ReturnType<typeof flaky>, options: Record<string, unknown>) {
  const lines: string[] = [];
  const gaveUp: unknown[] = [];
  const sup = supervise({
    services: [s.service],
    spawn: s.spawn,
    say: (l: string) => lines.push(l),
    onGiveUp: (i: unknown) => gaveUp.push(i),
    ...options,
  });
  return { sup, lines, gaveUp };
}

const running: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('supervisor (scripts/supervise.js) with real child processes', () => {
  it('restarts a service that crashes twice with growing delays, logs each restart, and keeps it once it stays up', async () => {
    const s = flaky('twice', 2);
    const { sup, lines, gaveUp } = supervised(s, { initialDelayMs: 100, maxDelayMs: 1000, maxCrashes: 5 });
    running.push(sup);
    sup.start();
    await pollUntil(() => s.runs() === 3 && alive(sup.children.twice), { timeoutMs: 20000, what: 'third run up' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^twice exited \(exit code 3\) after .* up; restart attempt 1 in 100 ms .*log: .*twice\.log$/);
    expect(lines[1]).toMatch(/restart attempt 2 in 200 ms/);
    expect(gaveUp).toHaveLength(0);
    await sup.stop();
    expect(alive(sup.children.twice)).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.runs()).toBe(3);
  });

  it('restarts a service killed with SIGKILL, at the first delay again once it had stayed up long enough', async () => {
    const s = flaky('killed', 1);
    const { sup, lines } = supervised(s, { initialDelayMs: 100, maxDelayMs: 1000, resetAfterMs: 300 });
    running.push(sup);
    sup.start();
    await pollUntil(() => s.runs() === 2 && alive(sup.children.killed), { timeoutMs: 20000, what: 'second run up' });
    await new Promise((r) => setTimeout(r, 600)); // longer than resetAfterMs
    sup.children.killed.kill('SIGKILL');
    await pollUntil(() => s.runs() === 3 && alive(sup.children.killed), { timeoutMs: 20000, what: 'back after SIGKILL' });
    expect(lines[1]).toMatch(/^killed exited \(signal SIGKILL\) after .* up; restart attempt 1 in 100 ms/);
    await sup.stop();
  });

  it('a SIGTERM it did not send is a stop, not a crash: logged as such, started again at the first delay, never given up on', async () => {
    const s = flaky('termed', 0);
    const { sup, lines, gaveUp } = supervised(s, { initialDelayMs: 100, maxDelayMs: 1000, maxCrashes: 2, crashWindowMs: 60000 });
    running.push(sup);
    sup.start();
    // More SIGTERMs than maxCrashes: an operator restarting the service this often is not a crash loop.
    for (let run = 1; run <= 3; run++) {
      await pollUntil(() => s.runs() === run && alive(sup.children.termed), { timeoutMs: 20000, what: `run ${run} up` });
      sup.children.termed.kill('SIGTERM');
      await pollUntil(() => lines.length === run, { timeoutMs: 10000, what: `log line ${run}` });
    }
    await pollUntil(() => s.runs() === 4 && alive(sup.children.termed), { timeoutMs: 20000, what: 'fourth run up' });
    expect(gaveUp).toHaveLength(0);
    for (const line of lines)
      expect(line).toMatch(
        /^termed stopped by SIGTERM \(not sent by the supervisor\) after .* up; starting it again in 100 ms; log: .*termed\.log$/,
      );
    expect(lines.join('\n')).not.toMatch(/crash/);
    await sup.stop();
    expect(lines).toHaveLength(3);
    expect(alive(sup.children.termed)).toBe(false);
  });

  it('gives up on a crash loop with a message that names the service and its log, and starts it no more', async () => {
    const s = flaky('loop', 1000);
    const { sup, lines, gaveUp } = supervised(s, { initialDelayMs: 50, maxDelayMs: 200, maxCrashes: 4, crashWindowMs: 60000 });
    running.push(sup);
    sup.start();
    await pollUntil(() => gaveUp.length === 1, { timeoutMs: 20000, what: 'give up' });
    expect(gaveUp[0]).toMatchObject({ crashes: 4, code: 3, logFile: join(tmp, 'loop.log') });
    expect(lines.at(-1)).toMatch(/^loop exited \(exit code 3\).*4 crashes within 60 s, giving up on it\. Look at the end of .*loop\.log/);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.runs()).toBe(4);
    await sup.stop();
  });

  it('stop() during a restart delay stops for good: nothing is started afterwards', async () => {
    const s = flaky('stopped', 1);
    const { sup } = supervised(s, { initialDelayMs: 1000 });
    running.push(sup);
    sup.start();
    await pollUntil(() => s.runs() === 1 && !alive(sup.children.stopped), { timeoutMs: 20000, what: 'first crash' });
    await sup.stop();
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.runs()).toBe(1);
  });
});

describe('process handlers (libs/platform installProcessHandlers) in a real process', () => {
  it('logs an unhandled rejection with its stack and keeps running; logs an uncaught exception, drains, exits 1', async () => {
    const main = join(ROOT, 'dist', 'libs', 'platform', 'src', 'index.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: npm run build`);
    const code = `
      const { installProcessHandlers } = require('@newsroom/platform');
      installProcessHandlers({ service: 'probe', beforeExit: async () => console.log('drained before exit') });
      Promise.reject(new Error('stray rejection'));
      setTimeout(() => console.log('still alive after the rejection'), 200);
      setTimeout(() => { throw new Error('boom from a timer'); }, 400);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-r', join(ROOT, 'scripts', 'register-paths.js'), '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exit = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(exit).toBe(1);
    expect(out).toMatch(/unhandled promise rejection \(logged and counted, process kept running\): Error: stray rejection\s+at /);
    expect(out).toMatch(/still alive after the rejection/);
    expect(out).toMatch(/uncaught exception \(uncaughtException\), exiting with 1 .*: Error: boom from a timer\s+at /);
    expect(out.indexOf('drained before exit')).toBeGreaterThan(out.indexOf('boom from a timer'));
  });
});

describe('supervisor running a real compiled app (query)', () => {
  let db: TestDatabase;
  const logDir = join(tmp, 'logs');

  beforeAll(async () => {
    db = await createTestDatabase('supervisor');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('brings the query app back ready on its port after kill -9, with a log line', async () => {
    const port = await freePort();
    const { prefix } = testTopics('supervisor');
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: prefix,
      NEWSROOM_API_KEYS: `${testApiKey()}:admin`,
      QUERY_PORT: String(port),
    };
    const service = stack.SERVICES.find((s: { name: string }) => s.name === 'query');
    const lines: string[] = [];
    const sup = supervise({
      services: [service],
      spawn: (s: unknown) => stack.startService(s, env, logDir, { quiet: true, detached: true }),
      say: (l: string) => lines.push(l),
    });
    running.push(sup);
    sup.start();
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok;
    await pollUntil(ready, { timeoutMs: 90000, intervalMs: 200, what: 'query ready' });
    const first = sup.children.query as ChildProcess;
    // bootstrapHttp installed the process handlers in the real app: their counter is exported.
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
      /^process_unhandled_rejections_total\{service="query"\} 0$/m,
    );

    const killedAt = Date.now();
    first.kill('SIGKILL');
    await pollUntil(() => lines.length === 1, { timeoutMs: 10000, what: 'restart log line' });
    expect(lines[0]).toMatch(new RegExp(`^query exited \\(signal SIGKILL\\) after .* up; restart attempt 1 in 1 s .*log: .*query\\.log$`));
    await pollUntil(async () => sup.children.query && sup.children.query !== first && (await ready()), {
      timeoutMs: 90000,
      intervalMs: 200,
      what: 'query ready again',
    });
    process.stdout.write(`[supervisor e2e] query: ${Date.now() - killedAt} ms from kill -9 to ready again (1 s of it the restart delay)\n`);
    expect(alive(first)).toBe(false);

    await sup.stop();
    expect(alive(sup.children.query)).toBe(false);
    expect(await ready()).toBeFalsy();
  });
});
