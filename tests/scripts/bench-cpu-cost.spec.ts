import { cpus } from 'node:os';
import { CpuSnapshot, cpuCurve, snapshotCpu } from '../../bench/src/support/cpu-accounting';

// A throughput window's CPU put in terms of its work: what an event cost the stack (the bench's own processes left
// out) and how many cores the target's rate would keep busy at that cost.
describe('bench: the CPU an event and the cores a target needs', () => {
  const sample = (kind: string, ticks: number) => ({ kind, ticks, waitNs: 0, runNs: 0 });
  const snapshot = (at: number, procs: Array<[number, ReturnType<typeof sample>]>, exitedChildrenTicks = 0): CpuSnapshot => ({
    at,
    procs: new Map(procs),
    exitedChildrenTicks,
  });

  it('divides the stack CPU by the events and scales it to the target rate', () => {
    // 10 s: Postgres 6 CPU-s, the projector 3, the bench's load 1 (left out); 10,000 events.
    const a = snapshot(0, [
      [1, sample('postgres (queries)', 0)],
      [2, sample('projector', 0)],
      [3, sample('bench (load, probes)', 0)],
    ]);
    const b = snapshot(10_000, [
      [1, sample('postgres (queries)', 600)],
      [2, sample('projector', 300)],
      [3, sample('bench (load, probes)', 100)],
    ]);
    const curve = cpuCurve('projector', 'a drain', a, b, { events: 10_000, target: { rate: 6000, name: 'projector, events/s' } });
    expect(curve.columns).toEqual([
      'processes',
      'CPU s',
      'CPU µs an event',
      'share of the machine %',
      'waited for a core s',
      'waited / (ran + waited) %',
    ]);
    expect(curve.rows.map((r) => [r[0], r[2]])).toEqual([
      ['postgres (queries)', '600'],
      ['projector', '300'],
      ['bench (load, probes)', '100'],
    ]);
    // 900 µs an event; 6,000 a second of them keep 5.4 cores busy.
    expect(curve.note).toContain("10000 events went through in it: 900 µs of the stack's CPU an event");
    expect(curve.note).toContain(`would keep 5.4 cores busy; this machine has ${cpus().length}.`);
  });

  it('counts a command that exited inside the window from the account of waited-for children', () => {
    const a = snapshot(0, [[1, sample('postgres (queries)', 0)]], 50);
    const b = snapshot(1000, [[1, sample('postgres (queries)', 100)]], 250);
    const curve = cpuCurve('rebuild', 'a rebuild', a, b, { events: 1000, exited: 'rebuild command' });
    expect(curve.rows.map((r) => [r[0], r[1]])).toEqual([
      ['rebuild command', '2.0'],
      ['postgres (queries)', '1.0'],
    ]);
    expect(curve.note).toContain("3000 µs of the stack's CPU an event");
  });

  it('keeps the plain table without work, and says so when no event went through', () => {
    const a = snapshot(0, [[1, sample('ingest', 0)]]);
    const b = snapshot(1000, [[1, sample('ingest', 10)]]);
    expect(cpuCurve('idle', 'idle', a, b).columns).not.toContain('CPU µs an event');
    expect(cpuCurve('none', 'none', a, b, { events: 0 }).note).toContain('No events went through in it.');
  });

  it('reads this process and its exited children from /proc', () => {
    const s = snapshotCpu();
    expect(Number.isFinite(s.exitedChildrenTicks)).toBe(true);
    expect(s.exitedChildrenTicks).toBeGreaterThanOrEqual(0);
  });
});
