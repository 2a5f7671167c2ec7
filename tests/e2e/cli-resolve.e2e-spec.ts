import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halfYearLossEnvelope, pollUntil } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';
import { post, startStack, TestStack } from './stack.harness';

const tmp = mkdtempSync(join(tmpdir(), 'newsroom-cli-resolve-'));

/** The table's rows as cells by column, cut where the header's columns start (a cell may hold spaces). */
function tableRows(out: string): Array<Record<string, string>> {
  const [header, , ...rows] = out.trimEnd().split('\n');
  const columns = header.split(/\s+/);
  const starts = columns.map((c) => header.indexOf(c));
  return rows
    .filter((row) => !/^(resolve one|more):/.test(row))
    .map((row) => Object.fromEntries(columns.map((c, i) => [c, row.slice(starts[i], starts[i + 1]).trim()])));
}

/**
 * A desk editor settles a contradiction from the command line, as the conflicts report shows it: the real CLI
 * against the four apps. Two outlets give different losses for one half-year; a third confirms the first.
 */
describe('newsroom report conflicts and newsroom resolve against the running apps', () => {
  let stack: TestStack;
  let env: Record<string, string>;
  const newsroom = (args: string[], extra: Record<string, string> = {}) => newsroomCli(args, { env: { ...env, ...extra }, cwd: tmp });
  const organization = `org:cli-conflict-${randomUUID().slice(0, 8)}`;
  const loss = (amount: string, outlet: string) => halfYearLossEnvelope(organization, amount, outlet);
  const first = loss('30000000000', 'Les Echos');
  const second = loss('3600000000', 'Second Wire');
  let conflictId = '';

  beforeAll(async () => {
    stack = await startStack('cli-resolve');
    env = { NEWSROOM_INGEST_URL: stack.apps.ingest.url, NEWSROOM_QUERY_URL: stack.apps.query.url, NEWSROOM_API_KEY: stack.key };
    for (const e of [first, second]) expect((await post(`${stack.apps.ingest.url}/v1/events`, e, stack.key)).status).toBe(201);
    const attached = await post(
      `${stack.apps.ingest.url}/v1/events/${first.id}/sources`,
      { source: { outlet: 'Third Ledger', language: 'en' }, stance: 'confirms' },
      stack.key,
    );
    expect(attached.status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('report conflicts: a row per side with its whole event id, its claim, its outlet count and headline; with --lang fr in French', async () => {
    const report = await pollUntil(
      async () => {
        const r = await newsroom(['report', 'conflicts', '--subject', organization]);
        // Both sides listed, the first with the outlet attached since.
        return tableRows(r.out)[0]?.outlets === '2' ? r : null;
      },
      { timeoutMs: 30_000, what: 'the conflict listed with the attached outlet counted' },
    );
    expect(report.code).toBe(0);
    const [a, b] = tableRows(report.out);
    conflictId = a.conflictId;
    expect(conflictId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).toMatchObject({ kind: 'financial', status: 'open', side: 'a', eventId: first.id, claim: '30000000000 USD (Les Echos)' });
    expect(a.headline).toMatch(/reports loss of 30 billion USD/);
    expect(b).toMatchObject({
      kind: '',
      side: 'b',
      eventId: second.id,
      claim: '3600000000 USD (Second Wire)',
      outlets: '1',
      conflictId: '',
    });
    expect(report.out).toMatch(/^resolve one: newsroom resolve <conflictId> --standing <eventId of the side that stands>/m);

    const fr = await newsroom(['report', 'conflicts', '--subject', organization, '--lang', 'fr']);
    const [frA] = tableRows(fr.out);
    expect(frA.headline).toMatch(/enregistre une perte de 30\u00a0milliards/);
    expect(frA.eventId).toBe(first.id);
  });

  it('resolve: 201, then the same command again is a duplicate (200); both exit 0, and the table shows the side that stands', async () => {
    const key = randomUUID();
    const args = [
      'resolve',
      conflictId,
      '--standing',
      second.id,
      '--reason',
      'the audited accounts say 3.6 billion',
      '--idempotency-key',
      key,
    ];
    const created = await newsroom(args);
    expect(created.err).toBe('');
    expect(created.out).toMatch(
      new RegExp(`^resolved ${conflictId}: conflict\\.resolved ${key} at position (\\d+), ${second.id} stands\\n$`),
    );
    expect(created.code).toBe(0);
    const position = /at position (\d+)/.exec(created.out)![1];

    const again = await newsroom(args);
    expect(again.out).toBe(
      `resolved ${conflictId}: conflict.resolved ${key} at position ${position}, ${second.id} stood when it was recorded (duplicate: already recorded with this key)\n`,
    );
    expect(again.code).toBe(0);
    const stored = await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type = 'conflict.resolved'`);
    expect(stored.rows[0].n).toBe(1);

    const report = await pollUntil(
      async () => {
        const r = await newsroom(['report', 'conflicts', '--subject', organization, '--min-position', position]);
        return tableRows(r.out)[0]?.status === 'resolved' ? r : null;
      },
      { timeoutMs: 30_000, what: 'the conflict resolved' },
    );
    const [a, b] = tableRows(report.out);
    expect([a.side, a.resolvedBy, a.reason]).toEqual(['a', 'editor', 'the audited accounts say 3.6 billion']);
    expect([b.side, b.eventId]).toEqual(['b: stands', second.id]);
    // Nothing open is left to resolve.
    expect(report.out).not.toMatch(/resolve one:/);
    const fr = await newsroom(['report', 'conflicts', '--subject', organization, '--lang', 'fr']);
    expect(tableRows(fr.out)[1].side).toBe('b\u00a0: retenu');
  });

  it('resolve without --idempotency-key: the same command run twice records one resolution, the second run its duplicate; --help says so', async () => {
    const args = ['resolve', conflictId, '--standing', first.id, '--reason', 'the filing says 30 billion after all'];
    const created = await newsroom(args);
    expect([created.err, created.code]).toEqual(['', 0]);
    const [, key, position] = new RegExp(
      `^resolved ${conflictId}: conflict\\.resolved ([0-9a-f-]{36}) at position (\\d+), ${first.id} stands\\n$`,
    ).exec(created.out)!;
    // A name-based UUID (version 5): the key the API takes, made of the conflict, the side and the reason.
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await newsroom(args);
    expect(again.out).toBe(
      `resolved ${conflictId}: conflict.resolved ${key} at position ${position}, ${first.id} stood when it was recorded (duplicate: already recorded with this key)\n`,
    );
    expect(again.code).toBe(0);
    // The keyed resolution of the test before, and this one once.
    const stored = await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type = 'conflict.resolved'`);
    expect(stored.rows[0].n).toBe(2);
    // The help as read, its wrapping aside.
    const help = (await newsroom(['resolve', '--help'])).out.replace(/\s+/g, ' ');
    expect(help).toMatch(/default: a UUID derived from the conflict, --standing and --reason/);
    expect(help).toMatch(/the same command run again is answered as a duplicate/);
  });

  it("resolve: a wrong event id gives the API's error and exit 1; a read key is refused as correct's is; a missing flag is a usage error (2)", async () => {
    const unknown = randomUUID();
    const wrong = await newsroom(['resolve', conflictId, '--standing', unknown, '--reason', 'x']);
    expect(wrong.err).toBe(
      `error: 404 EVENT.NOT_FOUND: no event has id ${unknown}\n  standingEventId: no event has this id\n  newsroom report conflicts --status open lists the open conflicts, each side with its whole event id\n`,
    );
    expect(wrong.out).toBe('');
    expect(wrong.code).toBe(1);
    // A short id is not an event id: the API names the field.
    const short = await newsroom(['resolve', conflictId, '--standing', second.id.slice(0, 8), '--reason', 'x']);
    expect(short.err).toMatch(/^error: 400 \S+.*\n {2}standingEventId: /);
    expect(short.code).toBe(1);
    // An event of another stream: no open conflict of its stream has this id.
    const other = loss('1', 'Elsewhere');
    other.subject = `${organization}-other`;
    expect((await post(`${stack.apps.ingest.url}/v1/events`, other, stack.key)).status).toBe(201);
    const elsewhere = await newsroom(['resolve', conflictId, '--standing', other.id, '--reason', 'x']);
    expect(elsewhere.err).toMatch(/^error: 404 CONFLICT\.NOT_FOUND: /);
    expect(elsewhere.code).toBe(1);

    const readKey = await newsroom(['resolve', conflictId, '--standing', first.id, '--reason', 'x'], { NEWSROOM_API_KEY: stack.readKey });
    expect(readKey.err).toMatch(/^error: 403 .*\n {2}the key from NEWSROOM_API_KEY lacks the scope/);
    expect(readKey.code).toBe(1);
    const usage = await newsroom(['resolve', conflictId, '--reason', 'x']);
    expect(usage.err).toMatch(/error: required option '--standing <eventId>' not specified/);
    expect(usage.code).toBe(2);
  });

  it('a key that is not a UUID is a usage error (2) of every write command, told before any request: nothing is recorded', async () => {
    const count = async () => (await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events`)).rows[0].n as number;
    const before = await count();
    for (const args of [
      ['resolve', conflictId, '--standing', first.id, '--reason', 'x'],
      ['correct', first.id, '--reason', 'x'],
      ['retract', first.id, '--reason', 'x'],
    ]) {
      const bad = await newsroom([...args, '--idempotency-key', 'not-a-uuid']);
      expect(bad.err).toMatch(/error: option '--idempotency-key <uuid>' argument 'not-a-uuid' is invalid\. it must be a UUID/);
      expect(bad.out).toBe('');
      expect(bad.code).toBe(2);
    }
    expect(await count()).toBe(before);
  });
});
