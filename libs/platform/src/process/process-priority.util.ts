import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export interface PriorityOutcome {
  /** The nice value asked for. */
  nice: number;
  /** Threads at it or below it now (Linux: every thread the process had; elsewhere the process as one). */
  threads: number;
  /** Threads that refused (gone meanwhile, or a nice value this user may not take), with the first error. */
  refused: number;
  error?: string;
}

/**
 * Runs this process at a lower CPU priority (a nice value of 1-19; 0 leaves it as it is), for the workers whose
 * work may wait a few milliseconds (the relay, the projector) so that the services a reader waits on (the query
 * service, ingest) get a core first when the machine's cores are all busy.
 *
 * On Linux each thread has its own nice value and `setpriority` on a process id reaches only its main thread, so
 * every thread the process has now (V8's and libuv's included) is set one by one; threads made later inherit it
 * from the thread that makes them. A thread already lower (the process started under `nice`) is left as it is: this
 * only ever lowers. Lowering needs no privilege; raising it back later would, so this is for a process's entry
 * point, never for a library or a test runner. A thread's refusal is reported, not thrown; only a value outside
 * 0-19 throws (a caller's error: the apps' configs refuse it first).
 */
export function lowerProcessPriority(nice: number, taskDir = '/proc/self/task'): PriorityOutcome {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`a nice value is a whole number from 0 to 19, not ${nice}`);
  if (nice === 0) return { nice, threads: 0, refused: 0 };
  let tids: number[];
  try {
    tids = readdirSync(taskDir).map(Number).filter(Number.isInteger);
  } catch {
    tids = [0]; // no per-thread table (not Linux): the process as one
  }
  let threads = 0;
  let refused = 0;
  let error: string | undefined;
  for (const tid of tids) {
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
      threads++;
    } catch (e) {
      refused++;
      error ??= (e as Error).message;
    }
  }
  return { nice, threads, refused, ...(error ? { error } : {}) };
}
