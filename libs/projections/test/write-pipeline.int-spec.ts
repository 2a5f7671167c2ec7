import { DataSource, EntityManager } from 'typeorm';
import { KafkaClient } from '@newsroom/messaging';
import { createProjections, ProjectedEvent, Projection, ProjectionRunner } from '@newsroom/projections';
import { checkReadModels, createTestDatabase, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { write } from '../src/write-pipeline.util';
import { appointed, departed, event, resetClock } from './support/events.builder';
import { message, recordInStore } from './support/runner-input.util';

/** A read model of its own whose table refuses one subject: a write Postgres fails, inside the pipeline. */
class ProbeProjection implements Projection {
  readonly name = 'probe';
  readonly counted: number[] = [];
  readBack = true;
  async apply(m: EntityManager, e: ProjectedEvent): Promise<void> {
    await this.applyMany(m, [e]);
  }
  async applyMany(m: EntityManager, events: ProjectedEvent[]): Promise<void> {
    await write(m, `INSERT INTO read_model.pipeline_probe (position, subject) SELECT * FROM unnest($1::bigint[], $2::text[])`, [
      events.map((e) => e.globalPosition),
      events.map((e) => e.subject),
    ]);
    if (!this.readBack) return;
    // A read after its own write, in the same batch: it must see it.
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM read_model.pipeline_probe`);
    this.counted.push(n);
  }
}

/** What went over the batch's connection: one entry per round trip (a pipeline is one, whatever it carries). */
type Sent = { text: string; statements?: string[] };

describe('projection runner: a batch written in one round trip', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let kafka: KafkaClient;
  const sent: Sent[] = [];
  const { topics } = testTopics('write-pipeline');

  beforeAll(async () => {
    db = await createTestDatabase('write_pipeline');
    // One connection: the batches share it, so the leadership runs' prepared statements are parsed on it once.
    ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    await ds.query(
      `CREATE TABLE read_model.pipeline_probe (position bigint PRIMARY KEY, subject text NOT NULL CHECK (subject <> 'person:poison'))`,
    );
    kafka = testKafka('write-pipeline');
    await kafka.ensureTopics([{ topic: topics.eventsDlq, partitions: 1 }]);
    // Every round trip on the pool's connection, as the projector sends it.
    const createQueryRunner = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (...args) => {
      const runner = createQueryRunner(...args);
      const connect = runner.connect.bind(runner);
      runner.connect = async () => {
        const client = await connect();
        if (!client.__counted) {
          client.__counted = true;
          const query = client.query.bind(client);
          client.query = (q: unknown, ...rest: unknown[]) => {
            const statements = (q as { statements?: Array<{ text: string }> }).statements;
            sent.push(
              statements
                ? { text: 'pipeline', statements: statements.map((s) => s.text.trim().split(/\s+/).slice(0, 3).join(' ')) }
                : { text: typeof q === 'string' ? q : String((q as { text?: string }).text ?? '') },
            );
            return query(q, ...rest);
          };
        }
        return client;
      };
      return runner;
    };
  });
  afterAll(async () => {
    await kafka.deleteTopics([topics.eventsDlq]).catch(() => undefined);
    await kafka.close();
    await ds.destroy();
    await db.drop();
  });

  // Subjects recur (org:openai, a person appointed then departing): each event its own version of its stream.
  const storyBatch = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      i % 4 === 3
        ? departed(`person:p${i - 1}`, 'CTO', `2025-0${1 + (i % 9)}-15`)
        : i % 4 === 2
          ? event('revenue.reported', 'org:openai', `2025-0${1 + (i % 9)}`, {
              money: { amount: String(1_000_000 * (i + 1)), currency: 'USD' },
              period: `2025-0${1 + (i % 9)}`,
              basis: 'actual',
            })
          : appointed(`person:p${i}`, 'CTO', `2025-0${1 + (i % 9)}-01`),
    ).map((e) => ({ ...e, streamVersion: Number(e.globalPosition) }));

  it('given a batch of new events for every read model, then its writes, checkpoints and COMMIT go out in one round trip, and the read models equal a rebuild', async () => {
    resetClock(1000);
    const runner = new ProjectionRunner(ds, createProjections(), kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
    // The first batch on the connection parses the leadership runs' statements (their own round trips, once).
    const warmup = storyBatch(8);
    await recordInStore(ds, warmup);
    await runner.handleBatch({ topic: topics.events, partition: 0, messages: warmup.map((e, i) => message(e, i, topics.events, 0)) });

    const events = storyBatch(24);
    await recordInStore(ds, events);
    sent.length = 0;
    await runner.handleBatch({ topic: topics.events, partition: 0, messages: events.map((e, i) => message(e, 100 + i, topics.events, 0)) });

    const begin = sent.findIndex((s) => s.text.startsWith('BEGIN'));
    const pipelines = sent.map((s, i) => ({ ...s, i })).filter((s) => s.statements);
    expect(pipelines).toHaveLength(1);
    const [pipeline] = pipelines;
    expect(begin).toBeGreaterThanOrEqual(0);
    // Between the BEGIN and the pipeline only reads (the conflicts' candidates); no write on a round trip of its own.
    const between = sent.slice(begin + 1, pipeline.i).map((s) => s.text.trim().split(/\s+/)[0].toUpperCase());
    expect(between.filter((w) => w !== 'SELECT')).toEqual([]);
    // The pipeline carries every read model's writes, the leadership runs' lock and refresh, the checkpoints, COMMIT.
    expect(pipeline.statements!.length).toBeGreaterThanOrEqual(10);
    expect(pipeline.statements!.slice(-2)).toEqual([expect.stringMatching(/^INSERT INTO read_model.projection_checkpoints/), 'COMMIT']);
    // The runs' settings before the lock, and (a small batch's refresh is planned without sequential scans) the
    // setting put back after the refresh.
    expect(pipeline.statements!.filter((s) => s.startsWith('SELECT set_config'))).toEqual([
      expect.stringMatching(/^SELECT set_config\('jit'/),
      expect.stringMatching(/^SELECT set_config\('enable_seqscan'/),
    ]);

    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM read_model.feed_items WHERE position > 1000`);
    expect(n).toBe(32);
    expect((await checkReadModels(db.url, { label: 'write_pipeline_rebuild' })).problems).toEqual([]);
  });

  it('given a write Postgres refuses inside the pipeline, then the batch is redone carefully: that event dead-lettered for that read model only, the rest applied; a read after a held write sees it', async () => {
    resetClock(2000);
    const probe = new ProbeProjection();
    const runner = new ProjectionRunner(ds, [...createProjections(['leadership', 'feed']), probe], kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
    });
    // A clean batch first: the probe's read after its held write counts the rows that write added.
    const clean = [appointed('person:ok-a', 'CFO', '2025-01-01'), appointed('person:ok-b', 'CFO', '2025-01-02')];
    await recordInStore(ds, clean);
    await runner.handleBatch({ topic: topics.events, partition: 1, messages: clean.map((e, i) => message(e, i, topics.events, 1)) });
    expect(probe.counted).toEqual([2]);

    // Then one Postgres refuses: with no read after it, the error comes back from the pipeline that carries the COMMIT.
    probe.readBack = false;
    const events = [
      appointed('person:ok-1', 'CFO', '2025-02-01'),
      appointed('person:poison', 'CFO', '2025-03-01'),
      appointed('person:ok-2', 'COO', '2025-04-01'),
    ];
    await recordInStore(ds, events);
    await runner.handleBatch({ topic: topics.events, partition: 1, messages: events.map((e, i) => message(e, 2 + i, topics.events, 1)) });

    expect(await ds.query(`SELECT subject FROM read_model.pipeline_probe WHERE position > 2000 ORDER BY position`)).toEqual([
      { subject: 'person:ok-a' },
      { subject: 'person:ok-b' },
      { subject: 'person:ok-1' },
      { subject: 'person:ok-2' },
    ]);
    expect(await ds.query(`SELECT projection, position::text FROM read_model.projection_failures WHERE position > 2000`)).toEqual([
      { projection: 'probe', position: events[1].globalPosition },
    ]);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM read_model.leadership_events WHERE subject IN ('person:ok-1', 'person:poison', 'person:ok-2')`,
    );
    expect(n).toBe(3);
    const checkpoints = await ds.query(
      `SELECT projection, last_position::text AS p FROM read_model.projection_checkpoints WHERE topic = $1 AND partition = 1 ORDER BY projection`,
      [topics.events],
    );
    expect(checkpoints).toEqual(['feed', 'leadership', 'probe'].map((projection) => ({ projection, p: events[2].globalPosition })));
  });
});
