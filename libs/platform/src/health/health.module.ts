import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

@Module({})
export class HealthModule {
  /** `checks` is a factory provider's dependencies + function, so checks can use the app's pool and clients. */
  static forChecks(options: { inject: any[]; useFactory: (...deps: any[]) => ReadinessCheck[] }): DynamicModule {
    const provider: Provider = { provide: READINESS_CHECKS, inject: options.inject, useFactory: options.useFactory };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'pretty' })],
      controllers: [HealthController],
      providers: [provider],
    };
  }
}
