import 'reflect-metadata';
import { loadProjectorConfig } from '../config/projector.config';
import { runRebuild } from './rebuild.command';

// `npm run rebuild -- [projection ...|all] [--batch=N]`: blue-green rebuild of read models from the event store.
async function main() {
  const args = process.argv.slice(2);
  const batch = args.find((a) => a.startsWith('--batch='));
  const targets = args.filter((a) => !a.startsWith('--'));
  const batchSize = batch ? Number(batch.slice('--batch='.length)) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 100_000))
    throw new Error('--batch must be an integer from 1 to 100000');
  await runRebuild(loadProjectorConfig(), { targets, batchSize });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[rebuild] failed: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
