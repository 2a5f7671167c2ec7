import { randomUUID } from 'node:crypto';
import {
  compactStreamState,
  decodeStreamState,
  foldStream,
  STREAM_STATE_SCHEMA_VERSION,
  validateCorrectionRequest,
  validateEntityAliasRequest,
  validateRetractionRequest,
  validateSubmission,
} from '@newsroom/domain';
import { PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, headcountEnvelope, lawsuitFiledEnvelope, lawsuitStepEnvelope, TestDatabase } from '@newsroom/testing';
import { Pool, PoolClient } from 'pg';
import { RecordEntityAliasCommand } from '../src/entities/record-entity-alias/record-entity-alias.command';
import { RecordEntityAliasHandler } from '../src/entities/record-entity-alias/record-entity-alias.handler';
import { CorrectEventCommand } from '../src/events/correct-event/correct-event.command';
import { CorrectEventHandler } from '../src/events/correct-event/correct-event.handler';
import { RetractEventCommand } from '../src/events/retract-event/retract-event.command';
import { RetractEventHandler } from '../src/events/retract-event/retract-event.handler';
import { EventWriter } from '../src/events/shared/event-writer.service';
import { recordIntent } from '../src/events/shared/intents.mapper';
import { toRecordedEvent } from '../src/events/shared/stored-to-recorded.mapper';
import { RequestMeta, WriteOutcome } from '../src/events/shared/write.types';

const meta: RequestMeta = { correlationId: 'stream-state-test', causationId: null, actor: 'test' };
const BUSY = 'org:busy';
const PREFILL = 20_000;
/** Every this many prefilled events, an alias name of the organization (so the fold of the prefill has entity state). */
const ALIAS_EVERY = 5_000;

