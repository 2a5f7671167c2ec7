import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  checkAll,
  createFaultWorld,
  FaultStack,
  FaultWorld,
  LoadGenerator,
  loadEnvelope,
  pollUntil,
  report,
  ResumingSseSubscriber,
  waitCaughtUp,
} from '@newsroom/testing';
import { dropDatabase } from '../../infra/postgres/database';

const run = promisify(execFile);
const RESTORED = ['-r', './scripts/register-paths.js', 'dist/apps/relay/src/restored/restored.main.js'];

/**
 * A backup restored as an operator would (README "Backups and restores"): `pg_dump -Fc` of the whole database, more
 * events written (a tail the broker carries and the backup lacks), the stack stopped, the database dropped and
 * `pg_restore`d, the stack started again and new events written. Then: no ghost of the lost tail in any read model,
 * every event acknowledged after the restore stored and applied, read models equal to a rebuild of the restored
 * store, and a live subscriber that saw the lost tail before the restore (its Last-Event-ID is in it) is served
 * every event recorded after the restore once.
 */
describe('fault: an older backup restored while the broker holds the events recorded after it', () => {
  let world: FaultWorld;
  let stack: FaultStack | undefined;
  let sub: ResumingSseSubscriber | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'newsroom-backup-'));

  beforeEach(async () => {
    world = await createFaultWorld('restore');
  }, 60000);
  afterEach(async () => {
    await sub?.stop();
    sub = undefined;
    await stack?.stop();
    stack = undefined;
    await world?.destroy();
  }, 60000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Writes 30 events, backs up, writes a 20-event tail (with the projector stopped first when `projectorBehind`: the
   * tail then waits unconsumed on the topic), restores, runs `db:restored`, starts the stack again and writes 10:
   * what is wrong afterwards, nothing when the restore is safe.
   */
  async function restoreScenario(label: string, how: 'projected' | 'projector-behind' | 'topics-gone'): Promise<string[]> {
    const projectorBehind = how === 'projector-behind';
    const first = await FaultStack.start({ label, databaseUrl: world.db.url, brokers: world.brokers });
    stack = first;
    const write = (from: number, total: number, tag: string, on: FaultStack) =>
      new LoadGenerator({
        url: () => on.url('ingest'),
        key: on.key,
        writers: 2,
        total,
        envelope: (n) => loadEnvelope(from + n, tag),
      }).start();

    const kept = write(0, 30, 'kept', first);
    await kept.done();
    await waitCaughtUp(world.db.url, 60000);
    sub = new ResumingSseSubscriber(() => stack!.url('query')).start();
    await sub.waitFor('30', 30000);

    const backup = join(dir, `${label}.dump`);
    await run('pg_dump', ['-Fc', '-f', backup, world.db.url]);

    // The lost tail: recorded and published after the backup was taken (and projected and served, unless the
    // projector is down).
    if (projectorBehind) await first.stopInstance('projector');
    const lost = write(100, 20, 'lost', first);
    await lost.done();
    expect(lost.counts()).toMatchObject({ events: 20, ack: 20 });
    const tailHead = await head(world.db.url);
    await pollUntil(() => relayAt(world.db.url, first.topics.events, tailHead), { timeoutMs: 30000, what: 'the relay published the tail' });
    if (!projectorBehind) await sub.waitFor(tailHead, 30000);
    const seenBefore = sub.items.length;
    const lastIdBefore = sub.lastId;
    await first.stop({ deleteTopics: how === 'topics-gone' });

    // The restore, as the README says: drop, pg_restore --create, npm run db:restored.
    await world.db.pool.end().catch(() => undefined);
    await dropDatabase(world.db.url);
    const server = new URL(world.db.url);
    server.pathname = '/postgres';
    await run('pg_restore', ['--create', '--exit-on-error', '-d', server.toString(), backup]);
    const env = { ...process.env, DATABASE_URL: world.db.url, KAFKA_BROKERS: world.brokers.join(','), KAFKA_TOPIC_PREFIX: first.prefix };
    // Topics gone, the operator gives the highest feed_tail_position monitoring scraped before the restore.
    const args = how === 'topics-gone' ? [...RESTORED, '--no-broker', `--after=${tailHead}`] : RESTORED;
    const holder = new Client({ connectionString: world.db.url, application_name: 'a-forgotten-service' });
    await holder.connect();
    const refused = await run('node', args, { env }).then(
      () => 'ran',
      (e: { code: number; stderr: string }) => `${e.code}: ${e.stderr}`,
    );
    await holder.end();
    expect(refused).toMatch(/^1: .*stop every service first: 1 connection\(s\) of a-forgotten-service/);
    const marked = await run('node', args, { env });
    report(`${label}: ${marked.stdout.trim().replace(/\n/g, ' / ')}`);
    expect(marked.stdout).toContain(
      how === 'topics-gone' ? `new events are recorded after ${tailHead}` : `carries positions up to ${tailHead}`,
    );

    const second = await FaultStack.start({
      label,
      databaseUrl: world.db.url,
      brokers: world.brokers,
      prefix: first.prefix,
      keys: { write: first.key, read: first.readKey },
    });
    stack = second;
    const fresh = write(200, 10, 'after-restore', second);
    await fresh.done();
    expect(fresh.counts()).toMatchObject({ events: 10, ack: 10 });

    const result = await checkAll({
      storeUrl: world.db.url,
      brokers: world.brokers,
      topic: second.topics.events,
      load: fresh,
      otherIds: kept.submissions.keys(),
      catchUpTimeoutMs: 30000,
    });
    const problems = [...result.problems];
    // The subscriber, connected across the restore, gets every event recorded after it, once each, in order.
    const freshPositions = await positionsOf(world.db.url, [...fresh.submissions.keys()]);
    await sub.waitFor(freshPositions[freshPositions.length - 1], 30000).catch(() => undefined);
    await sub.stop();
    const after = sub.items.slice(seenBefore).map((i) => i.position);
    const missed = freshPositions.filter((p) => !after.includes(p));
    const twice = freshPositions.filter((p) => after.filter((q) => q === p).length > 1);
    if (missed.length)
      problems.push(
        `(d) the subscriber never got ${missed.length} of ${freshPositions.length} events recorded after the restore: ${missed.join(',')} (its Last-Event-ID was ${lastIdBefore})`,
      );
    if (twice.length) problems.push(`(d) the subscriber got ${twice.length} events twice: ${twice.join(',')}`);
    // Nothing of the lost tail reaches a read model or the feed after the restore.
    const lostIds = new Set(lost.submissions.keys());
    const ghosts = sub.items.slice(seenBefore).filter((i) => lostIds.has(i.eventId));
    if (ghosts.length) problems.push(`(d) the subscriber got ${ghosts.length} events of the lost tail after the restore`);
    report(
      `${label}: 30 kept, 20 lost with the restore (up to ${tailHead}), 10 after at ${freshPositions.join(',')}: ${problems.length ? `FAILS: ${problems.join(' | ')}` : 'ok'}`,
    );
    await second.stop();
    stack = undefined;
    return problems;
  }

  it('the tail was projected and served before the restore: no ghost, new events after every served position, read models equal a rebuild', async () => {
    expect(await restoreScenario('restore', 'projected')).toEqual([]);
  }, 150000);

  it("the projector was down for the tail (its messages wait unconsumed): they are skipped as another store's, not applied", async () => {
    expect(await restoreScenario('restore-behind', 'projector-behind')).toEqual([]);
  }, 150000);

  it('the topics were lost with the broker (Kafka needs no backup): the relay publishes the whole log again, read models equal a rebuild', async () => {
    expect(await restoreScenario('restore-topics-gone', 'topics-gone')).toEqual([]);
  }, 150000);
});

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const head = (url: string) =>
  withClient(
    url,
    async (c) => (await c.query(`SELECT coalesce(max(global_position), 0)::text AS head FROM event_store.events`)).rows[0].head as string,
  );

const relayAt = (url: string, name: string, position: string) =>
  withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT position::text AS position FROM event_store.relay_checkpoints WHERE name = $1`, [name]);
    return rows[0]?.position === position;
  });

const positionsOf = (url: string, ids: string[]) =>
  withClient(url, async (c) =>
    (
      await c.query(`SELECT global_position::text AS p FROM event_store.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`, [
        ids,
      ])
    ).rows.map((r) => r.p as string),
  );
