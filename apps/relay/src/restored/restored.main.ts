import { loadRelayConfig } from '../config/relay.config';
import { markRestored } from './restored.command';

// `npm run db:restored`: run once after restoring a backup, before starting the services (README "Backups and
// restores"). Exits 0 when done, 1 when refused or failed (nothing changed), 2 on bad arguments.
const USAGE = `usage: npm run db:restored [-- --no-broker]

Run once after pg_restore of a backup, with every service stopped: gives the event store a new identity, makes its
positions go on after the highest one the broker's events topic carries, and has the relay publish again from what
the read models had applied. --no-broker: the broker's topics are gone (nothing to read).
Exit codes: 0 done, 1 refused or failed (nothing changed), 2 bad arguments.
`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.find((a) => a !== '--no-broker');
  if (unknown) {
    process.stderr.write(`[db:restored] unknown argument: ${unknown}\n${USAGE}`);
    return 2;
  }
  await markRestored(loadRelayConfig(), { noBroker: args.includes('--no-broker') });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[db:restored] failed: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
