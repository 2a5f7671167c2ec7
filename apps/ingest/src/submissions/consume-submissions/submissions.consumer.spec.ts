import { KafkaClient } from '@newsroom/messaging';
import { CommandBus } from '@nestjs/cqrs';
import { loadIngestConfig } from '../../config/ingest.config';
import { SubmissionsConsumer } from './submissions.consumer';

describe('the submissions consumer switch', () => {
  it('given INGEST_CONSUME_SUBMISSIONS=false, when the app boots, then no consumer starts and readiness says disabled', async () => {
    const config = loadIngestConfig({ INGEST_CONSUME_SUBMISSIONS: 'false', KAFKA_BROKERS: '127.0.0.1:1' });
    const kafka = new KafkaClient({ clientId: 'unused', brokers: config.KAFKA_BROKERS });
    const consumer = new SubmissionsConsumer(config, kafka, {} as CommandBus);
    consumer.onApplicationBootstrap();
    await expect(consumer.readinessCheck().check()).resolves.toEqual({ state: 'disabled' });
    await consumer.onApplicationShutdown();
  });

  it('given the default config, when read, then consuming is on', () => {
    expect(loadIngestConfig({}).INGEST_CONSUME_SUBMISSIONS).toBe(true);
  });
});
