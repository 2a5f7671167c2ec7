import { INestApplication } from '@nestjs/common';
import { initMetrics } from '@newsroom/platform';
import { createTestDatabase, departedEnvelope, freePort, TestDatabase } from '@newsroom/testing';
import { loadIngestConfig } from '../src/config/ingest.config';
import { startIngestHttp } from '../src/ingest-http.factory';

const WRITE = 'ingest-kafka-down-test-write';

/**
 * Ready means "takes writes" (README, Guarantees and failure modes): writes go to Postgres only, so ingest whose
 * broker is down (here a port nobody listens on) stays in rotation: /health/ready 200 naming Kafka and the
 * submissions consumer under `degraded`, and a write is stored (201).
 */
describe('ingest with its broker down: ready, Kafka and the submissions consumer degraded, writes 201', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase('ingest_kafka_down');
    const config = loadIngestConfig({
      DATABASE_URL: db.url,
      INGEST_PORT: '0',
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      INGEST_CONSUME_SUBMISSIONS: 'true',
      NEWSROOM_API_KEYS: `${WRITE}:write`,
      LOG_LEVEL: 'silent',
    });
    initMetrics('ingest-kafka-down-test');
    app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 60000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  }, 60000);

  it('answers /health/ready 200 with kafka and submissions-consumer degraded, and takes a write', async () => {
    const res = await fetch(`${url}/health/ready`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer read field by field
    const body: any = await res.json();
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.degraded).toEqual(['kafka', 'submissions-consumer']);
    expect(body.details.postgres).toEqual({ status: 'up' });
    expect(body.details.kafka).toEqual({ status: 'degraded', state: 'unavailable' });
    // The consumer's state is published (it names what it is doing), its error text is not. The app listens without
    // waiting for the broker, so it may still be creating its topics (kafkajs retrying the refused connection).
    expect(body.details['submissions-consumer']).toEqual({
      status: 'degraded',
      state: expect.stringMatching(/^(creating topics|starting|restarting)$/),
    });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);

    const write = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}` },
      body: JSON.stringify(departedEnvelope()),
    });
    expect(write.status).toBe(201);
  });
});
