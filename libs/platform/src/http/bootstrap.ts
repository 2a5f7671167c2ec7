import { DynamicModule, INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParserProblem, sendProblem } from './problem.filter';
import { installProcessHandlers } from '../process/process-handlers';

export interface HttpBootstrapOptions {
  service: string;
  port: number;
  host?: string;
  bodyLimit?: string;
  /** Called after the app is created and before it listens (swagger, websockets...). */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Creates and starts an HTTP service the same way everywhere: structured logs, a bounded JSON body whose
 * parser errors leave as problem+json (413, 400), shutdown hooks so Ctrl-C and SIGTERM drain cleanly, and the
 * process-level handlers (unhandledRejection logged and counted, uncaughtException logged then exit 1).
 */
export async function bootstrapHttp(module: Type<unknown> | DynamicModule, options: HttpBootstrapOptions): Promise<INestApplication> {
  // Installed first, so a rejection or exception while the app starts is logged too (through Nest's Logger, which
  // is the app's pino logger once useLogger has run).
  let app: NestExpressApplication | null = null;
  installProcessHandlers({ service: options.service, beforeExit: () => app?.close() ?? Promise.resolve() });
  app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const limit = options.bodyLimit ?? '2mb';
  app.use(json({ limit, type: ['application/json', 'application/*+json'] }));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const problem = bodyParserProblem(error, limit);
    if (!problem) return next(error);
    sendProblem(res, problem, req.originalUrl);
  });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await options.configure?.(app);
  // Idle keep-alive sockets are closed by the server after 65 s, not Node's 5 s: longer than the idle timeouts of
  // clients and load balancers (60 s is common), so a client never sends on a socket the server is closing (a
  // reset the client cannot tell from a lost request). Headers must arrive within that time too.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(options.port, options.host ?? '0.0.0.0');
  const url = await app.getUrl();
  new NestLogger(options.service).log(`${options.service} listening on ${url.replace('[::1]', '127.0.0.1')}`);
  return app;
}
