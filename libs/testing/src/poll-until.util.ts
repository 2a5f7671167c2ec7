/** Polls until `probe` returns a truthy value (returned) or the timeout passes (throws with the last value seen). */
export async function pollUntil<T>(
  probe: () => Promise<T> | T,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 15000, intervalMs = 100, what = 'condition' } = options;
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      last = value;
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 500)}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Resolves once the clock has left the millisecond of `recordedAt`, so the next event is recorded in a later one.
 * recordedAt is given to the millisecond: a test that asks about the instant just before an event (`knownAt`) needs
 * the events it expects known then to be recorded in an earlier millisecond than that event. Postgres and this
 * process read the same clock (the database is on loopback).
 */
export async function pastMillisecondOf(recordedAt: string): Promise<void> {
  const ms = Date.parse(recordedAt);
  while (Date.now() <= ms) await new Promise((resolve) => setTimeout(resolve, 1));
}
