import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { pollUntil } from './poll-until.util';

const ROOT = join(__dirname, '..', '..', '..');
export type AppName = 'ingest' | 'relay' | 'projector' | 'query';
const PORT_VAR: Record<AppName, string> = { ingest: 'INGEST_PORT', relay: 'RELAY_PORT', projector: 'PROJECTOR_PORT', query: 'QUERY_PORT' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningApp {
  name: AppName;
  url: string;
  process: ChildProcess;
  output: string[];
  /** The app's warnings and errors but kafkajs' repeated connection errors, the last 100: what it decided and when. */
  notable: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the compiled apps (dist/, built by the test command) as real processes, on free ports, against the
 * given database and topic prefix: e2e tests exercise exactly what `npm start` runs.
 */
export async function startApp(
  name: AppName,
  env: Record<string, string>,
  pickPort: () => Promise<number> = freePort,
): Promise<RunningApp> {
  const main = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run the test command (it builds first) or npm run build`);
  // A port given in env (e.g. to restart an app where its clients expect it) is kept; otherwise a free one.
  if (env[PORT_VAR[name]]) return startAppOn(name, env, main, Number(env[PORT_VAR[name]]));
  // A port found free can be taken before the app binds it (another test file's app or broker, or an outgoing
  // connection's ephemeral port from the same range): then the app is started again on another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAppOn(name, env, main, await pickPort());
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startAppOn(name: AppName, env: Record<string, string>, main: string, port: number): Promise<RunningApp> {
  const { app, closed } = spawnApp(name, env, main, port);
  const child = app.process;
  const { output } = app;
  try {
    // An app that exits while starting (a port taken, a bad setting) is reported at once, not after the timeout.
    const state = await pollUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return 'exited';
        // Bounded: whatever else holds the port may take the connection and never answer.
        const res = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
        return res?.ok ? 'ready' : null;
      },
      { timeoutMs: 60000, intervalMs: 200, what: `${name} ready` },
    );
    if (state === 'exited') {
      await closed; // its last words are in `output`
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} before it was ready`);
    }
  } catch (error) {
    await app.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output.join('').slice(-3000)}`);
  }
  return app;
}

export const testApiKey = () => `test-${randomBytes(16).toString('hex')}`;

/**
 * An app as a process on `port`, not waited for: for tests of how it starts (liveness before readiness). The test
 * stops it (`stop()`); the app also stops itself if the test process dies (NEWSROOM_SUPERVISOR_PID).
 */
export function launchApp(name: AppName, env: Record<string, string>, port: number): RunningApp {
  const main = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run the test command (it builds first) or npm run build`);
  return spawnApp(name, env, main, port).app;
}

function spawnApp(name: AppName, env: Record<string, string>, main: string, port: number): { app: RunningApp; closed: Promise<unknown> } {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'scripts', 'register-paths.js'), main], {
    cwd: ROOT,
    // This test process is its supervisor: if it dies without stopping the app, the app stops itself.
    env: {
      ...process.env,
      LOG_LEVEL: process.env.TEST_APP_LOG_LEVEL ?? 'warn',
      NODE_ENV: 'test',
      NEWSROOM_SUPERVISOR_PID: String(process.pid),
      ...env,
      [PORT_VAR[name]]: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  const output: string[] = [];
  // TEST_APP_LOG_DIR keeps each app's whole output (the in-memory tail holds the last 200 chunks), for diagnosis.
  const logDir = process.env.TEST_APP_LOG_DIR;
  const logFile = logDir ? join(logDir, `${name}-${port}-${child.pid}.log`) : null;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const notable: string[] = [];
  let partial = '';
  const keep = (b: Buffer) => {
    const text = b.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    if (logFile) appendFileSync(logFile, b);
    const lines = (partial + text).split('\n');
    partial = lines.pop()!.slice(-4000);
    for (const line of lines) {
      // kafkajs' own lines only when they are not its connection errors (a crash, a group coordinator's answer).
      if (
        !/"level":(4|5|6)0/.test(line) ||
        (line.includes('"context":"kafkajs"') && /Connection error|ECONNREFUSED|Connection timeout/.test(line))
      )
        continue;
      notable.push(line.slice(0, 400));
      if (notable.length > 100) notable.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const app: RunningApp = {
    name,
    url,
    process: child,
    output,
    notable,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        // Already gone (exited, or killed by a signal: then exitCode stays null and 'exit' will not fire again).
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill(signal);
      }),
  };
  return { app, closed };
}
