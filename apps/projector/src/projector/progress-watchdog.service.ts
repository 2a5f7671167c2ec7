/**
 * Tells when the projector is stuck: the store holds events past the feed watermark, and the watermark has not
 * moved for `stallMs`. Every event moves the watermark once applied (or recorded as failed), so a watermark that
 * stands still behind the store's head means some partition is not being consumed, even if the consumer still
 * heartbeats (kafkajs can keep fetching from a dead partition leader). After it fires it waits `stallMs` again.
 */
export class ProgressWatchdog {
  private watermark: bigint | null = null;
  private since = 0;

  constructor(private readonly stallMs: number) {}

  /**
   * True when the consumer should be replaced now. `running` is false while the consumer is not a group member
   * that has shown a sign of life (starting, rejoining, restarting, silent): the clock starts again from the
   * moment it is, so a member that has just joined gets `stallMs` to make progress. Counting the time it spent
   * joining replaced a consumer the moment it joined after a partition leader was killed (a CI failure): the
   * join had waited out the dead member's session, and the replacement had to wait it out again.
   */
  observe(head: bigint, watermark: bigint, now: number, running = true): boolean {
    if (this.stallMs <= 0) return false;
    if (!running || this.watermark === null || watermark !== this.watermark || head <= watermark) {
      this.watermark = watermark;
      this.since = now;
      return false;
    }
    if (now - this.since < this.stallMs) return false;
    this.since = now;
    return true;
  }

  /**
   * How long the feed watermark has stood still behind the store's head, by the checks `note` saw (not reset when the
   * consumer is replaced, unlike `observe`'s clock: a replaced consumer that still cannot apply is still stuck); null
   * when it moved or caught up at the last check.
   */
  private stuck: { since: number; watermark: bigint; head: bigint } | null = null;

  note(head: bigint, watermark: bigint, now: number): void {
    if (head <= watermark || (this.stuck && this.stuck.watermark !== watermark)) this.stuck = null;
    if (head > watermark) this.stuck = this.stuck ? { ...this.stuck, head } : { since: now, watermark, head };
  }

  /** The stall readiness reports: stuck for `stallMs` or more (null otherwise, and always when the watchdog is off). */
  stalled(now: number): { ms: number; watermark: bigint; head: bigint } | null {
    if (this.stallMs <= 0 || !this.stuck || now - this.stuck.since < this.stallMs) return null;
    return { ms: now - this.stuck.since, watermark: this.stuck.watermark, head: this.stuck.head };
  }
}
