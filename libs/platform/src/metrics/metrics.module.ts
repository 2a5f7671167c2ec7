import { SkipRateLimit } from '../http/rate-limit.util';
import { Controller, Get, Header, Module, Global } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; services register their own counters on it. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function initMetrics(service: string): Registry {
  if (!defaultsCollected) {
    metricsRegistry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: metricsRegistry });
    defaultsCollected = true;
  }
  return metricsRegistry;
}

// Not @Public: with NEWSROOM_REQUIRE_READ_KEY the scrape needs a read key (Prometheus: `authorization` in the
// scrape config), as metrics name keys, positions and volumes. Scrapes are not rate limited.
@ApiExcludeController()
@SkipRateLimit()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

@Global()
@Module({ controllers: [MetricsController] })
export class MetricsModule {}

type MetricOf<T> = T extends 'counter' ? Counter<string> : T extends 'gauge' ? Gauge<string> : Histogram<string>;

/** Returns the process's metric of that name, creating it once: services and tests can be built twice. */
export function metric<K extends 'counter' | 'gauge' | 'histogram'>(
  kind: K,
  config: { name: string; help: string; labelNames?: string[]; buckets?: number[]; collect?: () => void | Promise<void> },
): MetricOf<K> {
  const existing = metricsRegistry.getSingleMetric(config.name);
  if (existing) return existing as MetricOf<K>;
  const options = { ...config, labelNames: config.labelNames ?? [], registers: [metricsRegistry] } as any;
  const created = kind === 'counter' ? new Counter(options) : kind === 'gauge' ? new Gauge(options) : new Histogram(options);
  return created as MetricOf<K>;
}
