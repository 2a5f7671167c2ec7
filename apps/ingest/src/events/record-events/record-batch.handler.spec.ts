import { randomUUID } from 'node:crypto';
import { contentHash, EventStoreUnavailableError } from '@newsroom/event-store';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../shared/event-writer.service';
import { RequestMeta } from '../shared/write.types';
import { RecordBatchCommand } from './record-batch.command';
import { BATCH_ERRORS_BUDGET, RecordBatchHandler } from './record-batch.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

describe('RecordBatchHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let handler: RecordBatchHandler;
  const record = (items: unknown[], key?: string) => handler.execute(new RecordBatchCommand(items, meta, key));

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new RecordBatchHandler(new EventWriter(store));
  });

  it('given valid and invalid items, then each has its result in order, the invalid echo their id, and the counts add up', async () => {
    const good = departedEnvelope();
    const bad = { ...departedEnvelope(), occurredAt: 'yesterday' };
    const result = await record([good, bad, 'not an object']);
    expect(result.results[0]).toMatchObject({ index: 0, id: good.id, status: 'created', streamVersion: 1 });
    expect(result.results[1]).toMatchObject({
      index: 1,
      id: bad.id,
      status: 'rejected',
      error: { status: 400, code: 'REQUEST.INVALID', errors: [expect.objectContaining({ path: 'occurredAt' })] },
    });
    expect(result.results[2]).toMatchObject({ index: 2, id: null, status: 'rejected', error: { code: 'REQUEST.INVALID' } });
    expect(result).toMatchObject({ created: 1, duplicates: 0, rejected: 2 });
    expect(store.events).toHaveLength(1);
  });

  it('given 1,000 items each refused on many fields, then the answer lists field errors up to its budget, in order, and counts the rest per item', async () => {
    const refused = (i: number) => ({
      ...departedEnvelope(),
      occurredAt: 'yesterday',
      data: { role: 'x'.repeat(300), [`nope${i}`]: 1 },
      sources: 'none',
    });
    const result = await record(Array.from({ length: 1000 }, (_, i) => refused(i)));
    expect(result.rejected).toBe(1000);
    const listed = result.results.filter((r) => r.status === 'rejected' && r.error.errors);
    const counted = result.results.filter((r) => r.status === 'rejected' && !r.error.errors);
    expect(listed.length).toBeGreaterThan(0);
    expect(counted.length).toBeGreaterThan(0);
    // The listed ones come first; each counted one still says what it is and how many errors it had.
    expect(result.results.findIndex((r) => r.status === 'rejected' && !r.error.errors)).toBe(listed.length);
    expect(JSON.stringify(listed.map((r) => r.status === 'rejected' && r.error.errors)).length).toBeLessThanOrEqual(
      BATCH_ERRORS_BUDGET + 2 * listed.length,
    );
    const first = listed[0].status === 'rejected' ? listed[0].error.errors!.length : 0;
    expect(counted[0]).toMatchObject({
      status: 'rejected',
      error: { status: 400, code: 'REQUEST.INVALID', message: 'The event does not match the schema.', errorsOmitted: first },
    });
    expect(JSON.stringify(result).length).toBeLessThan(BATCH_ERRORS_BUDGET + 1000 * 200);
  });

  it('given a refused item whose id is not a UUID, then its result says null (the index names it), as the schema says', async () => {
    const result = await record([
      { ...departedEnvelope(), id: 'x'.repeat(5000) },
      { ...departedEnvelope(), id: 42 },
    ]);
    expect(result.results.map((r) => [r.index, r.id, r.status])).toEqual([
      [0, null, 'rejected'],
      [1, null, 'rejected'],
    ]);
    expect(result.results[0]).toMatchObject({ error: { errors: [expect.objectContaining({ path: 'id' })] } });
  });

  it('given the same batch twice, then the second answers every item as a duplicate and records nothing', async () => {
    const items = [departedEnvelope(), departedEnvelope()];
    const first = await record(items);
    const second = await record(items);
    expect(second).toMatchObject({ created: 0, duplicates: 2, rejected: 0 });
    expect(second.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(store.events).toHaveLength(2);
  });

  it('given an id reused for other content, then that item is a 409 conflict and the rest stand', async () => {
    const recorded = departedEnvelope();
    await record([recorded]);
    const result = await record([{ ...recorded, occurredAt: '2024-10' }, departedEnvelope()]);
    expect(result.results[0]).toMatchObject({
      status: 'rejected',
      id: recorded.id,
      error: { status: 409, code: 'EVENT.ID_CONFLICT', message: expect.any(String) },
    });
    expect(result.results[1].status).toBe('created');
    expect(store.events).toHaveLength(2);
  });

  it('given a rule broken by one item, then it is rejected with the rule and the others are recorded', async () => {
    const ruled = {
      id: randomUUID(),
      type: 'lawsuit.status_changed',
      subject: `case:none-${randomUUID().slice(0, 6)}`,
      occurredAt: '2024-08',
      data: { status: 'dismissed' },
      sources: [{ outlet: 'Example', language: 'en' }],
    };
    const result = await record([ruled, departedEnvelope()]);
    expect(result.results[0]).toMatchObject({ id: ruled.id, status: 'rejected', error: { status: 422, code: 'CASE.NOT_FILED' } });
    expect(result).toMatchObject({ created: 1, rejected: 1 });
  });

  it('given an Idempotency-Key, then an item refused by a rule has its own id, or null without one: never the derived id nothing was recorded under', async () => {
    const key = randomUUID();
    const unfiled = {
      type: 'lawsuit.status_changed',
      subject: `case:none-${randomUUID().slice(0, 6)}`,
      occurredAt: '2024-08',
      data: { status: 'dismissed' },
      sources: [{ outlet: 'Example', language: 'en' }],
    };
    const own = { ...unfiled, id: randomUUID().toUpperCase() };
    const { id: _k, ...keyed } = departedEnvelope();
    const result = await record([unfiled, own, keyed, { ...keyed, occurredAt: 'yesterday' }], key);
    expect(result.results.map((r) => [r.status, r.status === 'rejected' ? r.error.code : null, r.id])).toEqual([
      ['rejected', 'CASE.NOT_FILED', null],
      ['rejected', 'CASE.NOT_FILED', own.id],
      ['created', null, expect.stringMatching(/^[0-9a-f-]{36}$/)],
      ['rejected', 'REQUEST.INVALID', null],
    ]);
    expect(store.events.map((e) => e.eventId)).toEqual([result.results[2].id]);
  });

  it('given an Idempotency-Key reused for other content at a place, then the 409 names the key the client sent and the place, not the derived id', async () => {
    const key = randomUUID();
    const { id: _id, ...first } = departedEnvelope();
    const { id: _o, ...other } = departedEnvelope();
    const sent = await record([other, first], key);
    const again = await record([other, { ...first, occurredAt: '2024-10' }], key);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'rejected']);
    const refused = again.results[1];
    expect(refused).toMatchObject({
      index: 1,
      id: null,
      error: {
        status: 409,
        code: 'EVENT.ID_CONFLICT',
        message: `Idempotency-Key ${key} at events[1] was already used for different content`,
        errors: [{ path: 'Idempotency-Key' }],
      },
    });
    expect(refused.status === 'rejected' && refused.error.message).not.toContain(sent.results[1].id!);
  });
  describe('an item refused today that an earlier release recorded', () => {
    // As that release recorded it: the data as sent (a role with a TAB), the fingerprint it took of it.
    const recordTheOldWay = async (envelope: ReturnType<typeof departedEnvelope>) => {
      const { id, ...content } = envelope;
      await store.appendMany([
        {
          streamId: envelope.subject,
          expectedVersion: 'any',
          events: [
            {
              eventId: id,
              type: envelope.type,
              schemaVersion: 1,
              occurredAt: envelope.occurredAt,
              occurredStart: null,
              occurredEnd: null,
              data: envelope.data,
              sources: envelope.sources,
              modality: 'reported',
              metadata: { correlationId: 'old', causationId: null, actor: 'test' },
              contentHash: contentHash(content),
            },
          ],
        },
      ]);
    };
    const withTab = () => {
      const e = departedEnvelope();
      return { ...e, data: { ...e.data, role: 'Head\tof Legal' } };
    };

    it('given the same body again, then it is a duplicate with the stored place; another body under its id keeps its 400', async () => {
      const old = withTab();
      await recordTheOldWay(old);
      const stored = store.events[0];
      const result = await record([old, { ...old, data: { ...old.data, role: 'Head\tof Sales' } }]);
      expect(result.results).toEqual([
        { index: 0, id: old.id, status: 'duplicate', globalPosition: stored.globalPosition, streamVersion: stored.streamVersion },
        expect.objectContaining({
          index: 1,
          id: old.id,
          status: 'rejected',
          error: expect.objectContaining({ status: 400, code: 'REQUEST.INVALID' }),
        }),
      ]);
      expect(result).toMatchObject({ created: 0, duplicates: 1, rejected: 1 });
      expect(store.events).toHaveLength(1);
    });

    it('given only valid items, or refused items naming no event, then no read is added for them', async () => {
      await record([departedEnvelope()]);
      const reads = store.stateReads;
      const { id: _id, ...unnamed } = withTab();
      await record([departedEnvelope(), unnamed, { ...withTab(), id: 'not-a-uuid' }]);
      expect(store.stateReads - reads).toBe(1); // the valid item's write
    });

    it('given the store failing on the look-up, then the batch fails as a write does (transient), not with a 400 for the item', async () => {
      const old = withTab();
      await recordTheOldWay(old);
      store.readWriteState = () => Promise.reject(new EventStoreUnavailableError(new Error('connection refused')));
      await expect(record([old])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });
  });
});
