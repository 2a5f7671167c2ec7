import { sleep } from './say';

export interface LoadResult {
  /** Events completed inside the measuring window. */
  events: number;
  ms: number;
  rate: number;
  errors: number;
  firstError: string | null;
}

/**
 * Closed loop: `concurrency` workers each run `task` back to back; `task` resolves with the number of events it
 * completed. Only completions inside [warm-up end, deadline] count, so start-up and the tail do not skew the rate.
 */
export async function closedLoop(
  options: { concurrency: number; warmupMs: number; measureMs: number },
  task: (worker: number, iteration: number) => Promise<number>,
): Promise<LoadResult> {
  const started = performance.now();
  const from = started + options.warmupMs;
  const until = from + options.measureMs;
  // A machine starved of CPU (a quick run beside other work) may complete nothing inside a short window: the window
  // then stretches to the first completion after it opened (at most 10 times its length, and 30 s), and the rate is
  // what completed over the time it really took, not a failure of the run.
  const lastChance = until + Math.max(30_000, 10 * options.measureMs);
  let end = until;
  let events = 0;
  let errors = 0;
  // Set by the workers: declared wide, or the check after they finish would be narrowed to null.
  let firstError = null as string | null;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < until || (events === 0 && performance.now() < lastChance); i++) {
      try {
        const done = await task(w, i);
        const now = performance.now();
        if (now >= from && (now <= until || events === 0)) {
          events += done;
          if (now > end) end = now;
        }
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
        if (errors > 50 && events === 0) throw new Error(`load task keeps failing: ${firstError}`);
        await sleep(5);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const ms = end - from;
  const rate = (events * 1000) / ms;
  if (events === 0) throw new Error(`no event completed in the measuring window${firstError ? `: ${firstError}` : ''}`);
  return { events, ms, rate, errors, firstError };
}

/**
 * Open loop at a fixed rate: every `tickMs` it starts `task(n)` for the events due, without waiting for earlier
 * ticks (at most `maxInFlight` at once; ticks over that are skipped and show up as a lower achieved rate).
 */
export async function pacedLoop(
  options: { ratePerSecond: number; durationMs: number; maxBatch: number; maxInFlight: number; tickMs?: number; stopWhen?: () => boolean },
  task: (count: number) => Promise<void>,
): Promise<{ offered: number; sent: number; skipped: number; errors: number; firstError: string | null }> {
  const tickMs = options.tickMs ?? 20;
  const started = performance.now();
  let due = 0;
  let sent = 0;
  let skipped = 0;
  let errors = 0;
  // Set by the workers: declared wide, or the check after they finish would be narrowed to null.
  let firstError = null as string | null;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (performance.now() - started < options.durationMs && !options.stopWhen?.()) {
    due = Math.floor(((performance.now() - started) / 1000) * options.ratePerSecond) - sent - skipped;
    while (due > 0) {
      const n = Math.min(due, options.maxBatch);
      due -= n;
      if (inFlight >= options.maxInFlight) {
        skipped += n;
        continue;
      }
      inFlight++;
      sent += n;
      const p = task(n)
        .catch((error) => {
          errors++;
          firstError ??= (error as Error).message;
        })
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await sleep(tickMs);
  }
  await Promise.all(pending);
  return { offered: sent + skipped, sent, skipped, errors, firstError };
}
