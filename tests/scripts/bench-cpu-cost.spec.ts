import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { CpuSnapshot, cpuCurve, snapshotCpu, trackCpu } from '../../bench/src/support/cpu-accounting';

// A throughput window's CPU put in terms of its work: what an event cost the stack (the bench's own processes left
// out) and how many cores the target's rate would keep busy at that cost.
describe('bench: the CPU an event and the cores a target needs', () => {
  const sample = (kind: string, ticks: number) => ({ kind, ticks, waitNs: 0, runNs: 0 });
  const snapshot = (at: number, procs: Array<[number, ReturnType<typeof sample>]>): CpuSnapshot => ({ at, procs: new Map(procs) });

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

  it('keeps the plain table without work, and says so when no event went through', () => {
    const a = snapshot(0, [[1, sample('ingest', 0)]]);
    const b = snapshot(1000, [[1, sample('ingest', 10)]]);
    expect(cpuCurve('idle', 'idle', a, b).columns).not.toContain('CPU µs an event');
    expect(cpuCurve('none', 'none', a, b, { events: 0 }).note).toContain('No events went through in it.');
  });

  it('still counts a process that ran and exited inside a tracked window', async () => {
    const tracked = trackCpu(100);
    // A child that spends 800 ms of CPU (counted by its own clock, whatever else the machine runs), idles 1.5 s and
    // exits, well before the window ends: a reading in its idle tail holds all of its CPU.
    const script = 'while (process.cpuUsage().user < 800000); setTimeout(() => undefined, 1500);';
    const child = spawn(process.execPath, ['-e', script]);
    await new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const end = tracked.stop();
    const probe = [...end.procs.entries()].filter(([pid]) => pid === child.pid);
    expect(probe).toHaveLength(1);
    expect(probe[0][1].ticks).toBeGreaterThanOrEqual(60);
    const plain = snapshotCpu();
    expect(plain.procs.has(child.pid!)).toBe(false);
    // The child needs 800 ms of a core: beside the suite's busy lanes it waited for one past jest's default 5 s.
  }, 30_000);
});
