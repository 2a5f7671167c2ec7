import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../config/bench.config';
import { sleep } from './say';

export type AppName = 'ingest' | 'relay' | 'projector' | 'query';
const PORT_VAR: Record<AppName, string> = { ingest: 'INGEST_PORT', relay: 'RELAY_PORT', projector: 'PROJECTOR_PORT', query: 'QUERY_PORT' };

export interface BenchApp {
  name: AppName;
  url: string;
  pid: number;
  /** Where `--cpu-prof` writes, when this app is profiled. */
  profileDir: string | null;
  stop(): Promise<void>;
}

export interface AppLaunch {
  env: Record<string, string>;
  logDir: string;
  /** Set when this app is the one being profiled: node --cpu-prof writes its profile there on exit. */
  cpuProfDir?: string | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs one compiled app (what `npm start` runs) and waits until it answers ready. */
export async function startApp(name: AppName, launch: AppLaunch): Promise<BenchApp> {
  const main = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  mkdirSync(launch.logDir, { recursive: true });
  const port = await freePort();
  const profile = launch.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${launch.cpuProfDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '-r', join(ROOT, 'scripts', 'register-paths.js'), main], {
    cwd: ROOT,
    // The bench is their supervisor: killed before its clean-up, it leaves no app running.
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      NEWSROOM_SUPERVISOR_PID: String(process.pid),
      ...launch.env,
      [PORT_VAR[name]]: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A session of its own, as `npm start` starts each service and as a container runs it. Linux's autogroup scheduling
    // (kernel.sched_autogroup_enabled, on by default) shares the cores between sessions first, and Postgres starts every
    // backend in a session of its own: the apps in the bench's session would share one backend's part among them and
    // the bench's load.
    detached: true,
  });
  const log = createWriteStream(join(launch.logDir, `${name}-${port}.log`));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see ${join(launch.logDir, `${name}-${port}.log`)}`);
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
    if (res?.ok) break;
    if (Date.now() - started > 90_000) {
      await stop();
      throw new Error(`${name} not ready after 90 s: ${res ? `${res.status} ${await res.text()}` : 'no answer'}`);
    }
    await sleep(200);
  }
  return { name, url, pid: child.pid!, profileDir: launch.cpuProfDir ?? null, stop };
}

/** Resident set size of a process, in KiB (Linux). */
export function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? NaN);
}

/** Sums a Prometheus counter from an app's /metrics, optionally only the series whose labels contain `labels`. */
export async function scrapeCounter(appUrl: string, metric: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric) || (line[metric.length] !== '{' && line[metric.length] !== ' ')) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
