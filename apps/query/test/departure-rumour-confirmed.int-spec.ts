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
import type { KafkaClient } from '@newsroom/messaging';
import { createTestDatabase, pastMillisecondOf, TestDatabase, testKafka, testTopics, withMigrationUndone } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { message } from '../../../libs/projections/test/support/runner-input.util';
import { ConflictWords1764902830000 } from '../../../infra/postgres/migrations/1764902830000-conflict-words.migration';
import { amendmentAppend, sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { toRecordedEvent } from '../../ingest/src/events/shared/stored-to-recorded.mapper';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:rc-corp';
/** Every read model's tables: each fold begins from nothing (the conflicts read the leadership and feed read models). */
const TABLES = createProjections()
  .flatMap((p) => (p.tables ?? []).map((t) => `read_model.${t}`))
  .join(', ');
const ROLE = 'Chief Technology Officer';

/** Confirmed after both departures, then denied by the confirming outlet's later story: closed, then open again. */
const LATE = 'person:rc-late';
/** Confirmed before the later departure: never a conflict. */
const BEFORE = 'person:rc-before';
/** Confirmed after both departures, then the appointment retracted: open again. */
const RETRACTED = 'person:rc-retracted';
/** Confirmed by one outlet (closed), then denied by another: a rumour again, open from the denial. */
const SPLIT = 'person:rc-split';
/** Confirmed, but dated outside the two departures: open. */
const OUTSIDE = 'person:rc-outside';

const source = (outlet: string) => ({
  outlet,
  url: `https://${outlet.toLowerCase().replace(/\W+/g, '-')}.example/${randomUUID()}`,
  title: `${outlet} story`,
  language: 'en',
});

/**
 * The known limit of the sixty-second session, closed for the conflicts in the sixty-third: a rumoured
 * re-appointment that a story attached to it confirms (an outlet's latest word confirms it, none denies it) lies
 * between two departures of its role as a reported one does: their conflict closes (`resolution.by: appointment`,
 * the attached story's event) from the attachment's recording, is open at a `knownAt` before it, and opens again when
 * that outlet's later story denies it or the appointment is retracted. Over HTTP on a real Postgres log, folded event
 * by event, in batches and by a rebuild; ingest's fold of the streams agrees.
 */
describe('a rumoured re-appointment confirmed by an attached story: the departure conflicts (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const { json } = reportsReader(() => base);
  const ids: Record<string, string> = {};
  const known: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('departure_rumour_confirmed');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const record = async (name: string, type: string, subject: string, occurredAt: string, modality: string) => {
      const [stored] = await store.append(
        toAppend({
          type,
          subject,
          occurredAt,
          modality,
          sources: [source(`${name} wire`)],
          data: { organization: ORG, role: ROLE, roleCategory: 'c-suite' },
        }),
      );
      ids[name] = stored.eventId;
      await pastMillisecondOf(stored.recordedAt);
    };
    const attach = async (name: string, subject: string, target: string, outlet: string, stance: 'confirms' | 'denies') => {
      const [stored] = await store.append(sourcingAppend(subject, ids[target], source(outlet), stance));
      ids[name] = stored.eventId;
      await pastMillisecondOf(stored.recordedAt);
    };
    const mark = async (name: string) => {
      known[name] = new Date().toISOString();
      await pastMillisecondOf(known[name]);
    };
    const left = (name: string, subject: string, at: string) => record(name, 'executive.departed', subject, at, 'reported');
    const rumoured = (name: string, subject: string, at: string) => record(name, 'executive.appointed', subject, at, 'rumored');

    await left('late1', LATE, '2023');
    await left('late2', LATE, '2025');
    await rumoured('lateAgain', LATE, '2024');
    await mark('beforeConfirmation');
    await attach('lateConfirms', LATE, 'lateAgain', 'Le Monde', 'confirms');
    await mark('confirmed');
    await attach('lateDenies', LATE, 'lateAgain', 'Le Monde', 'denies');

    await left('before1', BEFORE, '2023');
    await rumoured('beforeAgain', BEFORE, '2024-03');
    await attach('beforeConfirms', BEFORE, 'beforeAgain', 'Reuters', 'confirms');
    await left('before2', BEFORE, '2025');

    await left('retracted1', RETRACTED, '2023');
    await left('retracted2', RETRACTED, '2025');
    await rumoured('retractedAgain', RETRACTED, '2024');
    await attach('retractedConfirms', RETRACTED, 'retractedAgain', 'Reuters', 'confirms');
    const [retraction] = await store.append(amendmentAppend(RETRACTED, 'retracted', ids.retractedAgain, { reason: 'another person' }));
    ids.retraction = retraction.eventId;

    await left('split1', SPLIT, '2023');
    await left('split2', SPLIT, '2025');
    await rumoured('splitAgain', SPLIT, '2024');
    await attach('splitConfirms', SPLIT, 'splitAgain', 'Reuters', 'confirms');
    await attach('splitDenies', SPLIT, 'splitAgain', 'Le Monde', 'denies');

    await left('outside1', OUTSIDE, '2023');
    await left('outside2', OUTSIDE, '2025');
    await rumoured('outsideAgain', OUTSIDE, '2026');
    await attach('outsideConfirms', OUTSIDE, 'outsideAgain', 'Reuters', 'confirms');
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  interface Item {
    subject: string;
    status: string;
    sides: Array<{ eventId: string }>;
    openedEventId: string;
    resolution: { by: string; eventId: string; reason: string | null } | null;
  }
  /** The departure conflicts of ORG's people as the report lists them: person, status, sides, what opened and closed it. */
  const report = async (knownAt?: string) =>
    (
      await json<{ items: Item[] }>(
        `/v1/reports/conflicts?kind=departure&limit=100${knownAt ? `&knownAt=${encodeURIComponent(knownAt)}` : ''}`,
      )
    ).items
      .filter((c) => c.subject.startsWith('person:rc-'))
      .map((c) => ({
        person: c.subject,
        status: c.status,
        sides: c.sides.map((s) => s.eventId),
        opened: c.openedEventId,
        resolution: c.resolution ? [c.resolution.by, c.resolution.eventId, c.resolution.reason] : null,
      }))
      .sort((x, y) => x.person.localeCompare(y.person));

  const expected = () => [
    { person: LATE, status: 'open', sides: [ids.late1, ids.late2], opened: ids.lateDenies, resolution: null },
    { person: OUTSIDE, status: 'open', sides: [ids.outside1, ids.outside2], opened: ids.outside2, resolution: null },
    { person: RETRACTED, status: 'open', sides: [ids.retracted1, ids.retracted2], opened: ids.retraction, resolution: null },
    { person: SPLIT, status: 'open', sides: [ids.split1, ids.split2], opened: ids.splitDenies, resolution: null },
  ];

  const expectAnswers = async () => {
    expect(await report()).toEqual(expected());
    // Before the confirming story was recorded, a rumour: open, as opened by the later departure.
    expect((await report(known.beforeConfirmation)).find((c) => c.person === LATE)).toEqual({
      person: LATE,
      status: 'open',
      sides: [ids.late1, ids.late2],
      opened: ids.late2,
      resolution: null,
    });
    // Once confirmed (and before the outlet's denial): two departures, closed by the appointment's confirmation.
    expect((await report(known.confirmed)).find((c) => c.person === LATE)).toEqual({
      person: LATE,
      status: 'resolved',
      sides: [ids.late1, ids.late2],
      opened: ids.late2,
      resolution: ['appointment', ids.lateConfirms, null],
    });
  };

  it.each([
    ['event by event', { pageSize: 100, batched: false }],
    ['the whole log in one batch', { pageSize: 100, batched: true }],
    ['a batch of two at a time', { pageSize: 2, batched: true }],
  ])(
    'folded %s: a confirmed rumoured re-appointment closes the conflict; denied again, retracted, split or outside: open',
    async (_how, options) => {
      await ds.query(`TRUNCATE ${TABLES}, read_model.projection_checkpoints`);
      await applyLog(store, ds, options);
      await expectAnswers();
    },
  );

  it('a rebuild of every read model gives the same conflicts rows and answers', async () => {
    await ds.query(`TRUNCATE ${TABLES}, read_model.projection_checkpoints`);
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const folded = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'rumour-confirmed-rebuild',
      partitions: [0],
      concurrency: 2,
      batchSize: 4,
    });
    const rebuilt = await readModelSnapshot(ds);
    for (const t of ['conflicts', 'conflict_states', 'conflict_facts', 'conflict_claims', 'conflict_words'])
      expect({ t, rows: rebuilt[t] }).toEqual({ t, rows: folded[t] });
    await expectAnswers();
  });

  describe('by the projector runner, the whole log in one batch (real Kafka for its dead letters)', () => {
    const { topics } = testTopics('rumour-confirmed-runner');
    let kafka: KafkaClient;

    beforeAll(async () => {
      kafka = testKafka('rumour-confirmed-runner');
      await kafka.ensureTopics([{ topic: topics.eventsDlq, partitions: 1 }]);
    });
    afterAll(async () => {
      await kafka?.deleteTopics([topics.eventsDlq]).catch(() => undefined);
      await kafka?.close();
    });

    it('reads the batch’s own rumoured appointments and their stories from its events and answers the same', async () => {
      await ds.query(`TRUNCATE ${TABLES}, read_model.projection_checkpoints`);
      const events = (await store.readAll('0', 1000)).map((e) => projectedFromStored(e));
      const runner = new ProjectionRunner(ds, createProjections(), kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
      await runner.handleBatch({ topic: topics.events, partition: 0, messages: events.map((e, i) => message(e, i, topics.events)) });
      expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.projection_failures`)).toEqual([{ n: 0 }]);
      await expectAnswers();
    });
  });

  it('migration 1764902830000 down and up queues the conflicts folded again; that rebuild alone answers the same', async () => {
    const backfills = async () =>
      (await ds.query(`SELECT projection FROM read_model.projection_backfills`)).map((r: { projection: string }) => r.projection);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await withMigrationUndone(ds, new ConflictWords1764902830000(), async () => {
      await expect(ds.query(`SELECT 1 FROM read_model.conflict_words`)).rejects.toThrow(/conflict_words/);
    });
    expect(await backfills()).toEqual(['conflicts']);
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'rumour-confirmed-migration', partitions: [0] });
    expect(await backfills()).toEqual([]);
    await expectAnswers();
  });

  it('ingest agrees: no conflict stands where the confirmed rumour lies between, one stands where it was denied, retracted, split or outside', async () => {
    const standing = async (person: string) =>
      conflictsOfStream(foldStream(person, (await store.readStream(person)).map(toRecordedEvent)), conflictIdOf).map((c) => [
        c.a.factId,
        c.b.factId,
      ]);
    expect(await standing(BEFORE)).toEqual([]);
    expect(await standing(LATE)).toEqual([[ids.late1, ids.late2]]);
    expect(await standing(RETRACTED)).toEqual([[ids.retracted1, ids.retracted2]]);
    expect(await standing(SPLIT)).toEqual([[ids.split1, ids.split2]]);
    expect(await standing(OUTSIDE)).toEqual([[ids.outside1, ids.outside2]]);
    // Cut at the confirmation, the stream of LATE has none standing.
    const late = (await store.readStream(LATE)).map(toRecordedEvent);
    const cut = late.slice(
      0,
      late.findIndex((e) => e.eventId === ids.lateDenies),
    );
    expect(conflictsOfStream(foldStream(LATE, cut), conflictIdOf)).toEqual([]);
  });
});
