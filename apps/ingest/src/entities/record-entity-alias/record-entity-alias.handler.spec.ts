import { randomUUID } from 'node:crypto';
import { EntityAliasRequest } from '@newsroom/domain';
import { InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../../events/shared/event-writer.service';
import { RequestMeta } from '../../events/shared/write.types';
import { RecordEntityAliasCommand } from './record-entity-alias.command';
import { RecordEntityAliasHandler } from './record-entity-alias.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };
const SAM = 'person:sam-altman';
const SAMUEL = 'person:samuel-altman';

describe('RecordEntityAliasHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let handler: RecordEntityAliasHandler;
  const merge = (subject: string, alias: string, key?: string, reason = 'same person') =>
    handler.execute(new RecordEntityAliasCommand(subject, { subject: alias, reason }, false, meta, key));
  const unmerge = (subject: string, alias: string) =>
    handler.execute(new RecordEntityAliasCommand(subject, { subject: alias, reason: 'two people' }, true, meta));
  const name = (subject: string, req: EntityAliasRequest, removal = false) =>
    handler.execute(new RecordEntityAliasCommand(subject, req, removal, meta));

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new RecordEntityAliasHandler(store, new EventWriter(store));
  });

  it('given two people, when one is merged into the other, then entity.merged is recorded in the stream of the subject merged away', async () => {
    const result = await merge(SAM, SAMUEL);
    expect(result).toMatchObject({
      status: 'created',
      event: { type: 'entity.merged', streamId: SAMUEL, streamVersion: 1, data: { into: SAM, reason: 'same person' } },
    });
    expect(store.events).toHaveLength(1);
  });

  it('given the same Idempotency-Key and request again, then it is a duplicate; with other content, a 409', async () => {
    const key = randomUUID();
    expect(await merge(SAM, SAMUEL, key)).toMatchObject({ status: 'created', event: { eventId: key } });
    expect(await merge(SAM, SAMUEL, key)).toMatchObject({ status: 'duplicate', event: { eventId: key } });
    expect(await merge(SAM, SAMUEL, key, 'another reason')).toMatchObject({
      status: 'rejected',
      error: { status: 409, code: 'EVENT.ID_CONFLICT' },
    });
    expect(store.events).toHaveLength(1);
  });

  it('given A merged into B, when B is merged into A, then 422 ENTITY.NOT_CANONICAL and nothing is recorded', async () => {
    await merge(SAM, SAMUEL);
    expect(await merge(SAMUEL, SAM)).toMatchObject({ status: 'rejected', error: { status: 422, code: 'ENTITY.NOT_CANONICAL' } });
    expect(await merge('person:sama', SAMUEL)).toMatchObject({ status: 'rejected', error: { status: 409, code: 'ENTITY.ALREADY_MERGED' } });
    expect(store.events).toHaveLength(1);
  });

  it('given a subject of another kind or itself, then 400 and nothing is recorded', async () => {
    expect(await merge(SAM, 'org:sam-altman')).toMatchObject({ status: 'rejected', error: { status: 400, code: 'ENTITY.KIND_MISMATCH' } });
    expect(await merge(SAM, SAM)).toMatchObject({ status: 'rejected', error: { status: 400, code: 'ENTITY.SELF_MERGE' } });
    expect(store.events).toHaveLength(0);
  });

  it('given a merge, when it is reversed, then entity.unmerged follows it in the same stream; reversing again is 422 ENTITY.NOT_MERGED', async () => {
    await merge(SAM, SAMUEL);
    expect(await unmerge(SAM, SAMUEL)).toMatchObject({
      status: 'created',
      event: { type: 'entity.unmerged', streamId: SAMUEL, streamVersion: 2, data: { from: SAM } },
    });
    expect(await unmerge(SAM, SAMUEL)).toMatchObject({ status: 'rejected', error: { status: 422, code: 'ENTITY.NOT_MERGED' } });
    expect(store.events.map((e) => e.type)).toEqual(['entity.merged', 'entity.unmerged']);
  });

  it('given an alias name, when added and removed, then entity.aliased events go into the entity stream', async () => {
    expect(await name(SAM, { name: 'Samuel H. Altman', reason: 'filings' })).toMatchObject({
      status: 'created',
      event: { type: 'entity.aliased', streamId: SAM, data: { name: 'Samuel H. Altman' } },
    });
    expect(await name(SAM, { name: 'Samuel H. Altman', reason: 'again' })).toMatchObject({
      status: 'rejected',
      error: { status: 409, code: 'ENTITY.ALIAS_EXISTS' },
    });
    expect(await name(SAM, { name: 'Samuel H. Altman', reason: 'wrong' }, true)).toMatchObject({
      status: 'created',
      event: { data: { name: 'Samuel H. Altman', removed: true } },
    });
    expect(store.events).toHaveLength(2);
  });
});
