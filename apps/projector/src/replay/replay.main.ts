import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadProjectorConfig } from '../config/projector.config';
import { replayFailures } from './replay-failures.command';

// `npm run replay -- --from-dlq`: re-applies the positions projections gave up on (read_model.projection_failures),
// reading each event from the event store. Exits 0 when nothing is left failing, 1 while any still fails (or the
// replay itself failed), 2 on bad arguments; `--help` prints the usage and exits 0.
const USAGE = `usage: npm run replay -- --from-dlq

Re-applies every failed (projection, position) pair of read_model.projection_failures from the event store, in
position order, and prints a line per pair applied or still failing.
Exit codes: 0 nothing left failing, 1 something still fails (or the replay failed), 2 bad arguments.
`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length && args.every((a) => a === '--help' || a === '-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!args.includes('--from-dlq') || args.some((a) => a !== '--from-dlq')) {
    const unknown = args.find((a) => a !== '--from-dlq');
    process.stderr.write(`[replay] ${unknown ? `unknown argument: ${unknown}` : '--from-dlq is required'}\n${USAGE}`);
    return 2;
  }
  const config = loadProjectorConfig();
  const db = await new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    extra: { max: 2, application_name: 'replay' },
  }).initialize();
  try {
    const result = await replayFailures(db);
    return result.failed.length ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[replay] failed: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
