import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { ConflictsReappointments1764902780000 } from '../../../infra/postgres/migrations/1764902780000-conflicts-reappointments.migration';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { itFoldsEveryWay } from './support/log-replay.util';

const ORG = 'org:cr-y';
const TABLES = ['conflicts', 'conflict_states', 'conflict_facts', 'conflict_claims'];

/** A departure or appointment of `person` as CTO of ORG. */
const step = (id: string, type: 'executive.departed' | 'executive.appointed', person: string, occurredAt: string, modality = 'reported') =>
  toAppend({
    id,
    type,
    subject: person,
    occurredAt,
    modality,
    data: { organization: ORG, role: type === 'executive.departed' ? 'CTO' : 'cto', roleCategory: 'c-suite' },
    sources: [{ outlet: `${modality} wire`, language: 'en' }],
  });

/**
 * Two departures of one person from one role with a re-appointment between them are both true: no conflict, and a
 * departure and a denial dated after the re-appointment neither. An appointment recorded after the departures closes
 * their conflict (by correction); retracted, the conflict opens again. Without a re-appointment, the conflict stands.
 * Folded event by event, in batches and by a rebuild, on real Postgres; the migration queues the fold again where a
 * person has a departure stored and an appointment in the log.
 */
describe('conflicts between departures across a re-appointment (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = Object.fromEntries(
    ['x0', 'x1', 'x2', 'x3', 'y1', 'y2', 'y3', 'z1', 'z2', 'w1', 'w2', 'w3', 'v1', 'v2', 'v3', 'v4'].map((k) => [k, randomUUID()]),
  );

  beforeAll(async () => {
    db = await createTestDatabase('conflicts_reappoint');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    for (const append of [
      // Appointed 2019-01, gone 2020-06, appointed again 2022-01, gone 2024-03: two real departures.
      step(ids.x0, 'executive.appointed', 'person:cr-x', '2019-01'),
      step(ids.x1, 'executive.departed', 'person:cr-x', '2020-06'),
      step(ids.x2, 'executive.appointed', 'person:cr-x', '2022-01'),
      step(ids.x3, 'executive.departed', 'person:cr-x', '2024-03'),
      // Gone 2020-06, "has not left" in 2023, re-appointed 2022-01 (recorded last: their conflict closes).
      step(ids.y1, 'executive.departed', 'person:cr-y', '2020-06'),
      step(ids.y2, 'executive.departed', 'person:cr-y', '2023', 'denied'),
      step(ids.y3, 'executive.appointed', 'person:cr-y', '2022-01'),
      // No re-appointment: the conflict stands.
      step(ids.z1, 'executive.departed', 'person:cr-z', '2020-06'),
      step(ids.z2, 'executive.departed', 'person:cr-z', '2024-03'),
      // In conflict, then the re-appointment is recorded: it closes.
      step(ids.w1, 'executive.departed', 'person:cr-w', '2020-06'),
      step(ids.w2, 'executive.departed', 'person:cr-w', '2024-03'),
      step(ids.w3, 'executive.appointed', 'person:cr-w', '2022-01'),
      // The re-appointment retracted: the conflict opens again.
      step(ids.v1, 'executive.departed', 'person:cr-v', '2020-06'),
      step(ids.v2, 'executive.appointed', 'person:cr-v', '2022-01'),
      step(ids.v3, 'executive.departed', 'person:cr-v', '2024-03'),
      amendmentAppend('person:cr-v', 'retracted', ids.v2, { reason: 'another person' }, ids.v4),
    ])
      await store.append(append);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const conflicts = async () =>
    (
      await ds.query(
        `SELECT a_event_id, b_event_id, fields, status, closed_by, closed_event_id, opened_event_id FROM read_model.conflicts
         ORDER BY opened_position, conflict_id`,
      )
    ).map((r: Record<string, unknown>) => [
      r.a_event_id,
      r.b_event_id,
      r.fields,
      r.status,
      r.closed_by,
      r.opened_event_id,
      r.closed_event_id,
    ]);

  const expectConflicts = async () => {
    expect(await conflicts()).toEqual([
      // Open until the re-appointment was recorded, then closed by it.
      [ids.y1, ids.y2, ['modality'], 'resolved', 'correction', ids.y2, ids.y3],
      [ids.z1, ids.z2, ['occurredAt'], 'open', null, ids.z2, null],
      [ids.w1, ids.w2, ['occurredAt'], 'resolved', 'correction', ids.w2, ids.w3],
      [ids.v1, ids.v3, ['occurredAt'], 'open', null, ids.v4, null],
    ]);
  };

  itFoldsEveryWay(
    'a re-appointment between two departures sets them apart',
    () => ({ store, ds }),
    'conflicts-reappoint-test',
    expectConflicts,
    TABLES,
  );

  it('the migration queues the conflicts folded again where a departure is stored and the person has an appointment', async () => {
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      VALUES ('conflicts', 'conflicts-reappoint-test', 0, 16, 15) ON CONFLICT DO NOTHING`);
    const up = async () => {
      const runner = ds.createQueryRunner();
      try {
        await new ConflictsReappointments1764902780000().up(runner);
      } finally {
        await runner.release();
      }
    };
    // Stored as the older code left them: no appointment kept, the conflicts across re-appointments open.
    await ds.query(`DELETE FROM read_model.conflict_facts WHERE type = 'executive.appointed'`);
    await up();
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([{ projection: 'conflicts' }]);
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'conflicts-reappoint-test', partitions: [0] });
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    await expectConflicts();
    // No departure of a person with an appointment stored: nothing queued.
    await ds.query(`DELETE FROM read_model.conflict_facts WHERE type = 'executive.departed' AND subject <> 'person:cr-z'`);
    await up();
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
  });
});
