import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { conflictsOfStream, foldStream } from '@newsroom/domain';
import {
  conflictIdOf,
  createProjections,
  PROJECTION_NAMES,
  ProjectionRebuilder,
  ProjectionRunner,
  projectedFromStored,
} from '@newsroom/projections';
import { createTestDatabase, TestDatabase, testKafka, testTopics, withMigrationUndone } from '@newsroom/testing';
import type { KafkaClient } from '@newsroom/messaging';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { message } from '../../../libs/projections/test/support/runner-input.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { ConflictsClosedByAppointment1764902800000 } from '../../../infra/postgres/migrations/1764902800000-conflicts-closed-by-appointment.migration';
import { toRecordedEvent } from '../../ingest/src/events/shared/stored-to-recorded.mapper';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:reappoint-corp';
const TABLES = 'read_model.conflicts, read_model.conflict_states, read_model.conflict_facts, read_model.conflict_claims';

type Modality = 'reported' | 'confirmed' | 'rumored' | 'denied';
const fact = (type: 'executive.departed' | 'executive.appointed', person: string, occurredAt: string, modality: Modality, role: string) => {
  const id = randomUUID();
  return {
    id,
    append: toAppend({
      id,
      type,
      subject: person,
      occurredAt,
      modality,
      data: { organization: ORG, role, roleCategory: 'c-suite' },
      sources: [{ outlet: `${type} ${occurredAt} wire`, language: 'en' }],
    }),
  };
};
const departed = (person: string, occurredAt: string, modality: Modality = 'reported', role = 'Chief Technology Officer') =>
  fact('executive.departed', person, occurredAt, modality, role);
const appointed = (person: string, occurredAt: string, modality: Modality = 'reported', role = 'Chief Technology Officer') =>
  fact('executive.appointed', person, occurredAt, modality, role);

/**
 * Two departures of one person from one role with a re-appointment dated between them are two departures (left in
 * 2023, re-appointed in 2024, left again in 2025): `GET /v1/reports/conflicts` does not list them, nor a departure and
 * a denial after the re-appointment (the fiftieth session's testers). A re-appointment recorded after both departures
 * (or corrected to lie between them) closes their conflict (`resolution.by: appointment`), and retracted or corrected
 * out of the two dates opens it again. Without the appointment, with it outside the two dates, rumoured, of another
 * role, or retracted before the later departure, they are still a conflict. The log is a real Postgres event store, folded every way the read models are folded (event by event, in
 * batches, by a rebuild, and by the projector's runner in one batch, whose read models' writes go with its commit so
 * the batch's own appointments are not yet in the leadership read model), then read over HTTP.
 */
