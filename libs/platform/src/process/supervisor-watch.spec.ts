import { watchSupervisor } from './supervisor-watch.util';

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));

describe('watchSupervisor', () => {
  it('given the supervisor is the parent, when this process is handed to another parent, then it calls back once', async () => {
    let parent = 4242;
    const gone = jest.fn();
    // A process with the supervisor's pid exists all along (a reused pid): only the change of parent counts.
    watchSupervisor(4242, gone, { intervalMs: 10, parentPid: () => parent, exists: () => true });
    await settle();
    expect(gone).not.toHaveBeenCalled();
    parent = 1;
    await settle();
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('given a supervisor that is not the parent, when its pid no longer exists, then it calls back once', async () => {
    let exists = true;
    const gone = jest.fn();
    watchSupervisor(4242, gone, { intervalMs: 10, parentPid: () => 7, exists: () => exists });
    await settle();
    expect(gone).not.toHaveBeenCalled();
    exists = false;
    await settle();
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('given the watch is stopped, then nothing is called', async () => {
    const gone = jest.fn();
    const stop = watchSupervisor(4242, gone, { intervalMs: 10, parentPid: () => 7, exists: () => false });
    stop();
    await settle();
    expect(gone).not.toHaveBeenCalled();
  });

  it('given the real process table, then a pid that exists is not gone and one that does not is', async () => {
    const gone = jest.fn();
    const stop = watchSupervisor(process.pid, gone, { intervalMs: 10 });
    await settle();
    expect(gone).not.toHaveBeenCalled();
    stop();
    // Above the kernel's pid_max (4,194,304 at most): no such process.
    watchSupervisor(2 ** 22 + 1, gone, { intervalMs: 10 });
    await settle();
    expect(gone).toHaveBeenCalledTimes(1);
  });
});
