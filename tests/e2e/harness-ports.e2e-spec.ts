import { createServer, Server, Socket } from 'node:net';
import { createTestDatabase, freePort, startApp, TestDatabase, testApiKey, TEST_KAFKA_BROKERS, testTopics } from '@newsroom/testing';

jest.setTimeout(90_000);

/**
 * The e2e harness's own guarantee: a port found free can be taken before the app binds it (another test file's app,
 * a broker, an outgoing connection's ephemeral port), and CI saw a whole file fail on it. The app is then started
 * again on another port, at once, rather than a minute later as a failed start.
 */
describe('test harness: an app whose free port was taken meanwhile starts on another', () => {
  let db: TestDatabase;
  let squatter: Server;
  const held: Socket[] = [];
  let stop: (() => Promise<unknown>) | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('harness-ports');
  });
  afterAll(async () => {
    await stop?.();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => squatter?.close(resolve));
    await db?.drop();
  });

  it('given the first port it was handed is taken when it binds, then it comes up on the next one', async () => {
    const taken = await freePort();
    // It takes connections and never answers, as a broker or another protocol's server would to an HTTP probe.
    squatter = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => squatter.listen(taken, '0.0.0.0', resolve));
    const spare = await freePort();
    const handed = [taken, spare];
    const started = Date.now();
    const app = await startApp(
      'ingest',
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
        KAFKA_TOPIC_PREFIX: testTopics('harness-ports').prefix,
        NEWSROOM_API_KEYS: `${testApiKey()}:write`,
        INGEST_SUBMISSIONS_GROUP_ID: `submissions-harness-ports-${process.pid}`,
      },
      async () => handed.shift() ?? freePort(),
    );
    stop = () => app.stop();
    expect(app.url).toBe(`http://127.0.0.1:${spare}`);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    // Well inside the minute a start waits for readiness: the failed start was seen as it exited.
    expect(Date.now() - started).toBeLessThan(45_000);
  });
});
