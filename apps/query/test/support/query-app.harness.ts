import { INestApplication } from '@nestjs/common';
import { bootstrapHttp, initMetrics } from '@newsroom/platform';
import { freePort } from '@newsroom/testing';
import { QueryConfig } from '../../src/config/query.config';
import { feedKeyParam } from '../../src/feed/feed-key-param.middleware';
import { QueryModule } from '../../src/query.module';

/** The query service as main.ts serves it (the `?key=` middleware included), on a free port of loopback. */
export async function startQueryApp(config: QueryConfig): Promise<{ app: INestApplication; url: string }> {
  initMetrics('query');
  const app = await bootstrapHttp(QueryModule.forRoot(config), {
    service: 'query',
    port: await freePort(),
    host: '127.0.0.1',
    configure: (a) => void a.use(feedKeyParam),
  });
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
