import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const SOURCES = [{ outlet: 'Example Daily', language: 'en' }];
const filing = (id: string, subject: string, plaintiffs: string[], defendants: string[]) =>
  toAppend({
    id,
    type: 'lawsuit.filed',
    subject,
    occurredAt: '2024-02-29',
    data: { title: 'A v. B', plaintiffs, defendants, claims: ['x'] },
    sources: SOURCES,
  });
const step = (id: string, subject: string, status: string, occurredAt: string) =>
  toAppend({ id, type: 'lawsuit.status_changed', subject, occurredAt, data: { status }, sources: SOURCES });

/**
 * A case's step (`lawsuit.status_changed`) names only its case; its feed item reaches the organizations the case's
 * filing names as parties, as the corrections before the step left them, so a reader following `org:openai` sees the
 * settlement of a suit against it. Applied event by event, in batches, and by a rebuild, on real Postgres.
 */
describe("feed: a case's steps reach its parties' organizations (real Postgres)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = { filed: randomUUID(), motion: randomUUID(), corrected: randomUUID(), settled: randomUUID(), other: randomUUID() };

  const orgsOf = async (eventId: string): Promise<string[]> =>
    ((await ds.query(`SELECT organizations FROM read_model.feed_items WHERE event_id = $1`, [eventId]))[0]?.organizations ?? []).sort();

  beforeAll(async () => {
    db = await createTestDatabase('case_parties');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.append(filing(ids.filed, 'case:musk-v-openai', ['person:elon-musk', 'org:x-corp'], ['org:openai', 'person:sam-altman']));
    await store.append(step(ids.motion, 'case:musk-v-openai', 'motion_filed', '2024-06-10'));
    // The plaintiff was wrong: the correction moves the suit to another organization before the settlement.
    await store.append(
      amendmentAppend(
        'case:musk-v-openai',
        'corrected',
        ids.filed,
        { changes: { data: { plaintiffs: ['person:elon-musk', 'org:xai'] } }, reason: 'plaintiff' },
        ids.corrected,
      ),
    );
    await store.append(step(ids.settled, 'case:musk-v-openai', 'settled', '2025-01'));
    // Another case with no organization among its parties: its steps reach no organization.
    await store.append(filing(randomUUID(), 'case:doe-v-roe', ['person:doe'], ['person:roe']));
    await store.append(step(ids.other, 'case:doe-v-roe', 'dismissed', '2024-07'));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it.each([
    ['event by event', { pageSize: 100, batched: false }],
    ['the whole log in one batch', { pageSize: 100, batched: true }],
    ['a batch of two at a time', { pageSize: 2, batched: true }],
  ])('applied %s, each step names the parties its filing named then', async (_how, options) => {
    await ds.query(`TRUNCATE read_model.feed_items`);
    await applyLog(store, ds, options);
    expect(await orgsOf(ids.motion)).toEqual(['org:openai', 'org:x-corp']);
    expect(await orgsOf(ids.settled)).toEqual(['org:openai', 'org:xai']);
    expect(await orgsOf(ids.other)).toEqual([]);
    // The feed's organization filter (organizations && $1) finds the settlement for a reader of org:openai.
    const forOpenai: Array<{ type: string }> = await ds.query(
      `SELECT type FROM read_model.feed_items WHERE organizations && $1::text[] ORDER BY position`,
      [['org:openai']],
    );
    expect(forOpenai.map((r) => r.type)).toEqual(['lawsuit.filed', 'lawsuit.status_changed', 'event.corrected', 'lawsuit.status_changed']);
  });

  it('a rebuild from the event store gives the same feed', async () => {
    await ds.query(`TRUNCATE read_model.feed_items`);
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const incremental = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'case-parties-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    expect((await readModelSnapshot(ds)).feed_items).toEqual(incremental.feed_items);
    expect(await orgsOf(ids.settled)).toEqual(['org:openai', 'org:xai']);
  });
});
