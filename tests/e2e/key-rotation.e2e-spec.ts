import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  departedEnvelope,
  pollUntil,
  RunningApp,
  startApp,
  TestDatabase,
  testApiKey,
  testTopics,
} from '@newsroom/testing';
import { post } from './stack.harness';

/**
 * Issue 11, key rotation without downtime: ingest reads its keys from NEWSROOM_API_KEYS_FILE and reads it again on
 * SIGHUP (and when the file changes), so keys are added and removed while the same process keeps answering.
 */
describe('API key rotation from a key file, with no restart', () => {
  let db: TestDatabase;
  let ingest: RunningApp;
  let dir: string;
  let file: string;
  const a = testApiKey();
  const b = testApiKey();
  const c = testApiKey();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'newsroom-keys-'));
    file = join(dir, 'api-keys');
    writeFileSync(file, `# rotated by the operator\n${a}:write\n`);
    db = await createTestDatabase('keyrot');
    const { prefix } = testTopics('keyrot');
    ingest = await startApp('ingest', {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: prefix,
      INGEST_SUBMISSIONS_GROUP_ID: `submissions-${prefix}`,
      NEWSROOM_API_KEYS: '',
      NEWSROOM_API_KEYS_FILE: file,
    });
  }, 90000);
  afterAll(async () => {
    await ingest?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let accepted = 0;
  const write = async (key: string) => {
    const { status } = await post(`${ingest.url}/v1/events`, departedEnvelope(), key);
    if (status === 201) accepted++;
    return status;
  };
  const statusOf = async (key: string) => {
    try {
      return await write(key);
    } catch (e) {
      throw new Error(
        `write failed: ${String(e)}; exit ${ingest.process.exitCode} ${ingest.process.signalCode}; ${ingest.output.join('').slice(-800)}`,
      );
    }
  };
  const until = (key: string, status: number, what: string) =>
    pollUntil(
      async () => {
        const s = await statusOf(key);
        if (s !== status) throw new Error(`status ${s}; exit ${ingest.process.exitCode}; ${ingest.output.join('').slice(-800)}`);
        return true;
      },
      { timeoutMs: 15000, intervalMs: 200, what },
    );

  it('A writes; B added + SIGHUP writes; A removed + SIGHUP gets 401 while B still writes; a file change alone is picked up', async () => {
    const pid = ingest.process.pid;
    expect(await write(a)).toBe(201);
    expect(await write(b)).toBe(401);

    writeFileSync(file, `${a}:write\n${b}:write\n`);
    ingest.process.kill('SIGHUP');
    await until(b, 201, 'key B accepted after SIGHUP');
    expect(await write(a)).toBe(201); // both work while clients move

    writeFileSync(file, `${b}:write\n`);
    ingest.process.kill('SIGHUP');
    await until(a, 401, 'key A refused after SIGHUP');
    expect(await write(b)).toBe(201);

    // No signal: the changed file is noticed by itself (mtime polled once a second).
    writeFileSync(file, `${b}:write\n${c}:write\n`);
    await until(c, 201, 'key C accepted after the file changed');

    // A file that no longer parses is refused: the keys in force stay.
    writeFileSync(file, `short:write\n`);
    ingest.process.kill('SIGHUP');
    await pollUntil(() => ingest.output.join('').includes('refused'), { timeoutMs: 15000, what: 'bad file refused in the log' });
    expect(await write(b)).toBe(201);

    expect(ingest.process.pid).toBe(pid);
    expect(ingest.process.exitCode).toBeNull();
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM event_store.events');
    expect(rows[0].n).toBe(accepted); // every 201 is in the store, under whichever key was in force
  }, 90000);
});
