import { randomUUID } from 'node:crypto';
import {
  decideRetraction,
  decodeStreamState,
  encodeStreamState,
  foldStream,
  NewEvent,
  STREAM_STATE_SCHEMA_VERSION,
  validateCorrectionRequest,
  validateRetractionRequest,
  validateSubmission,
} from '@newsroom/domain';
import { contentHash, isTransientStoreError, StreamContendedError } from '@newsroom/event-store';
import { metricsRegistry } from '@newsroom/platform';
import { departedEnvelope, eventToAppend, InMemoryEventStore, lawsuitFiledEnvelope, lawsuitStepEnvelope } from '@newsroom/testing';
import { CorrectEventCommand } from '../correct-event/correct-event.command';
import { CorrectEventHandler } from '../correct-event/correct-event.handler';
import { RetractEventCommand } from '../retract-event/retract-event.command';
import { RetractEventHandler } from '../retract-event/retract-event.handler';
import { EventWriter } from './event-writer.service';
import { recordIntent } from './intents.mapper';
import { toRecordedEvent } from './stored-to-recorded.mapper';
import { RequestMeta, WriteOutcome } from './write.types';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };
const CASE = 'case:musk-v-openai';

function valid<T>(result: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const filing = () => lawsuitFiledEnvelope(CASE);
const step = (status: string) => lawsuitStepEnvelope(CASE, status);

describe('EventWriter: the kept stream state', () => {
  let store: InMemoryEventStore;
  let writer: EventWriter;
  let correct: CorrectEventHandler;
  let retract: RetractEventHandler;
  const record = async (...envelopes: object[]): Promise<WriteOutcome[]> =>
    writer.write(
      envelopes.map((e) => recordIntent(valid(validateSubmission(e)))),
      meta,
      false,
    );
  const correction = (target: string, changes: object) =>
    correct.execute(new CorrectEventCommand(target, valid(validateCorrectionRequest({ changes, reason: 'fixed' })), meta));
  const retraction = (target: string) =>
    retract.execute(new RetractEventCommand(target, valid(validateRetractionRequest({ reason: 'wrong' })), meta));
  /** The state a fold of the whole stream gives, as it would be stored. */
  const folded = async (subject: string) =>
    JSON.parse(JSON.stringify(encodeStreamState(foldStream(subject, (await store.readStream(subject)).map(toRecordedEvent)))));

  beforeEach(() => {
    store = new InMemoryEventStore();
    writer = new EventWriter(store);
    correct = new CorrectEventHandler(store, writer);
    retract = new RetractEventHandler(store, writer);
  });

  it('given writes to a stream, then each append keeps the state of the whole stream at its version, compacted', async () => {
    const subject = 'person:kept-state';
    const [first] = await record(departedEnvelope({ subject }));
    await record(departedEnvelope({ subject, occurredAt: '2024-10' }), departedEnvelope({ subject, occurredAt: '2024-11' }));
    await correction(first.eventId!, { occurredAt: '2024-08' });
    await retraction(first.eventId!);
    const row = store.states.get(subject)!;
    expect(row).toMatchObject({ version: 5, schema: STREAM_STATE_SCHEMA_VERSION });
    expect(store.streamReads).toBe(0);
    expect(row.data).toEqual(await folded(subject));
    expect((row.data as { events: unknown[] }).events).toEqual([]); // story facts are not kept
  });

  it('given a stream with a kept state, when written, then no whole stream is read: the decision starts from the row', async () => {
    const subject = 'person:no-reads';
    const [first] = await record(departedEnvelope({ subject }));
    await record(...Array.from({ length: 20 }, () => departedEnvelope({ subject })));
    await correction(first.eventId!, { data: { reason: 'fired' } });
    await retraction(first.eventId!);
    expect(await correction(first.eventId!, { occurredAt: '2024' })).toMatchObject({
      status: 'rejected',
      error: { code: 'EVENT.RETRACTED' },
    });
    expect(store.streamReads).toBe(0);
  });

  it('given a case, then its rules see the steps still standing: a retracted dismissal lets the case go on, as on the whole stream', async () => {
    await record(filing());
    const [, dismissal] = await record(step('injunction_sought'), step('dismissed'));
    expect((await record(step('injunction_granted')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    await retraction(dismissal.eventId!);
    expect((await record(step('injunction_granted')))[0]).toMatchObject({ status: 'created', streamVersion: 5 });
    expect(store.states.get(CASE)!.data).toEqual(await folded(CASE));
    expect(store.states.get(CASE)!.data).toMatchObject({ lawsuit: { filed: true, status: 'injunction_granted' } });
  });

  it('given a correction of a step, then the case state follows it', async () => {
    await record(filing());
    const [settled] = await record(step('settled'));
    await correction(settled.eventId!, { data: { status: 'motion_filed' } });
    expect((await record(step('injunction_sought')))[0]).toMatchObject({ status: 'created' });
    expect(store.states.get(CASE)!.data).toEqual(await folded(CASE));
    expect(store.streamReads).toBe(1); // the check of `folded` above, never the writes
  });

  it('given no kept state (a stream recorded before the table), then the write folds the stream and the append writes the row', async () => {
    const subject = 'person:recorded-before';
    const [first] = await record(departedEnvelope({ subject }), departedEnvelope({ subject }));
    store.states.delete(subject);
    expect(await correction(first.eventId!, { data: { reason: 'fired' } })).toMatchObject({ status: 'created' });
    expect(store.streamReads).toBe(1);
    expect(store.states.get(subject)).toMatchObject({ version: 3, schema: STREAM_STATE_SCHEMA_VERSION });
    expect(store.states.get(subject)!.data).toEqual(await folded(subject));
    const reads = store.streamReads;
    await record(departedEnvelope({ subject }));
    expect(store.streamReads).toBe(reads);
  });

  it('given a row of an older state schema, then it is ignored: the stream is folded and the row rewritten under today’s', async () => {
    await record(filing());
    const [dismissal] = await record(step('dismissed'));
    const row = store.states.get(CASE)!;
    // An old row that, if it were believed, would let a step through on a closed case.
    store.states.set(CASE, {
      ...row,
      schema: STREAM_STATE_SCHEMA_VERSION - 1,
      data: { subject: CASE, version: 2, events: [], lawsuit: { filed: true, status: null } },
    });
    expect((await record(step('amended')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    expect(store.streamReads).toBe(1);
    await retraction(dismissal.eventId!);
    expect(store.streamReads).toBe(2); // still the old row: the rejected write appended nothing, so rewrote nothing
    expect(store.states.get(CASE)).toMatchObject({ version: 3, schema: STREAM_STATE_SCHEMA_VERSION });
    expect(store.states.get(CASE)!.data).toEqual(await folded(CASE));
  });

  it('given a row an append without a state left behind, then it is not believed', async () => {
    const subject = 'person:left-behind';
    const [first] = await record(departedEnvelope({ subject }));
    // Another writer (an older ingest during a deploy) retracts it without keeping the state.
    await store.appendMany([
      {
        streamId: subject,
        expectedVersion: 1,
        events: [eventToAppend({ type: 'event.retracted', data: { targetEventId: first.eventId, reason: 'x' }, occurredAt: null })],
      },
    ]);
    expect(store.states.get(subject)!.version).toBe(1);
    expect(await correction(first.eventId!, { occurredAt: '2024' })).toMatchObject({
      status: 'rejected',
      error: { code: 'EVENT.RETRACTED' },
    });
    expect(store.streamReads).toBe(1);
  });

  it('given an unreadable row, then it is not believed either', async () => {
    const subject = 'person:garbled';
    await record(departedEnvelope({ subject }));
    store.states.set(subject, { version: 1, schema: STREAM_STATE_SCHEMA_VERSION, data: { nonsense: true } });
    // As another instance (or this one restarted) reads it: this writer kept the row its own append wrote.
    writer = new EventWriter(store);
    expect((await record(departedEnvelope({ subject })))[0]).toMatchObject({ status: 'created', streamVersion: 2 });
    expect(store.streamReads).toBe(1);
    expect(decodeStreamState(subject, store.states.get(subject)!.data, STREAM_STATE_SCHEMA_VERSION)).toMatchObject({ version: 2 });
  });

  it('given a target in another stream, when a write on this stream names it, then EVENT.NOT_FOUND, as on the whole stream', async () => {
    const [elsewhere] = await record(departedEnvelope());
    const subject = 'person:here';
    await record(departedEnvelope({ subject }));
    const req = valid(validateRetractionRequest({ reason: 'x' }));
    const [outcome] = await writer.write(
      [
        {
          eventId: randomUUID(),
          idFromClient: false,
          contentHash: 'h',
          subject,
          namedEvents: [elsewhere.eventId!],
          decide: (state) => decideRetraction(state, elsewhere.eventId!, req),
        },
      ],
      meta,
      true,
    );
    expect(outcome).toMatchObject({ status: 'rejected', error: { code: 'EVENT.NOT_FOUND' } });
  });
});

describe('EventWriter: many writers on one subject', () => {
  const record = (writer: EventWriter, envelope: object) => writer.write([recordIntent(valid(validateSubmission(envelope)))], meta, false);

  it('given 60 writes to one subject at once, then each is recorded at its own version and none loses a race', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    let lost = 0;
    const append = store.appendMany.bind(store);
    store.appendMany = async (requests) => {
      try {
        return await append(requests);
      } catch (error) {
        lost++;
        throw error;
      }
    };
    const subject = 'person:busy';
    const outcomes = (await Promise.all(Array.from({ length: 60 }, () => record(writer, departedEnvelope({ subject }))))).flat();
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 'created'));
    expect(outcomes.map((o) => (o.status === 'rejected' ? 0 : o.streamVersion)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(lost).toBe(0);
  });

  it('given another instance appending before every append, then the write retries and gives up transient (503), recording nothing', async () => {
    const store = new InMemoryEventStore();
    const subject = 'person:contended';
    store.beforeAppend = async () => {
      await store.appendMany([{ streamId: subject, expectedVersion: 'any', events: [eventToAppend()] }]);
    };
    const writer = new EventWriter(store, undefined, { minAttempts: 4, budgetMs: 30, maxPauseMs: 5 });
    const envelope = departedEnvelope({ subject });
    const error = await record(writer, envelope).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamContendedError);
    expect(isTransientStoreError(error)).toBe(true);
    expect((error as StreamContendedError).attempts).toBeGreaterThanOrEqual(4);
    expect(await store.findEvent((envelope as { id: string }).id)).toBeNull();
  });

  it('given a stream another instance wrote once meanwhile, then the retry decides on the new state and records', async () => {
    const store = new InMemoryEventStore();
    const subject = 'person:raced-once';
    let raced = false;
    store.beforeAppend = async () => {
      if (raced) return;
      raced = true;
      await store.appendMany([{ streamId: subject, expectedVersion: 'any', events: [eventToAppend()] }]);
    };
    const [outcome] = await record(new EventWriter(store), departedEnvelope({ subject }));
    expect(outcome).toMatchObject({ status: 'created', streamVersion: 2 });
  });
});

describe('EventWriter: the streams it keeps', () => {
  const record = (writer: EventWriter, ...envelopes: object[]) =>
    writer.write(
      envelopes.map((e) => recordIntent(valid(validateSubmission(e)))),
      meta,
      false,
    );

  it('given a stream it appended to, when written again, then it reads nothing and keeps the same row a read would have given', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    await record(writer, filing());
    expect(store.stateReads).toBe(1);
    const outcomes = await record(writer, step('injunction_sought'), step('dismissed'));
    expect(store.stateReads).toBe(1);
    // Refused on the kept row, a write with a client id is decided again after the read (a replay would be answered as one).
    expect((await record(writer, step('injunction_granted')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    expect(store.stateReads).toBe(2);
    expect(outcomes.map((o) => (o.status === 'rejected' ? 0 : o.streamVersion))).toEqual([2, 3]);
    const fold = foldStream(CASE, (await store.readStream(CASE)).map(toRecordedEvent));
    expect(store.states.get(CASE)!.data).toEqual(JSON.parse(JSON.stringify(encodeStreamState(fold))));
  });

  it('given another writer moved the stream on, then the append fails on its version, and the write reads and decides on the new state', async () => {
    const store = new InMemoryEventStore();
    const [here, there] = [new EventWriter(store), new EventWriter(store)];
    await record(here, filing());
    await record(there, step('dismissed'));
    expect((await record(here, step('injunction_granted')))[0]).toMatchObject({ status: 'rejected', error: { code: 'CASE.CLOSED' } });
    expect((await record(here, step('appealed')))[0]).toMatchObject({ status: 'created', streamVersion: 3 });
    expect(store.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('given a client id sent again on a kept stream, then it is a replay (or a 409 for other content), and the next client ids are read first', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    const subject = 'person:replayed';
    const envelope = departedEnvelope({ subject });
    const [first] = await record(writer, envelope);
    await record(writer, departedEnvelope({ subject }));
    expect(await record(writer, envelope)).toEqual([{ ...first, status: 'duplicate' }]);
    expect((await record(writer, { ...envelope, occurredAt: '2023' }))[0]).toMatchObject({
      error: { status: 409, code: 'EVENT.ID_CONFLICT' },
    });
    const reads = store.stateReads;
    await record(writer, departedEnvelope({ subject }));
    expect(store.stateReads).toBe(reads + 1);
    expect(store.events).toHaveLength(3);
  });

  it('given a replay its stream’s rules would now refuse, then it is still a replay', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    const dismissal = step('dismissed');
    await record(writer, filing());
    const [first] = await record(writer, dismissal);
    expect(await record(writer, dismissal)).toEqual([{ ...first, status: 'duplicate' }]);
  });

  it('given writes on kept streams, then /metrics counts their attempts by where the state came from', async () => {
    const count = async (source: string) =>
      (await metricsRegistry.getSingleMetric('ingest_write_states_total')!.get()).values.find((v) => v.labels.source === source)?.value ??
      0;
    const [read, kept] = [await count('read'), await count('kept')];
    const writer = new EventWriter(new InMemoryEventStore());
    for (let i = 0; i < 3; i++) await record(writer, departedEnvelope({ subject: 'person:counted' }));
    expect([(await count('read')) - read, (await count('kept')) - kept]).toEqual([1, 2]);
  });

  it('given keptStreams 0, then every write reads', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store, undefined, undefined, 0);
    for (let i = 0; i < 3; i++) await record(writer, departedEnvelope({ subject: 'person:unkept' }));
    expect(store.stateReads).toBe(3);
  });
});

describe('EventWriter: one content, one fingerprint', () => {
  const intentOf = (envelope: object) => recordIntent(valid(validateSubmission(envelope)));

  it('given an event sent with inferred: [], when retried with no inferred (or the other way), then it is a duplicate', async () => {
    const writer = new EventWriter(new InMemoryEventStore());
    const envelope = departedEnvelope();
    const [first] = await writer.write([intentOf({ ...envelope, inferred: [] })], meta, true);
    const [again] = await writer.write([intentOf(envelope)], meta, true);
    expect([first.status, again.status]).toEqual(['created', 'duplicate']);
    const other = departedEnvelope();
    await writer.write([intentOf(other)], meta, true);
    expect((await writer.write([intentOf({ ...other, inferred: [] })], meta, true))[0].status).toBe('duplicate');
  });

  it('given an event recorded under the old fingerprint of inferred: [], when retried either way, then it is a duplicate, and other content still conflicts', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    const envelope = departedEnvelope();
    const { id: _id, ...content } = valid(validateSubmission({ ...envelope, inferred: [] }));
    const legacy = { ...intentOf(envelope), contentHash: contentHash({ ...content, modality: content.modality ?? 'reported' }) };
    expect((await writer.write([legacy], meta, true))[0].status).toBe('created');
    expect((await writer.write([intentOf(envelope)], meta, true))[0].status).toBe('duplicate');
    expect((await writer.write([intentOf({ ...envelope, inferred: [] })], meta, true))[0].status).toBe('duplicate');
    expect((await writer.write([intentOf({ ...envelope, occurredAt: '2023' })], meta, true))[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'EVENT.ID_CONFLICT' },
    });
  });

  it('given an event recorded before text was stored trimmed (its role and hash as sent), when the same import runs again, then it is a duplicate, and another role still conflicts', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    const envelope = departedEnvelope();
    const sent = { ...envelope, data: { ...envelope.data, role: '  Chief  Technology Officer ' } };
    // As the writer recorded it then: the data as sent, the fingerprint of it.
    const { id: _id, ...content } = { ...sent, modality: 'reported' };
    const now = intentOf(sent);
    const legacy = {
      ...now,
      contentHash: contentHash(content),
      decide: (state: Parameters<typeof now.decide>[0], at: Date) => ({ ...now.decide(state, at), data: sent.data }) as NewEvent,
    };
    expect((await writer.write([legacy], meta, true))[0].status).toBe('created');
    expect((await store.readStream(envelope.subject))[0].data).toMatchObject({ role: '  Chief  Technology Officer ' });
    expect((await writer.write([intentOf(sent)], meta, true))[0].status).toBe('duplicate');
    expect(
      (await writer.write([intentOf({ ...envelope, data: { ...envelope.data, role: 'Chief Technology Officer' } })], meta, true))[0].status,
    ).toBe('duplicate');
    expect(
      (await writer.write([intentOf({ ...envelope, data: { ...envelope.data, role: 'Chief Research Officer' } })], meta, true))[0],
    ).toMatchObject({
      status: 'rejected',
      error: { code: 'EVENT.ID_CONFLICT' },
    });
  });
});
