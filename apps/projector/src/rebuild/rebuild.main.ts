import 'reflect-metadata';
import { RebuildRunningError } from '@newsroom/projections';
import { loadProjectorConfig } from '../config/projector.config';
import { parseRebuildArgs, REBUILD_EXIT, REBUILD_USAGE, RebuildUsageError } from './rebuild-args.util';
import { runRebuild } from './rebuild.command';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBERS;

// `npm run rebuild -- [projection ...|all] [--batch=N]`: blue-green rebuild of read models from the event store.
async function main(): Promise<number> {
  let args;
  try {
    args = parseRebuildArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof RebuildUsageError)) throw error;
    process.stderr.write(`[rebuild] ${error.message}\n${REBUILD_USAGE}\n`);
    return REBUILD_EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(`${REBUILD_USAGE}\n`);
    return REBUILD_EXIT.ok;
  }
  // A signal stops the rebuild: its connections are closed (Postgres rolls back what was in flight, the shadow
  // tables are left for the next run to recreate, the live tables are untouched) and it ends with 128 + the signal.
  const stop = new AbortController();
  const stopped: { by: StopSignal | null } = { by: null };
  const onSignal = (signal: StopSignal) => {
    // Once: a Ctrl-C reaches it both from the terminal and forwarded by `newsroom rebuild`.
    if (stopped.by) return;
    stopped.by = signal;
    process.stderr.write(`[rebuild] ${signal}: stopping; the live read models are untouched\n`);
    stop.abort();
    // Should closing hang, the signal still ends it.
    setTimeout(() => process.exit(128 + SIGNAL_NUMBERS[signal]), 10_000).unref();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  try {
    await runRebuild(loadProjectorConfig(), { targets: args.targets, batchSize: args.batchSize, signal: stop.signal });
    return REBUILD_EXIT.ok;
  } catch (error) {
    if (stopped.by) return 128 + SIGNAL_NUMBERS[stopped.by];
    process.stderr.write(
      `[rebuild] ${error instanceof RebuildRunningError ? 'refused' : 'failed'}: ${(error as Error)?.message ?? error}\n`,
    );
    return error instanceof RebuildRunningError ? REBUILD_EXIT.refused : REBUILD_EXIT.failed;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[rebuild] failed: ${error?.message ?? error}\n`);
    process.exit(REBUILD_EXIT.failed);
  },
);
