import { Public } from '../auth/api-key.guard';
import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_CHECKS, ReadinessCheck, withTimeout } from './readiness';

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** The process is up and its event loop answers; nothing external is checked, so restarts stay rare. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Every dependency this service needs answers now: Postgres, Kafka and the service's own loops. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const indicator = this.indicators.check(c.name);
        try {
          const detail = await withTimeout(Promise.resolve(c.check()), 3000, c.name);
          return indicator.up(detail ?? {});
        } catch (error) {
          // The cause (hosts, ports, driver text) goes to the log; the public answer names the check and a state.
          this.logger.warn(`readiness check ${c.name} failed: ${(error as Error)?.message ?? String(error)}`);
          return indicator.down({ state: 'unavailable' });
        }
      }),
    );
  }
}
