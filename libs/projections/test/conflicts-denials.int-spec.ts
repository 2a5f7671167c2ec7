import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { DepartureDenials1764902300000 } from '../../../infra/postgres/migrations/1764902300000-departure-denials.migration';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { itFoldsEveryWay } from './support/log-replay.util';

const ORG = 'org:cd-openai';
const TABLES = ['conflicts', 'conflict_facts', 'conflict_claims'];

/** One departure of `person` from `role` at ORG, as an outlet recorded it. */
const departure = (id: string, person: string, role: string, occurredAt: string, modality: string) =>
  toAppend({
    id,
    type: 'executive.departed',
    subject: person,
    occurredAt,
    modality,
    data: { organization: ORG, role, roleCategory: 'c-suite' },
    sources: [{ outlet: `${modality} wire`, language: 'en' }],
  });

/**
 * The conflicts read model reads a departure's modality (kept in conflict_facts): a denial contradicts a reported
 * departure dated by it, not one dated after it; a rumour and its denial, and two denials, are never a conflict; a
 * correction moving the report past the denial closes their conflict. Folded event by event, in batches and by a
 * rebuild, on real Postgres; and the migration fills the modality of the facts stored before it from the log and
 * queues the fold again.
 */
describe('conflicts between a denial and the departures of its claim (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = {
    kimReport: randomUUID(),
    kimDenial: randomUUID(),
    roeDenial: randomUUID(),
    roeReport: randomUUID(),
    samRumour: randomUUID(),
    samDenial: randomUUID(),
    leeDenial: randomUUID(),
    leeDenialAgain: randomUUID(),
    ivyReport: randomUUID(),
    ivyDenial: randomUUID(),
    ivyMoved: randomUUID(),
  };

  beforeAll(async () => {
    db = await createTestDatabase('conflicts_denials');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    for (const append of [
      // Reported gone on 2 May, denied for June: the denial cannot be true beside it.
      departure(ids.kimReport, 'person:cd-kim', 'CLO', '2024-05-02', 'reported'),
      departure(ids.kimDenial, 'person:cd-kim', 'clo', '2024-06', 'denied'),
      // Denied for March, reported gone in September: the person may have left after the denial.
      departure(ids.roeDenial, 'person:cd-roe', 'CFO', '2024-03', 'denied'),
      departure(ids.roeReport, 'person:cd-roe', 'CFO', '2024-09-15', 'confirmed'),
      // A rumour and its denial two days later; two denials of different months.
      departure(ids.samRumour, 'person:cd-sam', 'CTO', '2025-02-10', 'rumored'),
      departure(ids.samDenial, 'person:cd-sam', 'CTO', '2025-02-12', 'denied'),
      departure(ids.leeDenial, 'person:cd-lee', 'COO', '2025-01', 'denied'),
      departure(ids.leeDenialAgain, 'person:cd-lee', 'COO', '2025-05', 'denied'),
      // A conflict a correction closes: the report moved past the denial's date.
      departure(ids.ivyReport, 'person:cd-ivy', 'CPO', '2024-04-01', 'reported'),
      departure(ids.ivyDenial, 'person:cd-ivy', 'CPO', '2024-04', 'denied'),
      amendmentAppend(
        'person:cd-ivy',
        'corrected',
        ids.ivyReport,
        { changes: { occurredAt: '2024-08-20' }, reason: 'left in August' },
        ids.ivyMoved,
      ),
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
        `SELECT subject, a_event_id, b_event_id, fields, status, closed_by FROM read_model.conflicts ORDER BY opened_position, conflict_id`,
      )
    ).map((r: { subject: string; a_event_id: string; b_event_id: string; fields: string[]; status: string; closed_by: string | null }) => [
      r.a_event_id,
      r.b_event_id,
      r.fields,
      r.status,
      r.closed_by,
    ]);
  const modalities = async () =>
    Object.fromEntries(
      (await ds.query(`SELECT fact_id, modality FROM read_model.conflict_facts`)).map((r: { fact_id: string; modality: string }) => [
        r.fact_id,
        r.modality,
      ]),
    );

  const expectDenialConflicts = async () => {
    expect(await conflicts()).toEqual([
      [ids.kimReport, ids.kimDenial, ['modality'], 'open', null],
      [ids.ivyReport, ids.ivyDenial, ['modality'], 'resolved', 'correction'],
    ]);
    expect(await modalities()).toMatchObject({
      [ids.kimDenial]: 'denied',
      [ids.roeReport]: 'confirmed',
      [ids.samRumour]: 'rumored',
      [ids.leeDenialAgain]: 'denied',
    });
  };

  itFoldsEveryWay(
    'a denial conflicts only with a report dated by it, never with a rumour or a denial',
    () => ({ store, ds }),
    'conflicts-denials-test',
    expectDenialConflicts,
    TABLES,
  );

  it('the migration fills the modality of the facts stored before it from the log, and queues the conflicts folded again', async () => {
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      VALUES ('conflicts', 'conflicts-denials-test', 0, 11, 10) ON CONFLICT DO NOTHING`);
    const runner = ds.createQueryRunner();
    try {
      await new DepartureDenials1764902300000().down(runner);
      await new DepartureDenials1764902300000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await modalities()).toMatchObject({
      [ids.kimDenial]: 'denied',
      [ids.samRumour]: 'rumored',
      [ids.kimReport]: 'reported',
      [ids.roeReport]: 'confirmed',
    });
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([{ projection: 'conflicts' }]);
    // The projector's backfill (a rebuild of conflicts) settles the intent and gives what a fold gives.
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'conflicts-denials-test', partitions: [0] });
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    await expectDenialConflicts();
  });
});
