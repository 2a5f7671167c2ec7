import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { lowerProcessPriority } from './process-priority.util';

/** The nice value of each thread of a process, from /proc (field 19 of each task's stat). */
function niceOfThreads(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, nice field 19.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(after[19 - 3]);
  });
}

// A Linux process table is what the apps run on; the test lowers a child process of its own, never the test runner.
const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('lowerProcessPriority', () => {
  let child: ChildProcess;
  beforeEach(async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); process.stdout.write("up")'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
  });
  afterEach(() => void child.kill('SIGKILL'));

  it('sets every thread of the process (Node runs several) to the nice value asked for', () => {
    const before = niceOfThreads(child.pid!);
    expect(before.length).toBeGreaterThan(1);
    expect(new Set(before)).toEqual(new Set([0]));

    const outcome = lowerProcessPriority(7, `/proc/${child.pid}/task`);

    expect(outcome).toEqual({ nice: 7, threads: before.length, refused: 0 });
    expect(new Set(niceOfThreads(child.pid!))).toEqual(new Set([7]));
  });

  it('only ever lowers: threads already lower than asked (a process started under nice) keep their value', () => {
    lowerProcessPriority(12, `/proc/${child.pid}/task`);

    const outcome = lowerProcessPriority(7, `/proc/${child.pid}/task`);

    expect(outcome.refused).toBe(0);
    expect(new Set(niceOfThreads(child.pid!))).toEqual(new Set([12]));
  });

  it('leaves the process alone at 0, and refuses a value outside 0-19 before touching anything', () => {
    expect(lowerProcessPriority(0, `/proc/${child.pid}/task`)).toEqual({ nice: 0, threads: 0, refused: 0 });
    expect(() => lowerProcessPriority(20, `/proc/${child.pid}/task`)).toThrow(RangeError);
    expect(() => lowerProcessPriority(-5, `/proc/${child.pid}/task`)).toThrow(RangeError);
    expect(new Set(niceOfThreads(child.pid!))).toEqual(new Set([0]));
  });
});
