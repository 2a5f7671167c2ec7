import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Saves the position for the unfiltered tail (key null) or a filter, keeping the others (read just before, so two
 * tails on one file lose little). Written to a temporary file then renamed: a Ctrl-C mid-write never leaves half.
 */
export function savePosition(file: string, queryUrl: string, position: string, key: string | null = null): void {
  const old = read(file);
  const saved: Saved = old.queryUrl === queryUrl ? old : {};
  saved.queryUrl = queryUrl;
  if (key === null) saved.position = position;
  else {
    const filtered = Object.entries(saved.filtered ?? {}).filter(([k, v]) => k !== key && isPosition(v));
    saved.filtered = Object.fromEntries([...filtered.slice(-(MAX_FILTERS - 1)), [key, position]]);
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(saved)}\n`);
  renameSync(tmp, file);
}
