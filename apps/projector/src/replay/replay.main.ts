import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadProjectorConfig } from '../config/projector.config';
import { replayFailures } from './replay-failures.command';

// `npm run replay -- --from-dlq`: re-applies the positions projections gave up on (read_model.projection_failures),
// reading each event from the event store. Exits 1 when any still fails.
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (!args.includes('--from-dlq') || args.some((a) => a !== '--from-dlq')) {
    throw new Error('usage: npm run replay -- --from-dlq');
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
    process.exit(2);
  },
);