function valid<T>(result: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

/** The outcome of a write that must have recorded its event. */
function created(outcome: WriteOutcome): Extract<WriteOutcome, { status: 'created' | 'duplicate' }> {
  if (outcome.status === 'rejected') throw new Error(`rejected: ${JSON.stringify(outcome.error)}`);
  return outcome;
}

/** Rows of event_store.events a piece of work read, from the statistics of the transaction it ran in. */
interface EventsTouched {
  seqScans: number;
  rowsRead: number;
}

/** The backend's counters of event_store.events (sequential scans, rows they read, rows fetched through indexes). */
async function eventsCounters(client: PoolClient): Promise<EventsTouched> {
  const { rows } = await client.query(
    `SELECT seq_scan, seq_tup_read, coalesce(idx_tup_fetch, 0) AS idx_tup_fetch FROM pg_stat_xact_user_tables
      WHERE relid = 'event_store.events'::regclass`,
  );
  return { seqScans: Number(rows[0].seq_scan), rowsRead: Number(rows[0].seq_tup_read) + Number(rows[0].idx_tup_fetch) };
}

/**
 * The ingest write path (store, writer, handlers) on one connection inside one transaction, so that the counters of
 * `pg_stat_xact_user_tables`, taken before and after, differ by exactly the rows of `event_store.events` the write's
 * statements read: sequential scans' rows and rows fetched through indexes, inside append_group too. (Since
 * Postgres 15 those counters also hold earlier transactions of the session not yet flushed to the shared
 * statistics, hence the difference; nothing is flushed inside a transaction.)
 */
async function measured<T>(db: TestDatabase, work: (w: { writer: EventWriter; store: PgEventStore }) => Promise<T>) {
  const client: PoolClient = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const before = await eventsCounters(client);
    const store = new PgEventStore({ query: (sql: string, params?: unknown[]) => client.query(sql, params) } as unknown as Pool);
    const result = await work({ writer: new EventWriter(store), store });
    const after = await eventsCounters(client);
    await client.query('COMMIT');
    const touched: EventsTouched = { seqScans: after.seqScans - before.seqScans, rowsRead: after.rowsRead - before.rowsRead };
    return { result, touched };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

describe('ingest writes on a kept stream state (event_store.stream_states) against the real Postgres', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let writer: EventWriter;
  let correct: CorrectEventHandler;
  let retract: RetractEventHandler;
  let aliases: RecordEntityAliasHandler;
  let prefilled: string[];

  const record = (...envelopes: object[]) =>
    writer.write(
      envelopes.map((e) => recordIntent(valid(validateSubmission(e)))),
      meta,
      false,
    );
  const correction = (target: string, changes: object) =>
    correct.execute(new CorrectEventCommand(target, valid(validateCorrectionRequest({ changes, reason: 'fixed' })), meta));
  const retraction = (target: string) =>
    retract.execute(new RetractEventCommand(target, valid(validateRetractionRequest({ reason: 'wrong' })), meta));
  const alias = (subject: string, body: object, removal = false) =>
    aliases.execute(new RecordEntityAliasCommand(subject, valid(validateEntityAliasRequest(body)), removal, meta));
  const row = async (subject: string) =>
    (await db.pool.query('SELECT version, state_schema, state FROM event_store.stream_states WHERE stream_id = $1', [subject])).rows[0] as
      { version: number; state_schema: number; state: unknown } | undefined;
  /** The whole stream folded, compacted: what the row must hold. */
  const folded = async (subject: string) => compactStreamState(foldStream(subject, (await store.readStream(subject)).map(toRecordedEvent)));

  beforeAll(async () => {
    db = await createTestDatabase('stream_state');
    store = new PgEventStore(db.pool);
    writer = new EventWriter(store);
    correct = new CorrectEventHandler(store, writer);
    retract = new RetractEventHandler(store, writer);
    aliases = new RecordEntityAliasHandler(store, writer);
    // A busy subject recorded before there were kept states: 20,000 events written in SQL, no row.
    await db.pool.query(
      `INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, data, sources, content_hash)
       SELECT gen_random_uuid(), $1, v,
         CASE WHEN v % $3 = 0 THEN 'entity.aliased' ELSE 'headcount.reported' END, 1,
         CASE WHEN v % $3 = 0 THEN NULL ELSE '2024-10' END, clock_timestamp(),
         CASE WHEN v % $3 = 0 THEN jsonb_build_object('name', 'Busy ' || v) ELSE jsonb_build_object('total', v) END,
         CASE WHEN v % $3 = 0 THEN '[]'::jsonb ELSE '[{"outlet":"Example Daily","language":"en"}]'::jsonb END, 'h'
       FROM generate_series(1, $2::int) AS v`,
      [BUSY, PREFILL, ALIAS_EVERY],
    );
    await db.pool.query('INSERT INTO event_store.streams (stream_id, version) VALUES ($1, $2)', [BUSY, PREFILL]);
    await db.pool.query('ANALYZE event_store.events');
    prefilled = (
      await db.pool.query('SELECT event_id FROM event_store.events WHERE stream_id = $1 AND stream_version <= 10 ORDER BY stream_version', [
        BUSY,
      ])
    ).rows.map((r: { event_id: string }) => r.event_id);
  });
  afterAll(() => db.drop());

  it('given a 20,000-event stream with no kept state, then the first write folds it (reads every event) and keeps the state', async () => {
    expect(await row(BUSY)).toBeUndefined();
    const { result, touched } = await measured(db, ({ writer: w }) =>
      w.write([recordIntent(valid(validateSubmission(headcountEnvelope(1700, { subject: BUSY }))))], meta, true),
    );
    expect(result[0]).toMatchObject({ status: 'created', streamVersion: PREFILL + 1 });
    expect(touched.rowsRead).toBeGreaterThanOrEqual(PREFILL);
    expect(await row(BUSY)).toMatchObject({ version: PREFILL + 1, state_schema: STREAM_STATE_SCHEMA_VERSION });
  });

  it('given the kept state, then a write on the 20,000-event stream reads a handful of rows of the log, and none by a sequential scan', async () => {
    for (const envelope of [headcountEnvelope(1800, { subject: BUSY }), headcountEnvelope(1900, { subject: BUSY, id: randomUUID() })]) {
      const { result, touched } = await measured(db, ({ writer: w }) =>
        w.write([recordIntent(valid(validateSubmission(envelope)))], meta, true),
      );
      expect(result[0].status).toBe('created');
      expect(touched).toEqual({ seqScans: 0, rowsRead: expect.any(Number) });
      expect(touched.rowsRead).toBeLessThanOrEqual(2);
    }
    // A correction reads its target and what amended it: still a handful.
    const { result, touched } = await measured(db, ({ writer: w, store: s }) =>
      new CorrectEventHandler(s, w).execute(
        new CorrectEventCommand(prefilled[0], valid(validateCorrectionRequest({ changes: { data: { total: 10 } }, reason: 'r' })), meta),
      ),
    );
    expect(result.status).toBe('created');
    expect(touched.seqScans).toBe(0);
    expect(touched.rowsRead).toBeLessThanOrEqual(6); // target lookup, its read-back, the named events, the new event's read-back
  });

  it('given a mix of records, corrections, retractions, aliases, attached duplicates and racing writers, then the row equals a fold of the whole stream', async () => {
    await correction(prefilled[1], { occurredAt: '2023' });
    await correction(prefilled[1], { data: { total: 20 } }); // the prefill's total is 2: a real change
    await retraction(prefilled[1]);
    expect(await correction(prefilled[1], { occurredAt: '2022' })).toMatchObject({
      status: 'rejected',
      error: { code: 'EVENT.RETRACTED' },
    });
    await retraction(prefilled[2]);
    // Alias names: the prefill's are known from the fold, so adding one again is refused from the row.
    expect(await alias(BUSY, { name: `Busy ${ALIAS_EVERY}`, reason: 'r' })).toMatchObject({
      status: 'rejected',
      error: { code: 'ENTITY.ALIAS_EXISTS' },
    });
    await alias(BUSY, { name: `Busy ${ALIAS_EVERY}`, reason: 'r' }, true);
    await alias(BUSY, { name: 'Busy Corp', reason: 'r' });
    // A merge of another subject into the busy one checks the busy one's kept state (it is not merged anywhere).
    expect(await alias(BUSY, { subject: 'org:busy-inc', reason: 'same' })).toMatchObject({ status: 'created' });
    // Eight writers at once on the same stream: version conflicts, retried on the kept state.
    const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => record(headcountEnvelope(2000 + i, { subject: BUSY }))));
    expect(racing.map(([o]) => o.status)).toEqual(Array(8).fill('created'));
    // A batch with a duplicate of an earlier event and a new one.
    const again = headcountEnvelope(3000, { subject: BUSY });
    await record(again);
    expect((await record(again, headcountEnvelope(3001, { subject: BUSY }))).map((o) => o.status)).toEqual(['duplicate', 'created']);

    const kept = await row(BUSY);
    const version = (await store.readStream(BUSY, PREFILL)).at(-1)!.streamVersion;
    expect(kept).toMatchObject({ version, state_schema: STREAM_STATE_SCHEMA_VERSION });
    expect(decodeStreamState(BUSY, kept!.state, kept!.state_schema)).toEqual(await folded(BUSY));
  });

  it('given a case, then the kept state follows its steps, their corrections and retractions', async () => {
    const CASE = 'case:busy-v-openai';
    const step = (status: string) => ({
      type: 'lawsuit.status_changed',
      subject: CASE,
      occurredAt: '2024-11',
      data: { status },
      sources: [{ outlet: 'Example Daily', language: 'en' }],
    });
    await record({
      type: 'lawsuit.filed',
      subject: CASE,
      occurredAt: '2024-08',
      data: { title: 'Busy v. OpenAI', plaintiffs: ['org:busy'], defendants: ['org:openai'], claims: ['breach'] },
      sources: [{ outlet: 'Example Daily', language: 'en' }],
    });
    const [sought, dismissed] = await record(step('injunction_sought'), step('dismissed'));
    expect((await record(step('ruled')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    await correction(dismissed.eventId!, { data: { status: 'motion_filed' } });
    await record(step('dismissed'));
    await retraction(sought.eventId!);
    const [last] = await record(step('appealed'));
    expect(last.status).toBe('created');
    const kept = await row(CASE);
    expect(decodeStreamState(CASE, kept!.state, kept!.state_schema)).toEqual(await folded(CASE));
    expect(kept!.state).toMatchObject({ lawsuit: { filed: true, status: 'appealed' } });
  });

  it('given a row of an older state schema, then it is ignored: the write folds the stream, rewrites the row, and the next write reads a handful again', async () => {
    await db.pool.query('UPDATE event_store.stream_states SET state_schema = state_schema - 1 WHERE stream_id = $1', [BUSY]);
    const first = await measured(db, ({ writer: w }) =>
      w.write([recordIntent(valid(validateSubmission(headcountEnvelope(4000, { subject: BUSY }))))], meta, true),
    );
    expect(first.result[0].status).toBe('created');
    expect(first.touched.rowsRead).toBeGreaterThanOrEqual(PREFILL);
    const kept = await row(BUSY);
    expect(kept).toMatchObject({ version: created(first.result[0]).streamVersion, state_schema: STREAM_STATE_SCHEMA_VERSION });
    expect(decodeStreamState(BUSY, kept!.state, kept!.state_schema)).toEqual(await folded(BUSY));

    const next = await measured(db, ({ writer: w }) =>
      w.write([recordIntent(valid(validateSubmission(headcountEnvelope(4001, { subject: BUSY }))))], meta, true),
    );
    expect(next.touched).toEqual({ seqScans: 0, rowsRead: expect.any(Number) });
    expect(next.touched.rowsRead).toBeLessThanOrEqual(2);
  });

  it("given a case kept before the rumour rules (a row of schema 2: its rumoured settlement read as closing), then it is judged again: the tester's reported dismissal is created", async () => {
    const subject = `case:kept-rumour-${randomUUID()}`;
    const write = (envelope: object) => record(envelope);
    await write(lawsuitFiledEnvelope(subject));
    await write(lawsuitStepEnvelope(subject, 'settled', { occurredAt: '2024-09', modality: 'rumored' }));
    // What an ingest before the rumour rules kept: the settlement as any step (no `rumored`, no words), the case settled.
    const kept = (await row(subject))!;
    const old = kept.state as { events: Array<[string, Record<string, unknown>]>; lawsuit: { status: string | null } };
    const before = {
      ...old,
      events: old.events.map(([id, e]) => [id, Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'rumored' && k !== 'words'))]),
      lawsuit: { ...old.lawsuit, status: 'settled' },
    };
    const keep = (schema: number) =>
      db.pool.query('UPDATE event_store.stream_states SET state = $2, state_schema = $3 WHERE stream_id = $1', [subject, before, schema]);
    const dismissal = lawsuitStepEnvelope(subject, 'dismissed', { occurredAt: '2024-10' });
    // Believed (as if written under today's schema), that row would refuse the dismissal: the rules read what it holds.
    await keep(STREAM_STATE_SCHEMA_VERSION);
    expect((await write({ ...dismissal, id: randomUUID() }))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    // Under its own schema number it is not believed: the stream is folded again with the rumour rules.
    await keep(STREAM_STATE_SCHEMA_VERSION - 1);
    expect((await write(dismissal))[0]).toMatchObject({ status: 'created', streamVersion: 3 });
    const now = (await row(subject))!;
    expect(now.state_schema).toBe(STREAM_STATE_SCHEMA_VERSION);
    expect(decodeStreamState(subject, now.state, now.state_schema)).toEqual(await folded(subject));
    expect(now.state).toMatchObject({ lawsuit: { filed: true, status: 'dismissed' } });
  });

  it('given two instances writing one case in turn, then each decides on what the other appended, and replays on kept streams are answered as replays', async () => {
    const subject = `case:two-instances-${randomUUID()}`;
    const other = new EventWriter(new PgEventStore(db.pool));
    const write = (w: EventWriter, envelope: object) => w.write([recordIntent(valid(validateSubmission(envelope)))], meta, false);
    const step = (status: string) => lawsuitStepEnvelope(subject, status);
    await write(writer, lawsuitFiledEnvelope(subject));
    await write(writer, step('injunction_sought')); // this instance now keeps the case at version 2
    const dismissal = step('dismissed');
    expect((await write(other, dismissal))[0]).toMatchObject({ status: 'created', streamVersion: 3 });
    // Decided on version 2, the append fails on the version; read again, the case is closed.
    expect((await write(writer, step('injunction_granted')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    expect((await write(writer, dismissal))[0]).toMatchObject({ status: 'duplicate', streamVersion: 3 });
    const kept = (await row(subject))!;
    expect(decodeStreamState(subject, kept.state, kept.state_schema)).toEqual(await folded(subject));

    // Kept streams written at once, one of them with a replay: the replay's reused id fails its group's statement,
    // the others are committed on their own, and the replay is answered as one.
    const people = Array.from({ length: 6 }, (_, i) => `org:kept-${i}-${randomUUID()}`);
    const firsts = await Promise.all(
      people.map((p) => headcountEnvelope(1, { subject: p })).map(async (e) => [e, (await record(e))[0]] as const),
    );
    const again = await Promise.all([
      record(firsts[0][0]),
      ...people.slice(1).map((p, i) => record(headcountEnvelope(10 + i, { subject: p }))),
    ]);
    expect(again[0][0]).toMatchObject({ status: 'duplicate', eventId: firsts[0][1].eventId, streamVersion: 1 });
    expect(again.slice(1).map(([o]) => o)).toEqual(
      people.slice(1).map(() => expect.objectContaining({ status: 'created', streamVersion: 2 })),
    );
  });

  it('given an append that kept no state (an older ingest during a deploy), then the row left behind is not believed', async () => {
    const target = created((await record(headcountEnvelope(5000, { subject: BUSY })))[0]);
    const version = target.streamVersion;
    await store.append({
      streamId: BUSY,
      expectedVersion: version,
      events: [
        {
          eventId: randomUUID(),
          type: 'event.retracted',
          schemaVersion: 1,
          occurredAt: null,
          occurredStart: null,
          occurredEnd: null,
          data: { targetEventId: target.eventId, reason: 'x' },
          sources: [],
          modality: 'reported',
          metadata: { correlationId: 'old-ingest', causationId: null, actor: 'test' },
          contentHash: 'h',
        },
      ],
    });
    expect((await row(BUSY))!.version).toBe(version);
    const { result, touched } = await measured(db, ({ writer: w, store: s }) =>
      new CorrectEventHandler(s, w).execute(
        new CorrectEventCommand(target.eventId, valid(validateCorrectionRequest({ changes: { data: { total: 1 } }, reason: 'r' })), meta),
      ),
    );
    expect(result).toMatchObject({ status: 'rejected', error: { code: 'EVENT.RETRACTED' } });
    expect(touched.rowsRead).toBeGreaterThanOrEqual(PREFILL);
  });
});
