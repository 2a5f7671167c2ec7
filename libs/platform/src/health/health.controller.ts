import { Public } from '../auth/api-key.guard';
import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipRateLimit } from '../http/rate-limit.util';
import { metric } from '../metrics/metrics.module';
import { NotReadyError, READINESS_CACHE_MS, READINESS_CHECKS, ReadinessCheck, withTimeout } from './readiness.util';

type Outcome = { ok: true; result: HealthCheckResult } | { ok: false; error: unknown };

/**
 * How long one check may take. A required one up to 3 s (Postgres under load). One that is not required (ingest's
 * Kafka) never fails the answer, so it is cut at half a second: a frozen broker (SIGSTOP, a blackhole) held every
 * readiness answer 3 s, past Kubernetes' default probe timeout of 1 s, which took ingest out of rotation during a
 * broker outage, the very case its readiness is built to ride out.
 */
const REQUIRED_CHECK_MS = 3000;
const OPTIONAL_CHECK_MS = 500;

@ApiExcludeController()
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private readonly checksRun = metric('counter', {
    name: 'health_readiness_checks_total',
    help: 'Readiness checks run against the dependencies',
  });
  private inFlight: Promise<Outcome> | null = null;
  private last: { at: number; outcome: Outcome } | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(READINESS_CACHE_MS) private readonly cacheMs: number,
  ) {}

  /** The process is up and its event loop answers; nothing external is checked, so restarts stay rare. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Every dependency this service needs answers now: Postgres, Kafka and the service's own loops. A check that is
   * not required (`required: false`) never fails the answer: when it fails it is listed under `degraded` (and its
   * entry has `status: 'degraded'`), and the answer stays 200 if the required ones are up. A flood of
   * probes is not passed on to them: one check runs at a time (concurrent callers share it), and its answer is
   * reused for READINESS_CACHE_MS after it ends, so the dependencies see at most about one check a second, each
   * taking at most one pool connection and one broker connection.
   */
  @Get('ready')
  @HealthCheck()
  async ready() {
    const fresh = this.last && Date.now() - this.last.at < this.cacheMs ? this.last.outcome : null;
    const outcome = fresh ?? (await (this.inFlight ??= this.runChecks()));
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  private async runChecks(): Promise<Outcome> {
    this.checksRun.inc();
    let outcome: Outcome;
    const degraded: string[] = [];
    try {
      const result = await this.health.check(this.checks.map((c) => () => this.indicator(c, degraded)));
      outcome = { ok: true, result: markDegraded(result, degraded) };
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.();
      if (body && typeof body === 'object') markDegraded(body as HealthCheckResult, degraded);
      outcome = { ok: false, error };
    }
    this.last = { at: Date.now(), outcome };
    this.inFlight = null;
    return outcome;
  }

  private async indicator(c: ReadinessCheck, degraded: string[]) {
    const indicator = this.indicators.check(c.name);
    try {
      const detail = await withTimeout(Promise.resolve(c.check()), c.required === false ? OPTIONAL_CHECK_MS : REQUIRED_CHECK_MS, c.name);
      return indicator.up(detail ?? {});
    } catch (error) {
      // The cause (hosts, ports, driver text) goes to the log; the public answer names the check and a state.
      this.logger.warn(`readiness check ${c.name} failed: ${(error as Error)?.message ?? String(error)}`);
      const state = error instanceof NotReadyError ? error.state : 'unavailable';
      if (c.required !== false) return indicator.down({ state });
      // Up as far as terminus counts (the answer does not fail); markDegraded shows it as degraded.
      degraded.push(c.name);
      return indicator.up({ state });
    }
  }
}

/** Checks that failed without failing readiness: `status: 'degraded'` in their entries, named in `degraded`. */
function markDegraded(result: HealthCheckResult, degraded: string[]): HealthCheckResult & { degraded?: string[] } {
  if (!degraded.length) return result;
  for (const name of degraded)
    for (const part of [result.info, result.details]) if (part?.[name]) part[name] = { ...part[name], status: 'degraded' as 'up' };
  return Object.assign(result, { degraded: [...degraded].sort() });
}
