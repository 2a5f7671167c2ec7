import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `tail` keeps the last position it printed: --state, NEWSROOM_TAIL_STATE, else ~/.newsroom/tail-position. */
export function statePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.NEWSROOM_TAIL_STATE ?? join(homedir(), '.newsroom', 'tail-position');
}

/**
 * The saved position, if it was saved for this query service (positions of another stack mean nothing here).
 * The file is JSON: {"queryUrl": "...", "position": "42"}.
 */
export function loadPosition(file: string, queryUrl: string): string | undefined {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { queryUrl?: string; position?: string };
    return saved.queryUrl === queryUrl && /^\d+$/.test(saved.position ?? '') ? saved.position : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file then renamed, so a Ctrl-C mid-write never leaves half a position. */
export function savePosition(file: string, queryUrl: string, position: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ queryUrl, position })}\n`);
  renameSync(tmp, file);
}
