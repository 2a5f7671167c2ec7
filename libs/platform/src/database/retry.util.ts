import { startupWaitsFor, startupWarn } from '../health/startup.util';

/**
 * Retries a start-up connection with backoff, so a service started before its database waits instead of dying. While
 * it waits the port already answers (bootstrapHttp): `/health/live` 200, `/health/ready` 503 "waiting for <what>";
 * each failed attempt is logged when it happens. After `deadlineMs` it gives up with the last error (the process
 * exits 1 saying so and its supervisor starts it again).
 */
export async function retryUntilReady<T>(what: string, attempt: () => Promise<T>, deadlineMs = 120000): Promise<T> {
  const started = Date.now();
  let delay = 250;
  startupWaitsFor(what);
  try {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (Date.now() - started > deadlineMs)
          throw new Error(`${what} not ready after ${Math.round((Date.now() - started) / 1000)} s, giving up: ${(error as Error).message}`);
        startupWarn(`${what} not ready (${(error as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  } finally {
    startupWaitsFor(null);
  }
}
