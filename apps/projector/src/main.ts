import 'reflect-metadata';
import { bootstrapHttp, initMetrics } from '@newsroom/platform';
import { loadProjectorConfig } from './config/projector.config';
import { ProjectorModule } from './projector.module';

async function main() {
  const config = loadProjectorConfig();
  initMetrics('projector');
  await bootstrapHttp(ProjectorModule.forRoot(config), { service: 'projector', port: config.PROJECTOR_PORT, nice: config.PROJECTOR_NICE });
}

main().catch((error) => {
  process.stderr.write(`projector failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
