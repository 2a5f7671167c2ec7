import { Logger } from '@nestjs/common';

/** Retries a start-up connection with backoff, so a service started before its database waits instead of dying. */
export async function retryUntilReady<T>(what: string, attempt: () => Promise<T>, deadlineMs = 120000): Promise<T> {
  const logger = new Logger('startup');
  const started = Date.now();
  let delay = 250;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() - started > deadlineMs) throw error;
      logger.warn(`${what} not ready (${(error as Error).message}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
