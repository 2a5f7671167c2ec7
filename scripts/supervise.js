// Keeps child processes running the way compose's `restart: unless-stopped` does, with a give-up rule compose
// lacks: used by `npm start` (scripts/start.js) and by its tests (scripts/supervise.int-spec.ts, tests/e2e).
'use strict';

const DEFAULTS = {
  initialDelayMs: 1000, // first restart after 1 s ...
  maxDelayMs: 30000, // ... doubling up to 30 s
  resetAfterMs: 30000, // up this long: the next crash starts again at 1 s
  maxCrashes: 5, // this many crashes ...
  crashWindowMs: 60000, // ... within this window: give up on the service
  stopTimeoutMs: 15000, // SIGTERM, then SIGKILL after this long
};

/**
 * Exits by these signals are not crashes: the services drain on them and re-raise them to exit (Nest's shutdown
 * hooks), so they only come from someone stopping the service on purpose. SIGKILL is not among them: the kernel's
 * OOM killer sends it too.
 */
const STOP_SIGNALS = new Set(['SIGTERM', 'SIGINT']);

const describeExit = (code, signal) => (signal ? `signal ${signal}` : `exit code ${code}`);

/**
 * supervise({ services, spawn, say, onGiveUp, ...options })
 *   services: [{ name, ... }]; spawn(service) -> ChildProcess (with an optional .logFile)
 *   say(line): where the supervisor's log lines go
 *   onGiveUp({ service, crashes, windowMs, logFile, code, signal }): called once when a service crashes
 *     maxCrashes times within crashWindowMs; the service is not restarted any more.
 * Returns { start(), stop(), killAll(), children (name -> current ChildProcess), stats (name -> { starts, restarts }) }.
 * A child that exits while stop() runs (or after it) is never restarted. A child stopped by a SIGTERM or SIGINT the
 * supervisor did not send (an operator's `kill <pid>`) is logged as "stopped by SIGTERM" and started again after
 * initialDelayMs: not a crash, it counts toward no give-up and leaves the crash backoff as it was.
 */
function supervise({ services, spawn, say = (line) => process.stdout.write(`${line}\n`), onGiveUp = () => {}, ...options }) {
  const o = { ...DEFAULTS, ...options };
  const state = new Map(); // name -> { child, startedAt, attempt, crashes: number[], timer, gaveUp }
  const stats = {};
  let stopping = false;

  const launch = (service) => {
    const s = state.get(service.name);
    s.timer = null;
    if (stopping) return;
    const child = spawn(service);
    s.child = child;
    s.startedAt = Date.now();
    stats[service.name].starts++;
    child.once('exit', (code, signal) => onExit(service, child, code, signal));
  };

  const onExit = (service, child, code, signal) => {
    const s = state.get(service.name);
    if (s.child !== child) return;
    s.child = null;
    if (stopping) return;
    const now = Date.now();
    const upMs = now - s.startedAt;
    const logFile = child.logFile ?? '(no log file)';
    if (STOP_SIGNALS.has(signal)) {
      // Stopped on purpose by someone else (the supervisor's own SIGTERMs come only from stop(), when nothing is
      // restarted): an operator's `kill <pid>` is a request to restart it, not a crash. It is started again after
      // the first delay and counts toward no give-up; the backoff of real crashes is left as it was.
      stats[service.name].restarts++;
      say(
        `${service.name} stopped by ${signal} (not sent by the supervisor) after ${fmt(upMs)} up; starting it again in ${fmt(o.initialDelayMs)}; log: ${logFile}`,
      );
      s.timer = setTimeout(() => launch(service), o.initialDelayMs);
      return;
    }
    if (upMs >= o.resetAfterMs) s.attempt = 0;
    s.crashes = s.crashes.filter((t) => now - t < o.crashWindowMs);
    s.crashes.push(now);
    if (s.crashes.length >= o.maxCrashes) {
      s.gaveUp = true;
      say(
        `${service.name} exited (${describeExit(code, signal)}) after ${fmt(upMs)} up: ${s.crashes.length} crashes within ${fmt(o.crashWindowMs)}, ` +
          `giving up on it. Look at the end of ${logFile} for the error (a bad setting, Postgres or Kafka unreachable, a port in use).`,
      );
      onGiveUp({ service, crashes: s.crashes.length, windowMs: o.crashWindowMs, logFile, code, signal });
      return;
    }
    const delay = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** s.attempt);
    s.attempt++;
    stats[service.name].restarts++;
    say(
      `${service.name} exited (${describeExit(code, signal)}) after ${fmt(upMs)} up; restart attempt ${s.attempt} in ${fmt(delay)} ` +
        `(${s.crashes.length} of ${o.maxCrashes} crashes allowed within ${fmt(o.crashWindowMs)}); log: ${logFile}`,
    );
    s.timer = setTimeout(() => launch(service), delay);
  };

  return {
    children: new Proxy({}, { get: (_, name) => state.get(name)?.child ?? null }),
    stats,
    start() {
      for (const service of services) {
        state.set(service.name, { child: null, startedAt: 0, attempt: 0, crashes: [], timer: null, gaveUp: false });
        stats[service.name] = { starts: 0, restarts: 0 };
        launch(service);
      }
    },
    /** Synchronous last resort for process.on('exit'): SIGTERM to every child still running, no restarts. */
    killAll() {
      stopping = true;
      for (const s of state.values()) {
        if (s.timer) clearTimeout(s.timer);
        if (s.child && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      }
    },
    /** SIGTERM to every child (they drain), SIGKILL to those still there after stopTimeoutMs; no restarts. */
    async stop() {
      stopping = true;
      const live = [];
      for (const s of state.values()) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = null;
        const child = s.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) continue;
        live.push(
          new Promise((resolve) => {
            const kill = setTimeout(() => child.kill('SIGKILL'), o.stopTimeoutMs);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
        );
      }
      await Promise.all(live);
    },
  };
}

function fmt(ms) {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

module.exports = { supervise, DEFAULTS };
