import { loadRelayConfig } from '../config/relay.config';
import { markRestored } from './restored.command';

// `npm run db:restored`: run once after restoring a backup, before starting the services (README "Backups and
// restores"). Exits 0 when done, 1 when refused or failed (nothing changed), 2 on bad arguments.
const USAGE = `usage: npm run db:restored [-- [--no-broker] [--after=<position>]]

Run once after pg_restore of a backup, with every service stopped: gives the event store a new identity, makes its
positions go on after the highest one the broker's events topic carries, and has the relay publish again from what
the read models had applied. --no-broker: the broker's topics are gone (nothing to read; the relay publishes the
whole log again). --after=<position>: new events are recorded after it too (a position readers may hold that the
topic no longer shows: the highest feed_tail_position your monitoring scraped from query's /metrics).
Exit codes: 0 done, 1 refused or failed (nothing changed), 2 bad arguments.
`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let after: bigint | undefined;
  for (const a of args) {
    const m = /^--after=(\d{1,18})$/.exec(a);
    if (m) after = BigInt(m[1]);
    else if (a !== '--no-broker') {
      process.stderr.write(
        `[db:restored] ${a.startsWith('--after') ? `--after takes a position: ${a}` : `unknown argument: ${a}`}\n${USAGE}`,
      );
      return 2;
    }
  }
  await markRestored(loadRelayConfig(), { noBroker: args.includes('--no-broker'), after });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[db:restored] failed: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
