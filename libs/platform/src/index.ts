export * from './config/load-config.util';
export * from './config/limits.config';
export { loggingModule, logRequestEnd, requestIdOf, requestLogMiddleware, ROOT_LOGGER } from './logging/logging.module';
export {
  createPgPool,
  pgTimeoutsFromEnv,
  pgTimeoutOptions,
  DEFAULT_PG_TIMEOUTS,
  LONG_RUNNING_PG_TIMEOUTS,
  type PgTimeouts,
  type PgServerSettings,
} from './database/pg-pool.factory';
export * from './health/readiness.util';
export { HealthModule } from './health/health.module';
export { HealthController } from './health/health.controller';
export { metricsRegistry, initMetrics, metric, MetricsModule, MetricsController } from './metrics/metrics.module';
export * from './http/problem.errors';
export * from './http/json-duplicate-keys.util';
export { inexactNumbers } from './http/json-exact-numbers.util';
export { ProblemFilter, sendProblem, bodyParserProblem, rejectNonUtf8Body } from './http/problem.filter';
export type { ErrorMapper } from './http/problem.filter';
export { bootstrapHttp } from './http/bootstrap.factory';
export { securityHeaders } from './http/security-headers.util';
export { installProcessHandlers } from './process/process-handlers.util';
export type { ProcessHandlersOptions } from './process/process-handlers.util';
export type { HttpBootstrapOptions } from './http/bootstrap.factory';
export * from './auth/api-keys.service';
export * from './auth/api-key.guard';
export { retryUntilReady } from './database/retry.util';
export * from './http/rate-limit.util';
export * from './http/read-key.middleware';
export { serveApiDocs } from './http/api-docs.util';
export { openApiSchema, toOpenApi30 } from './http/zod-openapi.util';
export { uuidv5, uuidv7, isUuid } from './ids/uuid.util';
export { RecentMap } from './cache/recent-map.util';
export { PoolCloser, poolCloserProvider } from './database/pool-closer.service';
