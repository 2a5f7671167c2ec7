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
