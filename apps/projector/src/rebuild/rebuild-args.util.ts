import { PROJECTION_NAMES } from '@newsroom/projections';

/** How `npm run rebuild` (and `newsroom rebuild`, which runs it) ends; documented in README and in the usage. */
export const REBUILD_EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

export const REBUILD_USAGE = [
  'usage: npm run rebuild -- [projection ...|all] [--batch=N]',
  '  Rebuilds read models from the event store into shadow tables and swaps them in; the live projector keeps serving.',
  `  projections: all (the default), ${PROJECTION_NAMES.join(', ')}`,
  '  --batch=N    events per batch, 1 to 100000 (default 2000)',
  '  --help       this text; rebuilds nothing',
  '  exit codes: 0 done, 1 failed, 2 bad usage, 3 refused (a rebuild of one of them is already running),',
  '              128+n killed by signal n (130 after Ctrl-C, 143 after SIGTERM)',
].join('\n');

export type RebuildArgs = { help: true } | { help: false; targets: string[]; batchSize?: number };

/** Thrown for arguments the rebuild does not take: nothing is rebuilt. */
export class RebuildUsageError extends Error {}

/** Strict: every argument is a projection name, `all`, `--batch=N` (or `--batch N`) or `--help`/`-h`. */
export function parseRebuildArgs(args: readonly string[]): RebuildArgs {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  const targets: string[] = [];
  let batch: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--batch' || a.startsWith('--batch=')) {
      if (batch !== undefined) throw new RebuildUsageError('--batch is given twice');
      batch = a === '--batch' ? args[++i] : a.slice('--batch='.length);
      if (batch === undefined) throw new RebuildUsageError('--batch needs a value');
    } else if (a.startsWith('-')) throw new RebuildUsageError(`unknown option ${a}`);
    else if (a !== 'all' && !PROJECTION_NAMES.includes(a))
      throw new RebuildUsageError(`unknown projection ${a}; known: all, ${PROJECTION_NAMES.join(', ')}`);
    else targets.push(a);
  }
  let batchSize: number | undefined;
  if (batch !== undefined) {
    batchSize = /^\d+$/.test(batch) ? Number(batch) : NaN;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 100_000))
      throw new RebuildUsageError(`--batch must be an integer from 1 to 100000, not "${batch}"`);
  }
  return { help: false, targets, batchSize };
}
