import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { TopicNames } from '@newsroom/messaging';
import { createProjections, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { pollUntil, TestDatabase } from '@newsroom/testing';
import {
  amendmentAppend,
  laterEnvelopes,
  seedEnvelopes,
  sourcingAppend,
  storyAppends,
  toAppend,
} from '../../../tests/fixtures/story.fixture';
import { loadProjectorConfig } from '../src/config/projector.config';
import { runRebuild } from '../src/rebuild/rebuild.command';
import { ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';

const TABLES = createProjections().flatMap((p) => p.tables ?? []);
const departure = (person: string, occurredAt = '2025-02') => ({
  id: randomUUID(),
  type: 'executive.departed',
  subject: person,
  occurredAt,
  data: { organization: 'org:openai', role: 'Head of Testing', roleCategory: 'other', reason: 'resigned' },
  sources: [{ outlet: 'Rebuild Test', language: 'en' }],
  modality: 'reported',
});
/** An appointment to the same role as `departure`'s, with its modality and interim flag. */
const appointment = (person: string, occurredAt: string, modality: string, interim: boolean) => ({
  id: randomUUID(),
  type: 'executive.appointed',
  subject: person,
  occurredAt,
  data: { organization: 'org:openai', role: 'Head of Testing', roleCategory: 'other', interim },
  sources: [{ outlet: 'Rebuild Test', language: 'en' }],
  modality,
});

describe('rebuild: blue-green from the event store while the live projector runs (real Postgres and Kafka)', () => {
  let p: ProjectorPipeline;
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let prefix: string;
  let topics: TopicNames;
  const publishAll = () => p.publishAll();

  const caughtUp = async () => {
    const head = await store.headPosition();
    await pollUntil(async () => (await p.watermark()) === head, { timeoutMs: 30000, what: `the live projector to reach ${head}` });
  };
  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await ds.query(`SELECT * FROM read_model.${t} t ORDER BY t::text`);
    return out;
  };
  const departuresOf = (person: string) =>
    ds.query(`SELECT version, occurred_at, recorded_to FROM read_model.departures WHERE subject = $1 ORDER BY version`, [person]);
  const indexNames = async () =>
    (await ds.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'read_model' ORDER BY 1`)).map(
      (r: { indexname: string }) => r.indexname,
    );

  beforeAll(async () => {
    p = await startPipeline('rebuild', { partitions: 6 });
    ({ db, ds, store, prefix, topics } = p);
    await p.startProjector(createProjections(), { groupId: `projector-${prefix}` });
    await store.appendMany(storyAppends(seedEnvelopes()));
    await store.appendMany(storyAppends(laterEnvelopes()));
    // Other outlets on the seed's first departure: a confirmation, a syndicated copy of it and a denial.
    const mira = '0193b7f0-0000-7000-8000-000000000001';
    await store.append(sourcingAppend('person:mira-murati', mira, { outlet: 'Second Wire', language: 'en' }, 'confirms'));
    await store.append(
      sourcingAppend('person:mira-murati', mira, { outlet: 'Regional Herald', language: 'en', via: 'Second Wire' }, 'confirms'),
    );
    await store.append(sourcingAppend('person:mira-murati', mira, { outlet: 'Skeptic Post', language: 'fr' }, 'denies'));
    // A run whose middle rows the leadership runs keep: a rumour confirmed for the same day, interim then permanent.
    for (const e of [
      appointment('person:run-rows', '2024-01-15', 'rumored', true),
      appointment('person:run-rows', '2024-01-15', 'confirmed', true),
      appointment('person:run-rows', '2024-06-01', 'reported', false),
      appointment('person:run-rows', '2024-09-01', 'reported', false),
    ])
      await store.append(toAppend(e));
    await publishAll();
    await caughtUp();
  });

  afterAll(async () => {
    await p?.close();
  });

  it('swaps in rebuilt tables identical to the incremental ones, including an event the live projector applied during the rebuild', async () => {
    let incremental: Record<string, unknown[]> = {};
    const indexesBefore = await indexNames();
    const during = departure('person:during-rebuild');
    const progress: string[] = [];
    const result = await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: topics.events,
      partitions: [0, 1, 2, 3, 4, 5],
      batchSize: 7,
      onProgress: (p) => progress.push(p.phase),
      beforeSwap: async () => {
        // The live projector keeps serving (and writing) the old tables while the rebuild runs.
        await store.append(toAppend(during));
        await publishAll();
        await pollUntil(async () => (await departuresOf('person:during-rebuild')).length === 1, {
          what: 'the live projector to apply an event mid-rebuild',
        });
        await caughtUp();
        incremental = await snapshot();
      },
    });
    expect(progress).toEqual(expect.arrayContaining(['fold', 'swap', 'done']));
    expect(result.head).toBe(await store.headPosition());
    expect(await departuresOf('person:during-rebuild')).toEqual([{ version: 1, occurred_at: '2025-02', recorded_to: null }]);
    expect(incremental.departures.length).toBeGreaterThan(0);
    // The run's first appointment, its confirmation, the change to permanent and its last: as kept live, so rebuilt.
    const runRows = (incremental.leadership_runs as Array<{ subject: string }>).filter((r) => r.subject === 'person:run-rows');
    expect(runRows).toHaveLength(4);
    expect(await snapshot()).toEqual(incremental);
    expect(await indexNames()).toEqual(indexesBefore);
    const checkpoints = await ds.query(`SELECT DISTINCT last_position::text FROM read_model.projection_checkpoints WHERE topic = $1`, [
      topics.events,
    ]);
    expect(checkpoints).toEqual([{ last_position: result.head }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM reporting.departures WHERE person = 'person:during-rebuild'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('after a rebuild the live projector continues from the right place: new events and corrections land once in the new tables', async () => {
    const later = departure('person:after-rebuild', '2025-03');
    await store.append(toAppend(later));
    const [during] = await ds.query(`SELECT fact_id FROM read_model.departures WHERE subject = 'person:during-rebuild'`);
    await store.append(
      amendmentAppend('person:during-rebuild', 'corrected', during.fact_id, {
        changes: { occurredAt: '2025-01-15' },
        reason: 'exact date',
      }),
    );
    await publishAll();
    await caughtUp();
    expect(await departuresOf('person:after-rebuild')).toEqual([{ version: 1, occurred_at: '2025-03', recorded_to: null }]);
    const versions = await departuresOf('person:during-rebuild');
    expect(
      versions.map((v: { version: number; occurred_at: string; recorded_to: string | null }) => [
        v.version,
        v.occurred_at,
        v.recorded_to === null,
      ]),
    ).toEqual([
      [1, '2025-02', false],
      [2, '2025-01-15', true],
    ]);
  });

  it('the rebuild command rebuilds one projection or all with progress output, and changes nothing when nothing changed', async () => {
    const before = await snapshot();
    const config = loadProjectorConfig({ DATABASE_URL: db.url, KAFKA_TOPIC_PREFIX: prefix, KAFKA_EVENTS_PARTITIONS: '6' });
    const lines: string[] = [];
    await runRebuild(config, { targets: ['departures'], write: (l) => lines.push(l) });
    await runRebuild(config, { targets: ['all'], batchSize: 5, write: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/\[rebuild\] departures: fold position \d+\/\d+ \(100%\)/);
    expect(lines.join('\n')).toMatch(/done: swapped in feed, leadership, departures/);
    expect(await snapshot()).toEqual(before);
    await expect(runRebuild(config, { targets: ['nope'] })).rejects.toThrow(/unknown projection nope; known: all, feed/);
    // And the live projector still follows.
    const last = departure('person:after-second-rebuild');
    await store.append(toAppend(last));
    await publishAll();
    await pollUntil(async () => (await departuresOf('person:after-second-rebuild')).length === 1, {
      what: 'an event after the second rebuild',
    });
  });
});
