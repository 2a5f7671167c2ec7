import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { departedEnvelope, freePort, pollUntil, startApp } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';
import { post, Recorded, startStack, TestStack } from './stack.harness';

const tmp = mkdtempSync(join(tmpdir(), 'newsroom-cli-'));

/** The CLI run from a folder of its own. */
const newsroom = (args: string[], env: Record<string, string> = {}, timeoutMs = 60_000) => newsroomCli(args, { env, cwd: tmp, timeoutMs });

const ndjson = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const idOnLine = (out: string, line: number) => new RegExp(`^line ${line}\\s+\\w+\\s+([0-9a-f-]{36})`, 'm').exec(out)?.[1];

describe('the newsroom CLI against the running apps', () => {
  let stack: TestStack;
  let env: Record<string, string>;
  const feedCount = async () =>
    ((await (await fetch(`${stack.apps.query.url}/v1/feed?after=0&limit=1000`)).json()) as { items: unknown[] }).items.length;

  beforeAll(async () => {
    stack = await startStack('cli');
    env = { NEWSROOM_INGEST_URL: stack.apps.ingest.url, NEWSROOM_QUERY_URL: stack.apps.query.url, NEWSROOM_API_KEY: stack.key };
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  // Three departures without ids (the CLI derives them from the content), one with an id, one bad subject.
  const a = departedEnvelope({ id: undefined, subject: 'person:cli-ada' });
  const b = departedEnvelope({ id: undefined, subject: 'person:cli-bob' });
  const c = departedEnvelope({ subject: 'person:cli-cyd' });
  const bad = departedEnvelope({ subject: 'nobody' });
  const d = departedEnvelope({ id: undefined, subject: 'person:cli-dee' });
  let adaId: string;
  let bobId: string;

  it('ingest: one result per line, a summary, exit 1 when a line was rejected', async () => {
    const file = join(tmp, 'first.ndjson');
    writeFileSync(file, ndjson([a, b, bad, c]));
    const r = await newsroom(['ingest', file], env);
    expect(r.out).toMatch(/^line 1\s+created\s+[0-9a-f-]{36}\s+position \d+$/m);
    expect(r.out).toMatch(/^line 2\s+created\s/m);
    expect(r.out).toMatch(/^line 3\s+rejected\s+[0-9a-f-]{36}\s+REQUEST\.INVALID: subject: /m);
    expect(r.out).toMatch(new RegExp(`^line 4\\s+created\\s+${c.id}`, 'm'));
    expect(r.out).toMatch(/first\.ndjson: 4 lines, 3 created, 0 duplicate, 1 rejected in/);
    expect(r.code).toBe(1);
    adaId = idOnLine(r.out, 1)!;
    bobId = idOnLine(r.out, 2)!;
    expect(adaId).toBeDefined();
  });

  it('ingest: a resumed import (the same lines again, then the rest) records nothing twice', async () => {
    const file = join(tmp, 'resumed.json');
    writeFileSync(file, JSON.stringify([a, b, c, d]));
    const r = await newsroom(['ingest', '--batch-size', '2', file], env);
    // Results of a JSON array are labelled by element, with the file line it starts on.
    expect(r.out).toMatch(new RegExp(`^element 1 \\(line 1\\) duplicate\\s+${adaId}`, 'm'));
    expect(r.out).toMatch(/resumed\.json: 4 elements, 1 created, 3 duplicate, 0 rejected in \d+\.\d s \(\d+ elements\/s\)$/m);
    expect(r.code).toBe(0);
    const count = await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'person:cli-%'`);
    expect(count.rows[0].n).toBe(4);
  });

  it('correct and retract: the new event and its position; the target changes status', async () => {
    const corrected = await newsroom(
      ['correct', adaId, '--occurred-at', '2024-10', '--set', 'reason=retired', '--reason', 'her statement'],
      env,
    );
    expect(corrected.out).toMatch(new RegExp(`^corrected ${adaId}: event\\.corrected [0-9a-f-]{36} at position \\d+$`, 'm'));
    expect(corrected.code).toBe(0);
    const retracted = await newsroom(['retract', bobId, '--reason', 'the outlet withdrew the story'], env);
    expect(retracted.out).toMatch(new RegExp(`^retracted ${bobId}: event\\.retracted [0-9a-f-]{36} at position \\d+$`, 'm'));
    expect(retracted.code).toBe(0);
    const ada = (await (await fetch(`${stack.apps.ingest.url}/v1/events/${adaId}`)).json()) as {
      status: string;
      current: { data: { reason: string } };
    };
    expect(ada.status).toBe('corrected');
    expect(ada.current.data.reason).toBe('retired');
    const again = await newsroom(['retract', bobId, '--reason', 'twice'], env);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/error: 422 EVENT\.RETRACTED/);
  });

  it('tail: prints the feed from the start, saves the position, and the next run goes on from it without repeats', async () => {
    await pollUntil(async () => (await feedCount()) === 6 || null, { what: 'six feed items' });
    const state = join(tmp, 'tail-position');
    const first = await newsroom(['tail', '--state', state, '--count', '6'], env, 30_000);
    const positions = [...first.out.matchAll(/^\s*(\d+) {2}/gm)].map((m) => Number(m[1]));
    expect(positions).toHaveLength(6);
    expect(first.out).toMatch(/event\.retracted .*-> /);
    expect(first.code).toBe(0);

    const posted = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope({ subject: 'person:cli-eve' }), stack.key);
    expect(posted.status).toBe(201);
    const second = await newsroom(['tail', '--state', state, '--count', '1', '--subject', 'person:cli-eve', '--lang', 'fr'], env, 30_000);
    const lines = second.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^\\s*${posted.body.globalPosition}\\s+2024-09-25\\s+executive\\.departed\\s+person:cli-eve .*\\(${posted.body.id}\\)`),
    );
    expect(Number(posted.body.globalPosition)).toBeGreaterThan(Math.max(...positions));
    expect(second.err).toMatch(new RegExp(`after position ${Math.max(...positions)}`));
  });

  it('report: a table, --csv and --json', async () => {
    await pollUntil(
      async () => {
        const r = await fetch(`${stack.apps.query.url}/v1/reports/departures?organization=org:openai`);
        return ((await r.json()) as { items: unknown[] }).items.length === 4 || null;
      },
      { what: 'four departures' },
    );
    const table = await newsroom(['report', 'departures', '--organization', 'org:openai'], env);
    const [header, rule, ...rows] = table.out.trim().split('\n');
    expect(header).toMatch(/^occurredAt\s+personName\s+person\s+role\s+roleCategory\s+reason/);
    expect(rule).toMatch(/^-+ {2}-+/);
    expect(rows).toHaveLength(4);
    expect(table.out).toMatch(/2024-10\s+.*person:cli-ada\s+Chief Technology Officer\s+c-suite\s+retired/);
    expect(table.code).toBe(0);

    const csv = await newsroom(['report', 'departures', '--organization', 'org:openai', '--csv'], env);
    expect(csv.out.split('\r\n')[0]).toMatch(/person/);
    expect(csv.out.trim().split(/\r?\n/)).toHaveLength(5);
    const json = await newsroom(['report', 'departures', '--organization', 'org:openai', '--json'], env);
    expect((JSON.parse(json.out) as { items: unknown[] }).items).toHaveLength(4);
    // Pages of one row: --csv still writes the whole report (X-Next-Cursor followed), under one header row.
    const paged = await newsroom(['report', 'departures', '--organization', 'org:openai', '--csv', '--limit', '1'], env);
    expect(paged.code).toBe(0);
    expect(paged.out).toBe(csv.out);
    // --json shows the page asked for and says on stderr how to read on.
    const onePage = await newsroom(['report', 'departures', '--organization', 'org:openai', '--json', '--limit', '1'], env);
    expect((JSON.parse(onePage.out) as { items: unknown[] }).items).toHaveLength(1);
    expect(onePage.err).toMatch(/^more: newsroom report departures --cursor \S+ --json/m);

    // --lang fr: the role in French (the glossary's both forms for a gendered role given in English only).
    const fr = await newsroom(['report', 'departures', '--organization', 'org:openai', '--lang', 'fr'], env);
    expect(fr.out).toMatch(/person:cli-ada\s+directeur ou directrice technique\s+c-suite/);

    const asOf = await newsroom(['report', 'departures', '--organization', 'org:openai', '--known-at', '2000-01-01', '--json'], env);
    expect((JSON.parse(asOf.out) as { items: unknown[] }).items).toHaveLength(0);

    // --min-position: the report waits for a write it was given the position of (here one long recorded).
    const head = String((await stack.db.pool.query('SELECT max(global_position) AS p FROM event_store.events')).rows[0].p);
    const own = await newsroom(['report', 'departures', '--organization', 'org:openai', '--min-position', head, '--json'], env);
    expect((JSON.parse(own.out) as { items: unknown[] }).items).toHaveLength(4);
    const bad = await newsroom(['report', 'departures', '--min-position', 'soon'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/minPosition/);
  });

  it('report departures --group-by: each period with its departures counted and, in a column of its own, those only rumoured; the unplaced bucket last', async () => {
    const org = 'org:cli-rumours';
    const left = (subject: string, occurredAt: string, modality: string) =>
      departedEnvelope({
        subject,
        occurredAt,
        modality,
        data: { organization: org, role: 'Chief Operating Officer', roleCategory: 'c-suite' },
      });
    // Cat's departure is dated only 2024: too coarse for a quarter, it is unplaced.
    const events = [
      left('person:cli-ann', '2024-08-10', 'reported'),
      left('person:cli-ben', '2024-09-01', 'rumored'),
      left('person:cli-cat', '2024', 'reported'),
    ];
    const batch = await post<{ results: Array<{ status: string }> }>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect(batch.body.results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    const table = await pollUntil(
      async () => {
        const r = await newsroom(['report', 'departures', '--organization', org, '--group-by', 'quarter'], env);
        return /^2024-Q3\s+1\s+1$/m.test(r.out) && /^unplaced\s+1\s/m.test(r.out) ? r : null;
      },
      { what: 'the departures of org:cli-rumours grouped by quarter' },
    );
    const [header, , ...rows] = table.out.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['key', 'count', 'rumored']);
    // The unplaced bucket is the last row, as the JSON has it, and what it holds is said under the table.
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ['2024-Q3', '1', '1'],
      ['unplaced', '1', '0'],
      'unplaced: departures dated more coarsely than a quarter, never guessed into one (--json lists them)'.split(/\s+/),
    ]);
    expect(table.code).toBe(0);
  });

  it('rebuild: a read model added later is named by the projector at start and backfilled, and the rebuild, with progress, leaves the same report', async () => {
    const report = async () => (await newsroom(['report', 'departures', '--organization', 'org:openai', '--json'], env)).out;
    const before = await report();
    const items = (out: string) => (JSON.parse(out) as { items: unknown[] }).items;
    expect(items(before).length).toBeGreaterThan(0);
    expect(stack.apps.projector.notable.join('\n')).not.toMatch(/is new to this database/); // a new system: all are new
    // A new version brings a read model: its table is made empty by a migration and it has no checkpoint.
    const restartProjector = async (env: Record<string, string> = {}) => {
      await stack.apps.projector.stop();
      stack.apps.projector = await startApp('projector', { ...stack.env, ...env });
      return stack.apps.projector;
    };
    await stack.apps.projector.stop();
    await stack.db.pool.query(`DELETE FROM read_model.projection_checkpoints WHERE projection = 'departures'`);
    await stack.db.pool.query(`TRUNCATE read_model.departures`);
    // Backfill off: the projector names the rebuild to run, and the read model has none of the history.
    let projector = await restartProjector({ PROJECTOR_BACKFILL: 'false' });
    expect(projector.notable.join('\n')).toMatch(
      /read model departures is new to this database: it gets the events from now on, not those up to position \d+ .*`npx newsroom rebuild departures`/,
    );
    expect(projector.notable.join('\n')).not.toMatch(/read model (feed|timeline|leadership) is new/);
    expect(items(await report())).toHaveLength(0);
    // Its reports say they are partial (the query service reads the backfills at most a second late), others do not.
    const partialOf = async (path: string) => (await fetch(`${stack.apps.query.url}${path}`)).headers.get('newsroom-partial');
    await pollUntil(async () => (await partialOf('/v1/reports/departures?organization=org:openai')) === 'departures' || null, {
      timeoutMs: 10_000,
      what: 'the departures report marked partial',
    });
    expect(await partialOf('/v1/reports/leadership?organization=org:openai')).toBeNull();
    const partial = await newsroom(['report', 'departures', '--organization', 'org:openai', '--json'], env);
    expect(partial.err).toMatch(/partial: the history of departures is still being folded in/);
    expect(items(partial.out)).toHaveLength(0);
    // On (the default): the projector folds the history in by itself.
    projector = await restartProjector();
    expect(projector.notable.join('\n')).toMatch(
      /read model departures is new to this database: .*folding its history into it in the background/,
    );
    await pollUntil(async () => (await report()) === before, { timeoutMs: 60_000, what: 'the departures report backfilled' });
    expect((await stack.db.pool.query('SELECT * FROM read_model.projection_backfills')).rows).toEqual([]);
    await pollUntil(async () => (await partialOf('/v1/reports/departures?organization=org:openai')) === null || null, {
      timeoutMs: 10_000,
      what: 'the departures report whole again',
    });
    expect((await newsroom(['report', 'departures', '--organization', 'org:openai'], env)).err).not.toMatch(/partial/);
    // A backfill cut short (its intent recorded, the history not yet swapped in) is taken up at the next start.
    await stack.apps.projector.stop();
    await stack.db.pool.query(`INSERT INTO read_model.projection_backfills (projection, reason) VALUES ('departures', 'test')`);
    await stack.db.pool.query(`TRUNCATE read_model.departures`);
    await restartProjector();
    await pollUntil(async () => (await report()) === before, { timeoutMs: 60_000, what: 'the departures report backfilled again' });
    expect((await stack.db.pool.query('SELECT * FROM read_model.projection_backfills')).rows).toEqual([]);
    const r = await newsroom(
      ['rebuild', 'departures'],
      { DATABASE_URL: stack.db.url, KAFKA_BROKERS: stack.env.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: stack.env.KAFKA_TOPIC_PREFIX },
      120_000,
    );
    expect(r.out).toMatch(/\[rebuild\] departures: fold position \d+\/\d+ \(100%\)/);
    expect(r.out).toMatch(/\[rebuild\] done: swapped in departures at position \d+/);
    expect(r.code).toBe(0);
    expect((await newsroom(['report', 'departures', '--organization', 'org:openai', '--json'], env)).out).toBe(before);
  });

  it('rebuild: a read model emptied by hand while the projector runs is noticed at its next batch, said partial, and backfilled', async () => {
    const report = async () => (await newsroom(['report', 'departures', '--organization', 'org:openai', '--json'], env)).out;
    const items = (out: string) => (JSON.parse(out) as { items: unknown[] }).items;
    const before = items(await report());
    expect(before.length).toBeGreaterThan(0);
    const partialOf = async () =>
      (await fetch(`${stack.apps.query.url}/v1/reports/departures?organization=org:openai`)).headers.get('newsroom-partial');
    // Emptied by hand, rows and checkpoints, the projector running; then a departure recorded (the next batch).
    await stack.db.pool.query(`BEGIN; DELETE FROM read_model.projection_checkpoints WHERE projection = 'departures';
      TRUNCATE read_model.departures; COMMIT`);
    await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope({ subject: 'person:cli-fay' }), stack.key);
    // The batch wrote fresh checkpoints and the backfill's intent with them: said, and the report is partial until the
    // history is folded in again (no longer only what came after).
    await pollUntil(
      () => /read model departures lost its checkpoints while the projector ran/.test(stack.apps.projector.notable.join('\n')) || null,
      { timeoutMs: 30_000, what: 'the projector noticing' },
    );
    await pollUntil(
      async () => {
        const now = items(await report());
        return (now.length === before.length + 1 && JSON.stringify(now).includes('person:cli-fay')) || null;
      },
      { timeoutMs: 60_000, what: 'the departures report backfilled, the new one in' },
    );
    await pollUntil(async () => (await partialOf()) === null || null, { timeoutMs: 10_000, what: 'the report whole again' });
    expect((await stack.db.pool.query('SELECT * FROM read_model.projection_backfills')).rows).toEqual([]);
  });

  it('stack status: each service ready with its URL; exit 1 and what to run when they are down', async () => {
    const ports = Object.fromEntries(
      (['ingest', 'relay', 'projector', 'query'] as const).map((s) => [`${s.toUpperCase()}_PORT`, new URL(stack.apps[s].url).port]),
    );
    const up = await newsroom(['stack', 'status'], { ...ports, DATABASE_URL: stack.db.url });
    for (const s of ['ingest', 'relay', 'projector', 'query'] as const)
      expect(up.out).toMatch(new RegExp(`^${s}\\s+ready\\s+${stack.apps[s].url}`, 'm'));
    expect(up.out).toMatch(/^kafka\s+answers/m);
    expect(up.code).toBe(0);

    const closed = String(await freePort());
    const down = await newsroom(['stack', 'status'], {
      INGEST_PORT: closed,
      RELAY_PORT: closed,
      PROJECTOR_PORT: closed,
      QUERY_PORT: closed,
    });
    expect(down.out).toMatch(/the stack is down: `newsroom stack up` starts it/);
    expect(down.code).toBe(1);
  });

  it('errors say what to do next', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const file = join(tmp, 'one.ndjson');
    writeFileSync(file, ndjson([departedEnvelope()]));
    const r = await newsroom(['ingest', file], { ...env, NEWSROOM_INGEST_URL: closed });
    expect(r.err).toContain(`ingest is not answering at ${closed} (ECONNREFUSED), the address NEWSROOM_INGEST_URL gives`);
    expect(r.err).toContain('run `newsroom stack up`');
    expect(r.code).toBe(2);
    // One base for both: the hint names the variable that set it, not the per-service ones that did not.
    const both = await newsroom(['report', 'departures'], { ...env, NEWSROOM_QUERY_URL: '', NEWSROOM_URL: closed });
    expect(both.err).toContain(`query is not answering at ${closed} (ECONNREFUSED), the address NEWSROOM_URL gives`);
    expect(both.err).toContain('check NEWSROOM_URL, which set it');
    expect(both.code).toBe(2);
    // Not a URL at all: a usage error naming the flag, not a fetch error about a path glued to it.
    const bad = await newsroom(['--ingest-url', 'notaurl', 'retract', adaId, '--reason', 'x'], env);
    expect(bad.err).toContain('error: --ingest-url "notaurl" is not an http(s) URL');
    expect(bad.code).toBe(2);
    const noKey = await newsroom(['retract', adaId, '--reason', 'x'], { ...env, NEWSROOM_API_KEY: stack.readKey });
    expect(noKey.err).toMatch(/403 .*\n {2}the key from NEWSROOM_API_KEY lacks the scope/);
    const help = await newsroom(['tail', '--help'], env);
    expect(help.out).toMatch(/--state <file>/);
    expect(help.code).toBe(0);
    // Usage errors are 2, as the README says: an unknown option, a missing argument, an unknown command.
    for (const args of [['tail', '--bogus'], ['retract'], ['nope']]) {
      const usage = await newsroom(args, env);
      expect({ args, code: usage.code }).toEqual({ args, code: 2 });
      expect(usage.err).toMatch(/error: |add --help/);
    }
  });

  it('ingest: batches too large for the service are sent in halves, an envelope too large alone is rejected on its line, results in file order', async () => {
    // An ingest of its own with a 24 KB body limit: a batch of 60 departures (about 700 bytes each) is over it.
    const small = await startApp('ingest', { ...stack.env, INGEST_BODY_LIMIT: '24kb' });
    try {
      const events = Array.from({ length: 60 }, (_, i) => departedEnvelope({ subject: `person:cli-split-${i}` }));
      const huge = { ...departedEnvelope({ subject: 'person:cli-huge' }), padding: 'x'.repeat(30_000) };
      const lines = [...events.slice(0, 10), 'not json', ...events.slice(10, 40), huge, ...events.slice(40)];
      const file = join(tmp, 'split.ndjson');
      writeFileSync(file, ndjson(lines));
      const r = await newsroom(['ingest', '--batch-size', '100', file], { ...env, NEWSROOM_INGEST_URL: small.url });
      expect(r.out).toMatch(/split\.ndjson: 62 lines, 60 created, 0 duplicate, 2 rejected in/);
      expect(r.out).toMatch(/^line 11\s+rejected\s+-\s+not JSON/m);
      expect(r.out).toMatch(/^line 42\s+rejected\s+[0-9a-f-]{36}\s+REQUEST\.TOO_LARGE/m);
      const order = [...r.out.matchAll(/^line (\d+)/gm)].map((m) => Number(m[1]));
      expect(order).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
      expect(r.code).toBe(1);
      const count = await stack.db.pool.query(
        `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'person:cli-split-%'`,
      );
      expect(count.rows[0].n).toBe(60);
    } finally {
      await small.stop();
    }
  });

  it('ingest: a batch far over the body limit is cut under it before it is sent; an envelope over the limit alone is rejected on its line, unsent', async () => {
    // 120 envelopes of about 37 kB (4.4 MB): the default batch of 200 would be twice the 2048kb limit.
    const sources = Array.from({ length: 19 }, (_, k) => ({ outlet: `Outlet ${k}`, language: 'en', quote: 'q'.repeat(1900) }));
    const big = Array.from({ length: 120 }, (_, i) => departedEnvelope({ id: undefined, subject: `person:cli-big-${i}`, sources }));
    const file = join(tmp, 'big.ndjson');
    writeFileSync(file, ndjson(big));
    const r = await newsroom(['ingest', file], env, 120_000);
    expect(r.err).not.toMatch(/error|EPIPE|ECONNRESET/);
    expect(r.out.match(/^line \d+\s+created\s/gm)).toHaveLength(120);
    expect(r.out).toMatch(/big\.ndjson: 120 lines, 120 created, 0 duplicate, 0 rejected in/);
    expect(r.code).toBe(0);
    // Told a limit above the service's, the CLI sends the 4.4 MB batch: the 413 is read (not a broken pipe), its
    // limit learnt and the batch cut under it; nothing is recorded twice.
    const again = await newsroom(['ingest', '--max-body', '8mb', file], env, 120_000);
    expect(again.err).not.toMatch(/error|EPIPE|ECONNRESET/);
    expect(again.out).toMatch(/big\.ndjson: 120 lines, 0 created, 120 duplicate, 0 rejected in/);
    expect(again.code).toBe(0);
    const count = await stack.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'person:cli-big-%'`);
    expect(count.rows[0].n).toBe(120);

    // A 2.2 MB line between two small ones: rejected on its line without being sent; the others are recorded.
    const huge = { ...departedEnvelope({ subject: 'person:cli-huge-alone' }), padding: 'x'.repeat(2_200_000) };
    const mixed = join(tmp, 'huge.ndjson');
    writeFileSync(
      mixed,
      ndjson([departedEnvelope({ subject: 'person:cli-beside-1' }), huge, departedEnvelope({ subject: 'person:cli-beside-2' })]),
    );
    const alone = await newsroom(['ingest', mixed], env, 60_000);
    expect(alone.out).toMatch(/^line 1\s+created\s/m);
    expect(alone.out).toMatch(
      new RegExp(
        `^line 2\\s+rejected\\s+${huge.id}\\s+REQUEST\\.TOO_LARGE: this envelope alone makes a body of \\d+ bytes, over the service's limit of 2097152 bytes \\(not sent\\)$`,
        'm',
      ),
    );
    expect(alone.out).toMatch(/^line 3\s+created\s/m);
    expect(alone.code).toBe(1);
    // Told a limit above the service's, the CLI sends the three in one batch: the 413 names the real limit, and
    // the batch is cut under it, the huge line still rejected on its line.
    const sent = await newsroom(['ingest', '--max-body', '8mb', mixed], env, 60_000);
    expect(sent.err).not.toMatch(/error/);
    expect(sent.out).toMatch(/^line 2\s+rejected\s+\S+\s+REQUEST\.TOO_LARGE: .*limit of 2097152 bytes/m);
    expect(sent.out).toMatch(/huge\.ndjson: 3 lines, 0 created, 2 duplicate, 1 rejected/);
    expect(sent.code).toBe(1);
  });

  // A French export: "Directrice générale" at "Le Progrès", no ids (the CLI derives them from the content).
  const french = (subject: string) =>
    departedEnvelope({
      id: undefined,
      subject,
      data: { organization: 'org:openai', role: 'Directrice générale', roleCategory: 'other' },
      sources: [{ outlet: 'Le Progrès', language: 'fr', quote: '« un départ »' }],
    });
  const utf8 = (e: object) => Buffer.from(`${JSON.stringify(e)}\n`);
  const latin1 = (e: object) => Buffer.from(`${JSON.stringify(e)}\n`, 'latin1');
  /** The commands the CLI advises, as a user pastes them: `newsroom` on the PATH, in the folder of the run. */
  const follow = (command: string) => {
    const shim = join(tmp, 'bin');
    mkdirSync(shim, { recursive: true });
    writeFileSync(
      join(shim, 'newsroom'),
      `#!/bin/sh\nexec "${process.execPath}" "${join(__dirname, '..', '..', 'bin', 'newsroom.js')}" "$@"\n`,
      {
        mode: 0o755,
      },
    );
    return spawnSync('sh', ['-c', command], {
      cwd: tmp,
      env: { ...process.env, ...env, PATH: `${shim}:${process.env.PATH}` },
      encoding: 'utf8',
    });
  };
  const stored = async (prefix: string) =>
    (
      await stack.db.pool.query<{ stream_id: string; role: string; outlet: string }>(
        `SELECT stream_id, data->>'role' AS role, sources->0->>'outlet' AS outlet FROM event_store.events WHERE stream_id LIKE $1 ORDER BY stream_id`,
        [`${prefix}%`],
      )
    ).rows;

  it('ingest: a file mixing UTF-8 and Latin-1 lines: the Latin-1 ones are rejected, and the advice converts only them, so following it records each fact once, ungarbled', async () => {
    const file = join(tmp, 'mixed.ndjson');
    writeFileSync(
      file,
      Buffer.concat([
        utf8(french('person:cli-mixed-1')),
        latin1(french('person:cli-mixed-2')),
        Buffer.from('\n'), // a blank line: counted by the CLI and by sed alike
        utf8(departedEnvelope({ id: undefined, subject: 'person:cli-mixed-4' })),
        latin1(french('person:cli-mixed-5')),
      ]),
    );
    const r = await newsroom(['ingest', file], env);
    const bad = latin1(french('person:cli-mixed-2')).indexOf(0xe9) + 1;
    expect(r.out).toMatch(/^line 1\s+created\s/m);
    expect(r.out).toMatch(
      new RegExp(
        `^line 2\\s+rejected\\s+-\\s+not valid UTF-8 at byte ${bad} of the line \\(not sent: how to convert it is under the summary\\)$`,
        'm',
      ),
    );
    expect(r.out).toMatch(/^line 4\s+created\s/m);
    expect(r.out).toMatch(/^line 5\s+rejected\s+-\s+not valid UTF-8/m);
    expect(r.code).toBe(1);
    // Under the summary: why not the whole file, and a command for lines 2 and 5 only.
    const [summary, why, command, rerun] = r.out
      .slice(r.out.indexOf(`${file}: 4 lines`))
      .trim()
      .split('\n');
    expect(summary).toMatch(/: 4 lines, 2 created, 0 duplicate, 2 rejected in /);
    expect(why).toBe(
      'not UTF-8: lines 2, 5; the other lines are UTF-8 already (beyond ASCII): converting the whole file would garble them and record them again under new ids. Convert only those lines from Windows-1252 and ingest them:',
    );
    const converted = join(tmp, 'mixed.rejected.utf8.ndjson');
    expect(command).toBe(`  sed -n '2p;5p' ${file} | iconv -f windows-1252 -t utf-8 > ${converted} && newsroom ingest ${converted}`);
    expect(rerun).toBe(
      `or run the file again with only the lines that are not UTF-8 decoded as Windows-1252 (the rest answers duplicate): newsroom ingest --encoding windows-1252 ${file}`,
    );
    expect(r.out).not.toMatch(/convert the file|iconv -f windows-1252 -t utf-8 \S*mixed\.ndjson/);

    const followed = follow(command.trim());
    expect(followed.stdout).toMatch(/^line 1\s+created\s/m);
    expect(followed.stdout).toMatch(/^line 2\s+created\s/m);
    expect(followed.stdout).toMatch(/mixed\.rejected\.utf8\.ndjson: 2 lines, 2 created, 0 duplicate, 0 rejected in /);
    expect(followed.status).toBe(0);
    // Every fact once, in its own words: no garbled duplicate ("gÃ©nÃ©rale"), no new outlet ("Le ProgrÃ¨s").
    const french3 = { role: 'Directrice générale', outlet: 'Le Progrès' };
    expect(await stored('person:cli-mixed-')).toEqual([
      { stream_id: 'person:cli-mixed-1', ...french3 },
      { stream_id: 'person:cli-mixed-2', ...french3 },
      { stream_id: 'person:cli-mixed-4', role: 'Chief Technology Officer', outlet: 'Example Daily' },
      { stream_id: 'person:cli-mixed-5', ...french3 },
    ]);

    // The other way, --encoding windows-1252: the same texts, so the same content ids (all duplicate), and the
    // lines decoded as Windows-1252 say so.
    const again = await newsroom(['ingest', '--encoding', 'windows-1252', file], env);
    expect(again.out).toMatch(/^line 1\s+duplicate\s+[0-9a-f-]{36}\s+position \d+$/m);
    expect(again.out).toMatch(/^line 2\s+duplicate\s+[0-9a-f-]{36}\s+position \d+ \(decoded as Windows-1252\)$/m);
    expect(again.out).toMatch(/^line 5\s+duplicate\s+.* \(decoded as Windows-1252\)$/m);
    expect(again.out).toMatch(/mixed\.ndjson: 4 lines, 0 created, 4 duplicate, 0 rejected in [^\n]*\n$/);
    expect(again.code).toBe(0);
    expect(await stored('person:cli-mixed-')).toHaveLength(4);
  });

  it('ingest: a Latin-1 file with no UTF-8 beyond ASCII: converting the whole file is the advice, and following it records the rest', async () => {
    const ascii = (subject: string) => departedEnvelope({ id: undefined, subject, sources: [{ outlet: 'Example Daily', language: 'en' }] });
    const file = join(tmp, 'latin1.ndjson');
    writeFileSync(file, Buffer.concat([utf8(ascii('person:cli-latin1-1')), latin1(french('person:cli-latin1-2'))]));
    const r = await newsroom(['ingest', file], env);
    expect(r.out).toMatch(/^line 1\s+created\s/m);
    expect(r.out).toMatch(/^line 2\s+rejected\s+-\s+not valid UTF-8 at byte \d+ of the line/m);
    expect(r.code).toBe(1);
    const converted = join(tmp, 'latin1.utf8.ndjson');
    const command = `  iconv -f windows-1252 -t utf-8 ${file} > ${converted} && newsroom ingest ${converted}`;
    expect(r.out).toContain(
      `not UTF-8: line 2 (a Windows-1252 or Latin-1 export?). No line is UTF-8 beyond ASCII, so convert the whole file and ingest that (what was recorded answers duplicate):\n${command}\n`,
    );
    const followed = follow(command.trim());
    expect(followed.stdout).toMatch(/^line 1\s+duplicate\s/m);
    expect(followed.stdout).toMatch(/^line 2\s+created\s/m);
    expect(followed.status).toBe(0);
    expect((await stored('person:cli-latin1-')).map((e) => e.role)).toEqual(['Chief Technology Officer', 'Directrice générale']);
  });

  it('ingest: a JSON array mixing encodings is not sent; no per-line command applies, said so, and --encoding windows-1252 records each element once', async () => {
    const file = join(tmp, 'mixed.json');
    const pretty = (e: object) => JSON.stringify(e, null, 2).replace(/\n/g, '\n  ');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`[\n  ${pretty(french('person:cli-mixed-json-1'))},\n  `),
        Buffer.from(pretty(french('person:cli-mixed-json-2')), 'latin1'),
        Buffer.from('\n]\n'),
      ]),
    );
    const r = await newsroom(['ingest', file], env);
    expect(r.out).toMatch(
      /^line (\d+)\s+rejected\s+-\s+not valid UTF-8 at byte \d+ of the file \(line \1\) \(nothing of the file was sent: how to convert it is under the summary\)$/m,
    );
    expect(r.out).toMatch(/mixed\.json: 1 document, 0 created, 0 duplicate, 1 rejected in /);
    expect(r.out).toMatch(
      /^A per-line command does not apply to a JSON document \(an element can span lines, and the file is read whole\): run it again with only those lines decoded as Windows-1252:\n {2}newsroom ingest --encoding windows-1252 \S*mixed\.json$/m,
    );
    expect(r.out).not.toMatch(/iconv|sed -n/);
    expect(r.code).toBe(1);
    expect(await stored('person:cli-mixed-json-')).toHaveLength(0);

    const followed = follow(/^ {2}(newsroom ingest --encoding .*)$/m.exec(r.out)![1]);
    expect(followed.stdout).toMatch(/^element 1 \(line 2\) created\s+[0-9a-f-]{36}\s+position \d+$/m);
    expect(followed.stdout).toMatch(/^element 2 \(line \d+\) created\s+.* \(decoded as Windows-1252\)$/m);
    expect(followed.status).toBe(0);
    expect((await stored('person:cli-mixed-json-')).map((e) => [e.role, e.outlet])).toEqual([
      ['Directrice générale', 'Le Progrès'],
      ['Directrice générale', 'Le Progrès'],
    ]);
    // --encoding names the one it decodes; another is a usage error.
    const other = await newsroom(['ingest', '--encoding', 'shift_jis', file], env);
    expect(other.err).toMatch(/^error: --encoding shift_jis is not one the CLI decodes\n {2}--encoding windows-1252 is the one/m);
    expect(other.code).toBe(2);
  });

  it('ingest: progress follows the lines answered and ends at 100% with every line; a pretty JSON array is labelled by element', async () => {
    const file = join(tmp, 'progress.ndjson');
    writeFileSync(file, ndjson(Array.from({ length: 300 }, (_, i) => departedEnvelope({ subject: `person:cli-progress-${i}` }))));
    const r = await newsroom(['ingest', '--batch-size', '50', file], env);
    const progress = [...r.err.matchAll(/^progress: (\d+)% (\d+) lines/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(progress.at(-1)).toEqual([100, 300]);
    // Lines of one size: the percentage is the share of lines answered (never ahead of them).
    for (const [pct, n] of progress) expect(pct).toBeLessThanOrEqual(Math.floor((n / 300) * 100) + 1);
    expect(r.code).toBe(0);

    const pretty = join(tmp, 'pretty.json');
    writeFileSync(
      pretty,
      JSON.stringify([departedEnvelope({ subject: 'person:cli-pretty' }), departedEnvelope({ subject: 'nobody' })], null, 2),
    );
    const p = await newsroom(['ingest', pretty], env);
    expect(p.out).toMatch(/^element 1 \(line 2\) created\s/m);
    expect(p.out).toMatch(/^element 2 \(line 2\d\) rejected\s+\S+\s+REQUEST\.INVALID: subject/m);

    const ndjsonInJson = join(tmp, 'lines.json');
    writeFileSync(ndjsonInJson, ndjson([departedEnvelope(), departedEnvelope()]));
    const n = await newsroom(['ingest', ndjsonInJson], env);
    expect(n.out).toMatch(
      /^line 1\s+rejected\s+-\s+not JSON: .*; the file looks like NDJSON \(one envelope a line\): rename it to \.ndjson$/m,
    );
    expect(n.code).toBe(1);
  });

  it('ingest: the summary counts what the file holds, "1 line" or "3 elements"; an empty or blank file has nothing to ingest, 100% and exit 0', async () => {
    const one = join(tmp, 'one.ndjson');
    writeFileSync(one, ndjson([departedEnvelope({ subject: 'person:cli-count-one' })]));
    const r = await newsroom(['ingest', one], env);
    expect(r.out).toMatch(/^.*one\.ndjson: 1 line, 1 created, 0 duplicate, 0 rejected in \d+\.\d s \(\d+ lines\/s\)$/m);
    expect(r.err).toMatch(/^progress: 100% 1 line, /m);
    expect(r.code).toBe(0);

    // A pretty-printed array of three: some 50 lines of file, three elements.
    const arr = join(tmp, 'arr.json');
    writeFileSync(
      arr,
      JSON.stringify(
        [1, 2, 3].map((i) => departedEnvelope({ subject: `person:cli-count-${i}` })),
        null,
        2,
      ),
    );
    const a = await newsroom(['ingest', arr], env);
    expect(a.out).toMatch(/arr\.json: 3 elements, 3 created, 0 duplicate, 0 rejected in \d+\.\d s \(\d+ elements\/s\)$/m);
    expect(a.err).toMatch(/^progress: 100% 3 elements, \d+ elements\/s, ETA 0s$/m);
    expect(a.code).toBe(0);

    for (const [name, text] of [
      ['empty.ndjson', ''],
      ['blank.ndjson', '\n  \n\r\n'],
      ['empty.json', ''],
      ['none.json', '[]\n'],
    ]) {
      const file = join(tmp, name);
      writeFileSync(file, text);
      const e = await newsroom(['ingest', file], env);
      const noun = name.endsWith('.json') ? 'documents' : 'lines';
      expect({ name, err: e.err }).toEqual({ name, err: `progress: 100% 0 ${noun}, 0 ${noun}/s, ETA 0s\n` });
      expect(e.out).toMatch(
        new RegExp(
          `^\\S*${name.replace('.', '\\.')}: nothing to ingest \\(the file is empty or (holds only blank lines|an empty array)\\)\\n$`,
        ),
      );
      expect({ name, code: e.code }).toEqual({ name, code: 0 });
    }
  });

  it('usage errors: a directory to ingest, a report flag the report does not take, --inferred that is not a JSON list', async () => {
    const dir = await newsroom(['ingest', tmp], env);
    expect(dir.err).toMatch(/^error: .* is a directory\n {2}give the path of an \.ndjson or \.json file/m);
    expect(dir.err).not.toMatch(/EISDIR/);
    expect(dir.code).toBe(2);
    for (const [args, said] of [
      [['report', 'departures', '--subject', 'person:x'], '--subject applies to timeline, conflicts, not departures'],
      [
        ['report', 'conflicts', '--as-of', '2024'],
        '--as-of applies to leadership, departures, lawsuits, financials, timeline, sources, not conflicts',
      ],
      [
        ['report', 'sources', '--kind', 'x', '--metric', 'loss', '--party', 'org:x'],
        '--kind applies to conflicts, not sources; --metric applies to financials, not sources; --party applies to lawsuits, not sources',
      ],
    ] as const) {
      const r = await newsroom([...args], env);
      expect(r.err).toContain(`error: ${said}\n  newsroom report ${args[1]} takes `);
      expect(r.out).toBe('');
      expect(r.code).toBe(2);
    }
    const inferred = await newsroom(['correct', adaId, '--inferred', 'notjson', '--reason', 'x'], env);
    expect(inferred.err).toContain(`e.g. --inferred '[{"path":"occurredAt","note":"from the company"}]' (or '[]')`);
    expect(inferred.code).toBe(2);
  });
});
