import { startupWaitsFor, startupWarn } from '../health/startup.util';

/** Once the waits reach their longest, a failed attempt is logged at most this often (each one before that). */
const QUIET_LOG_EVERY_MS = 60_000;

/**
 * Retries a start-up connection with backoff (0.25 s doubling to 5 s), so a service started before its database waits
 * instead of dying. While it waits the port already answers (bootstrapHttp): `/health/live` 200, `/health/ready` 503
 * "waiting for <what>"; failed attempts are logged when they happen (each one at first, then once a minute, saying
 * how long it has waited). It waits as long as it takes by default: a service that gave up after 120 s was started
 * again by its supervisor every two minutes for as long as Postgres stayed away (a slow crash loop), with nothing
 * gained. `deadlineMs` bounds it (tests; a one-shot tool): it then gives up with the last error.
 */
export async function retryUntilReady<T>(what: string, attempt: () => Promise<T>, deadlineMs = Infinity): Promise<T> {
  const started = Date.now();
  let delay = 250;
  let lastLog = 0;
  startupWaitsFor(what);
  try {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const waited = Date.now() - started;
        if (waited > deadlineMs)
          throw new Error(`${what} not ready after ${Math.round(waited / 1000)} s, giving up: ${(error as Error).message}`);
        if (delay < 5000 || Date.now() - lastLog >= QUIET_LOG_EVERY_MS) {
          const since = waited >= 10_000 ? `, waiting for ${Math.round(waited / 1000)} s` : '';
          startupWarn(`${what} not ready (${(error as Error).message}); retrying in ${delay} ms${since}`);
          lastLog = Date.now();
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  } finally {
    startupWaitsFor(null);
  }
}
