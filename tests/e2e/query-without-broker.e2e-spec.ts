import { createTestDatabase, RunningApp, startApp, TestDatabase, testTopics } from '@newsroom/testing';

/**
 * t29: the query service answered 503 "Not ready: kafka down." for a whole broker outage, so a load balancer took
 * every reader's service out of rotation, though it reads Postgres only: the history, the live feed of what the read
 * models hold and the reports. Its readiness now names the broker under `degraded`, as ingest's does, and stays 200.
 */
describe('the query service with no broker reachable: ready with kafka degraded, and serving reads', () => {
  let db: TestDatabase;
  let query: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase('query-no-broker');
    // Port 1 on loopback: nothing listens there, every connection is refused.
    query = await startApp('query', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_TOPIC_PREFIX: testTopics('query-no-broker').prefix,
    });
  }, 90_000);
  afterAll(async () => {
    await query?.stop();
    await db?.drop();
  });

  it('answers /health/ready 200 with degraded ["kafka"], and the feed, its stream and a report 200', async () => {
    const ready = await fetch(`${query.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      degraded: ['kafka'],
      details: { postgres: { status: 'up' }, kafka: { status: 'degraded' } },
    });
    expect((await fetch(`${query.url}/v1/feed?limit=1`)).status).toBe(200);
    expect((await fetch(`${query.url}/v1/reports/leadership?organization=org:openai`)).status).toBe(200);
    const stream = await fetch(`${query.url}/v1/feed/stream?after=0`, { signal: AbortSignal.timeout(5000) });
    expect([stream.status, stream.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
    await stream.body?.cancel();
  });
});
