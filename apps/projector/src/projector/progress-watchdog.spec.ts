import { ProgressWatchdog } from './progress-watchdog.service';

describe('the projector progress watchdog', () => {
  it('given the watermark behind the head and still for the stall time, then it fires, and again only a stall time later', () => {
    const w = new ProgressWatchdog(30_000);
    expect(w.observe(4000n, 304n, 0)).toBe(false);
    expect(w.observe(4000n, 304n, 29_999)).toBe(false);
    expect(w.observe(4000n, 304n, 30_000)).toBe(true);
    expect(w.observe(4000n, 304n, 45_000)).toBe(false);
    expect(w.observe(4000n, 304n, 60_000)).toBe(true);
  });

  it('given a watermark that moves, then it never fires', () => {
    const w = new ProgressWatchdog(30_000);
    for (let t = 0, p = 1n; t < 300_000; t += 5_000, p += 10n) expect(w.observe(10_000n, p, t)).toBe(false);
  });

  it('given nothing to do (the watermark at the head), then it never fires however long it stands', () => {
    const w = new ProgressWatchdog(30_000);
    expect(w.observe(500n, 500n, 0)).toBe(false);
    expect(w.observe(500n, 500n, 600_000)).toBe(false);
  });

  it('given a consumer that was not running (joining after a broker died), then the stall time counts from when it runs', () => {
    const w = new ProgressWatchdog(30_000);
    expect(w.observe(4000n, 304n, 0)).toBe(false);
    // Rejoining for 70 s, the watermark still: never fires while not running...
    for (let t = 5_000; t <= 70_000; t += 5_000) expect(w.observe(4000n, 304n, t, false)).toBe(false);
    // ...and from the last time it was seen not running it gets the whole stall time to move the watermark.
    expect(w.observe(4000n, 304n, 75_000, true)).toBe(false);
    expect(w.observe(4000n, 304n, 99_999, true)).toBe(false);
    expect(w.observe(4000n, 304n, 100_000, true)).toBe(true);
  });

  it('given a stall time of 0, then it is off', () => {
    expect(new ProgressWatchdog(0).observe(10n, 1n, 1e9)).toBe(false);
  });

  it('given the watermark still behind the head across a consumer replacement, then readiness reports the stall from its start until it moves', () => {
    const w = new ProgressWatchdog(30_000);
    w.note(1000n, 400n, 0);
    expect(w.stalled(29_999)).toBeNull();
    w.note(1050n, 400n, 30_000);
    expect(w.stalled(30_000)).toEqual({ ms: 30_000, watermark: 400n, head: 1050n });
    // The watchdog replaced the consumer at 30 s; the new one cannot apply either (a read-only database): still stalled.
    expect(w.observe(1050n, 400n, 30_000)).toBe(false);
    w.note(1100n, 400n, 60_000);
    expect(w.stalled(60_000)?.ms).toBe(60_000);
    // It moves: ready again; caught up: nothing to report.
    w.note(1100n, 700n, 65_000);
    expect(w.stalled(70_000)).toBeNull();
    w.note(1100n, 1100n, 100_000);
    expect(w.stalled(200_000)).toBeNull();
  });

  it('given a watermark at the head (nothing to apply), then no stall is reported however long it stands', () => {
    const w = new ProgressWatchdog(30_000);
    w.note(500n, 500n, 0);
    expect(w.stalled(600_000)).toBeNull();
    expect(new ProgressWatchdog(0).stalled(1e9)).toBeNull();
  });
});
