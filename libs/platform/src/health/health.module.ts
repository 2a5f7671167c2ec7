import { DynamicModule, FactoryProvider, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CACHE_MS, READINESS_CHECKS, ReadinessCheck } from './readiness.util';

function readinessCacheMs(env: NodeJS.ProcessEnv): number {
  const raw = env.HEALTH_READY_CACHE_MS ?? '1000';
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms > 60000)
    throw new Error('invalid configuration:\n  HEALTH_READY_CACHE_MS: a whole number of milliseconds from 0 to 60000');
  return ms;
}

@Module({})
export class HealthModule {
  /**
   * `checks` is a factory provider's dependencies + function, so checks can use the app's pool and clients.
   * `notRequired` names checks that are reported but never fail readiness (`ReadinessCheck.required`).
   */
  static forChecks(
    options: Pick<FactoryProvider<ReadinessCheck[]>, 'inject' | 'useFactory'> & { notRequired?: readonly string[] },
  ): DynamicModule {
    const notRequired = new Set(options.notRequired ?? []);
    const provider: Provider = {
      provide: READINESS_CHECKS,
      inject: options.inject,
      useFactory: async (...deps: unknown[]) =>
        (await options.useFactory(...deps)).map((c) =>
          notRequired.has(c.name) ? { name: c.name, check: () => c.check(), required: false } : c,
        ),
    };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'pretty' })],
      controllers: [HealthController],
      providers: [provider, { provide: READINESS_CACHE_MS, useFactory: () => readinessCacheMs(process.env) }],
    };
  }
}