describe('departures across a re-appointment: the conflicts report (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const { json } = reportsReader(() => base);

  // Each person's facts in recording order.
  const two = {
    first: departed('person:ra-two', '2023'),
    again: appointed('person:ra-two', '2024-03'),
    last: departed('person:ra-two', '2025'),
  };
  const none = { first: departed('person:ra-none', '2023'), last: departed('person:ra-none', '2025') };
  const outside = {
    first: departed('person:ra-outside', '2023-06'),
    before: appointed('person:ra-outside', '2022'),
    after: appointed('person:ra-outside', '2025-09'),
    last: departed('person:ra-outside', '2025-03'),
  };
  const rumour = {
    first: departed('person:ra-rumour', '2023'),
    again: appointed('person:ra-rumour', '2024', 'rumored'),
    last: departed('person:ra-rumour', '2025'),
  };
  const otherRole = {
    first: departed('person:ra-role', '2023'),
    again: appointed('person:ra-role', '2024', 'reported', 'Chief Executive Officer'),
    last: departed('person:ra-role', '2025'),
  };
  // A departure of "2024" may be in December: an appointment of 2024-03 may have come before it.
  const coarse = {
    first: departed('person:ra-coarse', '2024'),
    again: appointed('person:ra-coarse', '2024-03'),
    last: departed('person:ra-coarse', '2025-06'),
  };
  const denial = {
    first: departed('person:ra-denial', '2023-05'),
    again: appointed('person:ra-denial', '2024-02'),
    last: departed('person:ra-denial', '2025-03', 'denied'),
  };
  const retracted = {
    first: departed('person:ra-retracted', '2023'),
    again: appointed('person:ra-retracted', '2024'),
    last: departed('person:ra-retracted', '2025'),
  };
  const late = {
    first: departed('person:ra-late', '2023'),
    last: departed('person:ra-late', '2025'),
    again: appointed('person:ra-late', '2024'),
  };
  // Recorded after both departures, then retracted; corrected out of the two dates; corrected into them.
  const lateRetracted = {
    first: departed('person:ra-late-retracted', '2023'),
    last: departed('person:ra-late-retracted', '2025'),
    again: appointed('person:ra-late-retracted', '2024'),
  };
  const lateOut = {
    first: departed('person:ra-late-out', '2023'),
    last: departed('person:ra-late-out', '2025'),
    again: appointed('person:ra-late-out', '2024'),
  };
  const lateIn = {
    first: departed('person:ra-late-in', '2023'),
    last: departed('person:ra-late-in', '2025'),
    again: appointed('person:ra-late-in', '2026'),
  };
  // Recorded after both departures, then a departure's wording corrected (t30: the correction closed the conflict the
  // appointment had left open, and ingest then took a resolution of it): the appointment closed it, and it stays so.
  const lateReworded = {
    first: departed('person:ra-late-reworded', '2023'),
    last: departed('person:ra-late-reworded', '2025'),
    again: appointed('person:ra-late-reworded', '2024'),
  };
  // Recorded after both departures but rumoured: nothing closes.
  const lateRumour = {
    first: departed('person:ra-late-rumour', '2023'),
    last: departed('person:ra-late-rumour', '2025'),
    again: appointed('person:ra-late-rumour', '2024', 'rumored'),
  };
  let closings: Record<string, string> = {};

  const log = [
    two.first,
    two.again,
    two.last,
    none.first,
    none.last,
    outside.first,
    outside.before,
    outside.after,
    outside.last,
    rumour.first,
    rumour.again,
    rumour.last,
    otherRole.first,
    otherRole.again,
    otherRole.last,
    coarse.first,
    coarse.again,
    coarse.last,
    denial.first,
    denial.again,
    denial.last,
    retracted.first,
    retracted.again,
  ];

  beforeAll(async () => {
    db = await createTestDatabase('departure_reappointment');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    for (const f of log) await store.append(f.append);
    await store.append(amendmentAppend('person:ra-retracted', 'retracted', retracted.again.id, { reason: 'another person' }));
    for (const f of [retracted.last, late.first, late.last, late.again]) await store.append(f.append);
    for (const f of [lateRetracted, lateOut, lateIn, lateRumour, lateReworded])
      for (const x of [f.first, f.last, f.again]) await store.append(x.append);
    const amendments = {
      retracted: amendmentAppend('person:ra-late-retracted', 'retracted', lateRetracted.again.id, { reason: 'another person' }),
      out: amendmentAppend('person:ra-late-out', 'corrected', lateOut.again.id, { changes: { occurredAt: '2026-02' }, reason: 'in 2026' }),
      in: amendmentAppend('person:ra-late-in', 'corrected', lateIn.again.id, { changes: { occurredAt: '2024-06' }, reason: 'in 2024' }),
      reworded: amendmentAppend('person:ra-late-reworded', 'corrected', lateReworded.last.id, {
        changes: { data: { reason: 'resigned' } },
        reason: 'fix',
      }),
    };
    for (const a of Object.values(amendments)) await store.append(a);
    closings = { late: late.again.id, lateIn: amendments.in.events[0].eventId };
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /** The open departure conflicts of ORG's people, as the report lists them: person, the two sides, the fields. */
  const reported = async () =>
    (
      await json<{ items: Array<{ kind: string; subject: string; status: string; fields: string[]; sides: Array<{ eventId: string }> }> }>(
        `/v1/reports/conflicts?kind=departure&status=open&limit=100`,
      )
    ).items
      .filter((c) => c.subject.startsWith('person:ra-'))
      .map((c) => [c.subject, c.status, c.sides.map((s) => s.eventId), c.fields])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));

  /** The resolved ones: person, the two sides, how and by which event each closed. */
  const closed = async () =>
    (
      await json<{
        items: Array<{
          subject: string;
          sides: Array<{ eventId: string }>;
          resolution: { by: string; eventId: string; reason: string | null };
        }>;
      }>(`/v1/reports/conflicts?kind=departure&status=resolved&limit=100`)
    ).items
      .filter((c) => c.subject.startsWith('person:ra-'))
      .map((c) => [c.subject, c.sides.map((s) => s.eventId), c.resolution.by, c.resolution.eventId, c.resolution.reason])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));

  // Closed by the appointment recorded after both departures (its own event), and by the correction putting one between.
  const expectedClosed = () => [
    ['person:ra-late', [late.first.id, late.last.id], 'appointment', closings.late, null],
    ['person:ra-late-in', [lateIn.first.id, lateIn.last.id], 'appointment', closings.lateIn, null],
    ['person:ra-late-reworded', [lateReworded.first.id, lateReworded.last.id], 'appointment', lateReworded.again.id, null],
  ];

  const expected = () => [
    ['person:ra-coarse', 'open', [coarse.first.id, coarse.last.id], ['occurredAt']],
    ['person:ra-late-out', 'open', [lateOut.first.id, lateOut.last.id], ['occurredAt']],
    ['person:ra-late-retracted', 'open', [lateRetracted.first.id, lateRetracted.last.id], ['occurredAt']],
    ['person:ra-late-rumour', 'open', [lateRumour.first.id, lateRumour.last.id], ['occurredAt']],
    ['person:ra-none', 'open', [none.first.id, none.last.id], ['occurredAt']],
    ['person:ra-outside', 'open', [outside.first.id, outside.last.id], ['occurredAt']],
    ['person:ra-retracted', 'open', [retracted.first.id, retracted.last.id], ['occurredAt']],
    ['person:ra-role', 'open', [otherRole.first.id, otherRole.last.id], ['occurredAt']],
    ['person:ra-rumour', 'open', [rumour.first.id, rumour.last.id], ['occurredAt']],
  ];

  it.each([
    ['event by event', { pageSize: 100, batched: false }],
    ['the whole log in one batch', { pageSize: 100, batched: true }],
    ['a batch of two at a time', { pageSize: 2, batched: true }],
  ])(
    'folded %s: no conflict across a re-appointment (two departures, or a departure and a later denial); every other pair still one',
    async (_how, options) => {
      await ds.query(`TRUNCATE ${TABLES}`);
      await applyLog(store, ds, options);
      const answer = await reported();
      expect(answer).toEqual(expected());
      expect(await closed()).toEqual(expectedClosed());
      // Not listed: ra-two (2023, re-appointed 2024-03, 2025) and ra-denial (2023-05, re-appointed 2024-02, denied 2025-03).
      expect(answer.map(([person]) => person)).not.toEqual(expect.arrayContaining(['person:ra-two']));
      expect(answer.map(([person]) => person)).not.toEqual(expect.arrayContaining(['person:ra-denial']));
    },
  );

  it('a rebuild of every read model gives the same conflicts rows, reading the live leadership read model (ahead of its fold) as of each position', async () => {
    await ds.query(`TRUNCATE ${TABLES}`);
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const folded = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'reappointment-rebuild',
      partitions: [0],
      concurrency: 2,
      batchSize: 4,
    });
    const rebuilt = await readModelSnapshot(ds);
    for (const t of ['conflicts', 'conflict_states', 'conflict_facts', 'conflict_claims'])
      expect({ t, rows: rebuilt[t] }).toEqual({ t, rows: folded[t] });
    expect(await reported()).toEqual(expected());
    expect(await closed()).toEqual(expectedClosed());
  });

  it('ingest agrees: no conflict stands for a pair a late appointment closed, and one stands again where it was retracted or moved out', async () => {
    // What the resolution endpoint decides on: the person's stream folded as ingest folds it.
    const standing = async (person: string) =>
      conflictsOfStream(foldStream(person, (await store.readStream(person)).map(toRecordedEvent)), conflictIdOf).map((c) => [
        c.a.factId,
        c.b.factId,
      ]);
    expect(await standing('person:ra-late')).toEqual([]);
    expect(await standing('person:ra-late-in')).toEqual([]);
    // A resolution of the reworded pair is refused (CONFLICT.NOT_FOUND): none stands (t30: ingest took one).
    expect(await standing('person:ra-late-reworded')).toEqual([]);
    expect(await standing('person:ra-late-retracted')).toEqual([[lateRetracted.first.id, lateRetracted.last.id]]);
    expect(await standing('person:ra-late-out')).toEqual([[lateOut.first.id, lateOut.last.id]]);
  });

  describe('by the projector runner, the whole log in one batch (real Kafka for its dead letters)', () => {
    const { topics } = testTopics('reappointment-runner');
    let kafka: KafkaClient;

    beforeAll(async () => {
      kafka = testKafka('reappointment-runner');
      await kafka.ensureTopics([{ topic: topics.eventsDlq, partitions: 1 }]);
    });
    afterAll(async () => {
      await kafka?.deleteTopics([topics.eventsDlq]).catch(() => undefined);
      await kafka?.close();
    });

    it('reads the batch’s own appointments from its events (the leadership rows are written with the commit) and answers the same', async () => {
      const tables = createProjections().flatMap((p) => (p.tables ?? []).map((t) => `read_model.${t}`));
      await ds.query(`TRUNCATE ${tables.join(', ')}, read_model.projection_checkpoints`);
      const events = (await store.readAll('0', 1000)).map((s) => projectedFromStored(s));
      const runner = new ProjectionRunner(ds, createProjections(), kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
      await runner.handleBatch({ topic: topics.events, partition: 0, messages: events.map((e, i) => message(e, i, topics.events)) });
      expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.projection_failures`)).toEqual([{ n: 0 }]);
      expect(await reported()).toEqual(expected());
      expect(await closed()).toEqual(expectedClosed());
    });
  });

  it('migration 1764902800000 down and up: the older code reads them as closed by a correction; up again, a rebuild closes them by the appointment', async () => {
    const backfills = async () =>
      (await ds.query(`SELECT projection FROM read_model.projection_backfills`)).map((r: { projection: string }) => r.projection);
    const closedBy = () =>
      ds.query<unknown[]>(`SELECT closed_by, count(*)::int AS n FROM read_model.conflicts WHERE status = 'resolved' GROUP BY 1 ORDER BY 1`);
    expect(await closedBy()).toEqual([{ closed_by: 'appointment', n: 3 }]);
    await withMigrationUndone(ds, new ConflictsClosedByAppointment1764902800000(), async () => {
      expect(await closedBy()).toEqual([{ closed_by: 'correction', n: 3 }]);
      await expect(ds.query(`UPDATE read_model.conflicts SET closed_by = 'appointment' WHERE closed_by = 'correction'`)).rejects.toThrow(
        /closed_by_check/,
      );
      expect(await backfills()).toEqual(['conflicts']);
    });
    expect(await backfills()).toEqual(['conflicts']);
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'reappointment-migration', partitions: [0] });
    expect(await backfills()).toEqual([]);
    expect(await closedBy()).toEqual([{ closed_by: 'appointment', n: 3 }]);
    expect(await reported()).toEqual(expected());
    expect(await closed()).toEqual(expectedClosed());
  });
});
