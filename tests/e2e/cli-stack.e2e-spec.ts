import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, pollUntil, TestDatabase, testApiKey, testKafka, testTopics } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';

const newsroom = (args: string[], env: Record<string, string>, timeoutMs: number) => newsroomCli(args, { env, timeoutMs });

// `newsroom stack up|down` runs the real `npm start` machinery (scripts/start.js) in the background, here on a
// database, topics, consumer groups and ports of its own, so the shared Postgres and broker are only used, never
// stopped (start.js stops a broker only when it started one, and the broker answers).
describe('newsroom stack up / status / down', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let prefix: string;
  let topics: string[];
  const runDir = mkdtempSync(join(tmpdir(), 'newsroom-stack-'));

  beforeAll(async () => {
    db = await createTestDatabase('cli_stack');
    const t = testTopics('cli-stack');
    prefix = t.prefix;
    topics = Object.values(t.topics);
    const [ingest, relay, projector, query] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    env = {
      NEWSROOM_RUN_DIR: runDir,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092',
      KAFKA_TOPIC_PREFIX: prefix,
      PROJECTOR_GROUP_ID: `projector-${prefix}`,
      INGEST_SUBMISSIONS_GROUP_ID: `submissions-${prefix}`,
      NEWSROOM_API_KEYS: `${testApiKey()}:admin`,
      INGEST_PORT: String(ingest),
      RELAY_PORT: String(relay),
      PROJECTOR_PORT: String(projector),
      QUERY_PORT: String(query),
      LOG_LEVEL: 'warn',
      // The test command has just built dist/ (run `npm run build` first when running this file alone).
      NEWSROOM_SKIP_BUILD: '1',
      // Should this test's process die before afterAll, the stack it started stops itself.
      NEWSROOM_SUPERVISOR_PID: String(process.pid),
    };
  });
  afterAll(async () => {
    // Whatever happened, leave nothing running.
    if (existsSync(join(runDir, 'stack.pid'))) await newsroom(['stack', 'down'], env, 90_000);
    const kafka = testKafka('cli-stack-cleanup');
    await kafka.deleteTopics(topics).catch(() => undefined);
    await kafka.close();
    await db?.drop();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('up starts the stack in the background and prints its URLs; status shows it ready; down stops it', async () => {
    const up = await newsroom(['stack', 'up', '--timeout', '420'], env, 450_000);
    expect(up.err).toMatch(/starting the stack in the background \(pid \d+\)/);
    expect(up.out).toMatch(new RegExp(`^Newsroom is up\\.\\n\\s+dashboard\\s+http://127\\.0\\.0\\.1:${env.QUERY_PORT}/\\s`, 'm'));
    expect(up.out).toMatch(new RegExp(`^\\s+query\\s+http://127\\.0\\.0\\.1:${env.QUERY_PORT}\\s`, 'm'));
    expect(up.out).toMatch(/seed story \d+ events/);
    expect(up.code).toBe(0);
    // A first start on topics it has just created logs no error: the broker's answers while the new partitions get
    // their leaders are retried by kafkajs, not failures (kafka.client.ts, kafkajsLogLevel).
    for (const s of ['ingest', 'relay', 'projector', 'query']) {
      const errors = readFileSync(join(runDir, 'logs', `${s}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{') && (JSON.parse(line) as { level: number }).level >= 50);
      expect({ service: s, errors }).toEqual({ service: s, errors: [] });
    }

    const again = await newsroom(['stack', 'up'], env, 30_000);
    expect(again.err).toMatch(/already running \(pid \d+\)/);

    const status = await newsroom(['stack', 'status'], env, 60_000);
    for (const s of ['ingest', 'relay', 'projector', 'query'])
      expect(status.out).toMatch(new RegExp(`^${s}\\s+ready\\s+http://127\\.0\\.0\\.1:${env[`${s.toUpperCase()}_PORT`]}`, 'm'));
    expect(status.out).toMatch(/background stack: pid \d+/);
    expect(status.code).toBe(0);

    const down = await newsroom(['stack', 'down'], env, 90_000);
    expect(down.out).toMatch(/stopped the stack \(pid \d+\)/);
    expect(down.code).toBe(0);
    const after = await newsroom(['stack', 'status'], env, 60_000);
    expect(after.out).toMatch(/the stack is down/);
    expect(after.code).toBe(1);
    // The shared broker is still there.
    expect(after.out).toMatch(/^kafka\s+answers/m);
  }, 700_000);

  it('a stack whose supervisor is killed with -9 leaves no service behind, and starts again', async () => {
    expect((await newsroom(['stack', 'up', '--timeout', '300'], env, 330_000)).code).toBe(0);
    // npm start killed hard (kill -9, the OOM killer): it runs no handler, so it cannot stop its services. They
    // notice it gone and shut down, freeing their ports for the next start.
    const supervisor = Number(readFileSync(join(runDir, 'stack.pid'), 'utf8'));
    process.kill(supervisor, 'SIGKILL');
    const killedAt = Date.now();
    await pollUntil(async () => /the stack is down/.test((await newsroom(['stack', 'status'], env, 30_000)).out), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'every service gone after its supervisor was killed',
    });
    process.stdout.write(`[cli-stack e2e] services gone ${Date.now() - killedAt} ms after kill -9 of their supervisor\n`);

    const again = await newsroom(['stack', 'up', '--timeout', '300'], env, 330_000);
    expect(again.out).toMatch(/^Newsroom is up\./m);
    expect(again.code).toBe(0);
    expect((await newsroom(['stack', 'down'], env, 90_000)).code).toBe(0);
  }, 800_000);
});
