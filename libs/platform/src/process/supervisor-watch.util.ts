import { readFileSync } from 'node:fs';

export interface SupervisorWatchOptions {
  intervalMs?: number;
  /** For tests: the process's parent now, and whether a pid exists. */
  parentPid?: () => number;
  exists?: (pid: number) => boolean;
}

/**
 * A service started by a supervisor (`npm start`'s scripts/start.js, the e2e tests' harness) is told its pid in
 * `NEWSROOM_SUPERVISOR_PID`, and shuts down (draining, as on SIGTERM) once that process is gone. A supervisor killed
 * with -9, or by the OOM killer, runs no handler: its services, in process groups of their own so that a Ctrl-C reaches
 * only it, went on running and held their ports, and the next `npm start` failed on them. Containers leave it unset.
 *
 * While the supervisor is this process's parent, "gone" is this process being handed to another parent (the pid of a
 * dead process can be reused; a parent once lost does not come back); otherwise it is the pid no longer existing.
 */
export function watchSupervisor(pid: number, onGone: () => void, options: SupervisorWatchOptions = {}): () => void {
  const parentPid = options.parentPid ?? (() => process.ppid);
  const exists = options.exists ?? processExists;
  const wasParent = parentPid() === pid;
  const timer = setInterval(() => {
    if (wasParent ? parentPid() === pid : exists(pid)) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** It exists and is not a zombie (dead, not reaped yet: a container's init may never reap); as scripts/stack.js. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
