import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `tail` keeps the last position it printed: --state, NEWSROOM_TAIL_STATE, else ~/.newsroom/tail-position. */
export function statePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.NEWSROOM_TAIL_STATE ?? join(homedir(), '.newsroom', 'tail-position');
}

/** A tail's filter, as the flags gave it. */
export interface TailFilter {
  types?: string;
  subjects: string[];
  organization?: string;
}

/**
 * The name a filtered tail keeps its own position under (null: no filter), the same whatever the order or spacing
 * of the lists, e.g. `types=executive.departed&subjects=person:a,person:b`.
 */
export function filterKey(f: TailFilter): string | null {
  const list = (v: string[]) =>
    [
      ...new Set(
        v
          .flatMap((x) => x.split(','))
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ]
      .sort()
      .join(',');
  const parts = [
    ['types', list(f.types ? [f.types] : [])],
    ['subjects', list(f.subjects)],
    ['organization', f.organization?.trim() ?? ''],
  ].filter(([, v]) => v);
  return parts.length ? parts.map(([k, v]) => `${k}=${v}`).join('&') : null;
}

/**
 * The file is JSON: {"queryUrl": "...", "position": "42", "filtered": {"types=...": "40"}}. `position` is the
 * unfiltered tail's; each filter keeps its own, so a filtered tail never moves the position an unfiltered one goes
 * on from (it would skip every item the filter left out).
 */
interface Saved {
  queryUrl?: string;
  position?: string;
  filtered?: Record<string, string>;
}

/** Filters remembered per file; past it the oldest is forgotten. */
const MAX_FILTERS = 100;
const isPosition = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v);

function read(file: string): Saved {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
}

/**
 * The saved position, if it was saved for this query service (positions of another stack mean nothing here): the
 * filter's own, else the unfiltered one (a filtered tail started fresh goes on from what was seen unfiltered).
 */
export function loadPosition(file: string, queryUrl: string, key: string | null = null): string | undefined {
  const saved = read(file);
  if (saved.queryUrl !== queryUrl) return undefined;
  const own = key === null ? undefined : saved.filtered?.[key];
  if (isPosition(own)) return own;
  return isPosition(saved.position) ? saved.position : undefined;
}

/** How long a save waits for another tail's lock on the file before it saves anyway (a tail never stalls on it). */
const LOCK_WAIT_MS = 2_000;
/** A lock older than this is a crashed tail's (a save holds it for a read and a rename). */
const STALE_LOCK_MS = 10_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The lock file's content when its holder is gone (its process no longer runs, or it has held the lock far longer than
 * a save takes), else null.
 */
function staleHolder(lock: string): string | null {
  try {
    const holder = readFileSync(lock, 'utf8');
    const pid = Number(holder);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) return holder;
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS ? holder : null;
  } catch {
    return null; // released meanwhile, or being written: look again
  }
}

/** Removes a stale lock unless another tail has taken it over since (its own lock holds another pid). */
function takeOver(lock: string, holder: string): void {
  try {
    if (readFileSync(lock, 'utf8') === holder) unlinkSync(lock);
  } catch {
    // gone already
  }
}

/**
 * Runs `save` holding `<file>.lock` (created exclusively, holding this process's id), so two tails on one file never
 * read the same state and write over each other's position (which would repeat items on the next start). A lock left
 * by a dead tail is taken over; past LOCK_WAIT_MS the save goes ahead without it rather than hold up the output.
 */
export function withFileLock<T>(file: string, save: () => T, waitMs = LOCK_WAIT_MS): T {
  const lock = `${file}.lock`;
  const until = Date.now() + waitMs;
  let held = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      held = true;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break; // a directory we cannot write to: save as before
      const holder = staleHolder(lock);
      if (holder !== null) {
        takeOver(lock, holder);
        continue;
      }
      if (Date.now() >= until) break;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
  try {
    return save();
  } finally {
    if (held) {
      try {
        unlinkSync(lock);
      } catch {
        // taken over as stale meanwhile: nothing of ours left
      }
    }
  }
}

/**
 * Saves the position for the unfiltered tail (key null) or a filter, keeping the others: read and written under the
 * file's lock (`withFileLock`), so two tails on one file keep each other's. Written to a temporary file then
 * renamed: a Ctrl-C mid-write never leaves half.
 */
export function savePosition(file: string, queryUrl: string, position: string, key: string | null = null): void {
  mkdirSync(dirname(file), { recursive: true });
  withFileLock(file, () => write(file, queryUrl, position, key));
}

function write(file: string, queryUrl: string, position: string, key: string | null): void {
  const old = read(file);
  const saved: Saved = old.queryUrl === queryUrl ? old : {};
  saved.queryUrl = queryUrl;
  if (key === null) saved.position = position;
  else {
    const filtered = Object.entries(saved.filtered ?? {}).filter(([k, v]) => k !== key && isPosition(v));
    saved.filtered = Object.fromEntries([...filtered.slice(-(MAX_FILTERS - 1)), [key, position]]);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(saved)}\n`);
  renameSync(tmp, file);
}

/**
 * The position of the last line written out, saved once per turn of the event loop: a line's write callback (the
 * line has reached the pipe or terminal) marks its position, and one save writes the latest of them. Saving after
 * each callback took a locked read, write and rename per line, so a burst of lines from one read of the stream
 * went out long before their saves; a tail killed outright (kill -9) then repeated the whole burst. Now at most the
 * lines written since the last save come again (the position is never saved ahead of what was written).
 */
export class WrittenPosition {
  private latest: string | undefined;
  private scheduled = false;

  constructor(
    private readonly save: (position: string) => void,
    private readonly defer: (run: () => void) => void = (run) => void setImmediate(run),
  ) {}

  written(position: string): void {
    this.latest = position;
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      if (this.latest !== undefined) this.save(this.latest);
    });
  }
}
