import { Logger } from '@nestjs/common';
import { metric } from '../metrics/metrics.module';

export interface ProcessHandlersOptions {
  service: string;
  /** Drains what can be drained (app.close()) before the exit that follows an uncaught exception. */
  beforeExit?: () => Promise<unknown>;
  /** How long beforeExit may take before the process exits anyway. */
  exitTimeoutMs?: number;
  /** For tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

let installed: ProcessHandlersOptions | null = null;

/**
 * Process-level handlers every app installs once (bootstrapHttp does it):
 * - `unhandledRejection`: logged with its stack and counted (process_unhandled_rejections_total); the process goes
 *   on. A stray promise (a fire-and-forget, a library listener) has failed, but nothing was left half-done in a
 *   synchronous path: every durable write is a transaction that either committed or not, and readiness reports
 *   the components that really fail. Alerting on the counter finds the bug without turning it into an outage.
 * - `uncaughtException`: logged with its stack, then the process exits with 1 after a bounded drain (app.close():
 *   consumers leave their group, the relay releases its lock, pools close). Code threw where nobody expected it,
 *   so the in-memory state cannot be trusted; the supervisor (`npm start`, compose's restart policy) starts a
 *   clean process, and nothing accepted is lost because a 2xx means committed in Postgres.
 * SIGTERM/SIGINT stay with Nest's shutdown hooks (enableShutdownHooks): they drain as before.
 */
export function installProcessHandlers(options: ProcessHandlersOptions): void {
  if (installed) {
    installed = { ...installed, ...options };
    return;
  }
  installed = options;
  const logger = new Logger('process');
  const rejections = metric('counter', {
    name: 'process_unhandled_rejections_total',
    help: 'Promise rejections nobody handled (logged, process kept)',
  });
  const describe = (e: unknown) => (e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : `non-error value: ${safeString(e)}`);

  process.on('unhandledRejection', (reason) => {
    rejections.inc();
    logger.error(`unhandled promise rejection (logged and counted, process kept running): ${describe(reason)}`);
  });

  let exiting = false;
  process.on('uncaughtException', (error, origin) => {
    const o = installed!;
    const exit = o.exit ?? ((code: number) => process.exit(code));
    logger.fatal(`uncaught exception (${origin}), exiting with 1 so a clean process replaces this one: ${describe(error)}`);
    if (exiting) return;
    exiting = true;
    const timer = setTimeout(() => exit(1), o.exitTimeoutMs ?? 5000);
    Promise.resolve()
      .then(() => o.beforeExit?.())
      .catch((e) => logger.error(`drain after the uncaught exception failed: ${describe(e)}`))
      .finally(() => {
        clearTimeout(timer);
        exit(1);
      });
  });
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}
