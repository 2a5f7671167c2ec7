import 'reflect-metadata';
import { bootstrapHttp, initMetrics } from '@newsroom/platform';
import { loadRelayConfig } from './config/relay.config';
import { RelayModule } from './relay.module';

// The relay is its own process: one active instance per database (advisory lock), restartable on its own,
// and its HTTP side is only health and metrics.
async function main() {
  const config = loadRelayConfig();
  initMetrics('relay');
  await bootstrapHttp(RelayModule.forRoot(config), { service: 'relay', port: config.RELAY_PORT, nice: config.RELAY_NICE });
}

main().catch((error) => {
  process.stderr.write(`relay failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
