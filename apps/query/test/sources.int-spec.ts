import { INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, PROJECTION_NAMES, projectedFromStored, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { ProblemFilter } from '@newsroom/platform';
import { createTestDatabase, departedEnvelope, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { amendmentAppend, sourcingAppend, storyAppends } from '../../../tests/fixtures/story.fixture';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { READ_DB } from '../src/database/read-database.module';
import { mapQueryError } from '../src/query-errors.mapper';
import { ConflictsWithInterceptor } from '../src/reports/shared/conflicts-with.interceptor';
import { ConflictsWithRepository } from '../src/reports/shared/conflicts-with.repository';
import { EntityNamesRepository } from '../src/reports/shared/entity-names.repository';
import { ReadModelFreshness } from '../src/reports/shared/read-model-freshness.service';
import { SourcesController } from '../src/sources/sources.controller';
import { SourcesRepository } from '../src/sources/sources.repository';

interface SourceItem {
  factId: string;
  headline: string;
  lang: string;
  fallbacks: string[];
  stance: string;
  quote: string | null;
  status: string;
  corroboration: { outlets: number; confirms: number; denies: number; firstReportedAt: string | null; latestReportedAt: string | null };
  conflictsWith: string[];
}
interface SourcePage {
  id: string;
  outlet: string;
  items: SourceItem[];
}

/**
 * GET /v1/sources and /v1/sources/{id} over HTTP (the controller, its interceptor and repository in a Nest app) on
 * read models projected from a real Postgres log: corroboration as the other reports count it, sources attached
 * later (POST /v1/events/{id}/sources) listed with their stance, through corrections, retractions and knownAt, `lang`
 * and `fallbacks` on every item, and a rebuild giving the same tables as the live projection.
 */
describe('sources read model and endpoint (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const at: Record<string, string> = {};

  const own = { outlet: 'Alpha Times', url: 'https://alpha.example/jane', title: 'Jane leaves', language: 'en', publishedAt: '2024-09-26' };
  const second = { outlet: 'Beta News', url: 'https://beta.example/jane', title: 'Beta confirms', language: 'en', quote: 'she is gone' };
  const skeptic = { outlet: 'Skeptic Post', url: 'https://skeptic.example/no', title: 'Not so fast', language: 'fr' };
  const later = { outlet: 'Gamma Wire', url: 'https://gamma.example/bob', title: 'Bob too', language: 'en' };
  // A role the glossary does not know: in French it falls back to the English text.
  const jane = departedEnvelope({
    subject: 'person:f2-jane',
    sources: [own],
    data: { organization: 'org:f2-acme', role: 'Head of Zebra Research', roleCategory: 'research', reason: 'resigned' },
  });
  const bob = departedEnvelope({ subject: 'person:f2-bob', sources: [own] });
  // A story attached twice to Carol's fact, denying it, then (after a correction of the fact) confirming it.
  const flip = { outlet: 'T3 Flip', url: 'https://flip.example/1' };
  const carol = departedEnvelope({ subject: 'person:f2-carol', sources: [own] });
  // One story written two ways (the same url), denied later in its second form; an outlet in capitals.
  const daily = { outlet: 'T3 Daily', url: 'https://daily.example/1', language: 'en' };
  const dailyAgain = { outlet: 't3  daily', url: 'https://daily.example/1', language: 'en' };
  const herald = { outlet: 'T3 HERALD', url: 'https://herald.example/1', language: 'en' };
  const dave = departedEnvelope({ subject: 'person:f2-dave', sources: [daily, herald] });

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const page = async (source: object, query = '') => (await get<SourcePage>(`/v1/sources/${sourceIdOf(source)}${query}`)).body;
  const outlets = async (query = '') =>
    (await get<{ items: Array<{ outlet: string }> }>(`/v1/sources?limit=1000${query}`)).body.items.map((s) => s.outlet);

  beforeAll(async () => {
    db = await createTestDatabase('sources-http');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const step = async (append: Parameters<PgEventStore['append']>[0]) => {
      const [e] = await store.append(append);
      await pastMillisecondOf(e.recordedAt);
      return e.recordedAt;
    };
    const story = await store.appendMany(storyAppends([jane, bob, carol]));
    await pastMillisecondOf(story.at(-1)!.recordedAt);
    at.story = story[0].recordedAt;
    at.confirmed = await step(sourcingAppend(jane.subject, jane.id, second, 'confirms'));
    at.denied = await step(sourcingAppend(jane.subject, jane.id, skeptic, 'denies'));
    at.corrected = await step(
      amendmentAppend(jane.subject, 'corrected', jane.id, { changes: { occurredAt: '2024-09-27' }, reason: 'The date was a day off.' }),
    );
    at.bobSourced = await step(sourcingAppend(bob.subject, bob.id, later, 'confirms'));
    at.bobRetracted = await step(amendmentAppend(bob.subject, 'retracted', bob.id, { reason: 'He stays.' }));
    at.flipDenied = await step(sourcingAppend(carol.subject, carol.id, flip, 'denies'));
    await step(amendmentAppend(carol.subject, 'corrected', carol.id, { changes: { occurredAt: '2024-09-28' }, reason: 'A day off.' }));
    at.flipConfirmed = await step(sourcingAppend(carol.subject, carol.id, flip, 'confirms'));
    // Said again: the same word twice changes nothing.
    await step(sourcingAppend(carol.subject, carol.id, flip, 'confirms'));
    const [daveStory] = await store.appendMany(storyAppends([dave]));
    await pastMillisecondOf(daveStory.recordedAt);
    at.dave = daveStory.recordedAt;
    await step(sourcingAppend(dave.subject, dave.id, dailyAgain, 'denies'));
    // Live: pages of two events, so an attached source and a correction of its fact share a batch.
    await applyLog(store, ds, { pageSize: 2, batched: true });

    const moduleRef = await Test.createTestingModule({
      controllers: [SourcesController],
      providers: [
        SourcesRepository,
        EntityNamesRepository,
        ConflictsWithRepository,
        { provide: READ_DB, useValue: ds },
        { provide: ReadModelFreshness, useValue: { settle: async () => undefined } },
        { provide: APP_INTERCEPTOR, useClass: ConflictsWithInterceptor },
        { provide: APP_FILTER, useValue: new ProblemFilter(mapQueryError) },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('a fact on a source page carries the corroboration the other reports give it (D1)', async () => {
    const [item] = (await page(own)).items.filter((i) => i.factId === jane.id);
    expect(item.corroboration).toEqual({
      outlets: 3,
      confirms: 2,
      denies: 1,
      firstReportedAt: expect.any(String),
      latestReportedAt: expect.any(String),
    });
    expect(item.conflictsWith).toEqual([]);
    // As recorded at knownAt: before the attached sources, its own outlet alone.
    const before = (await page(own, `?knownAt=${encodeURIComponent(at.story)}`)).items.find((i) => i.factId === jane.id)!;
    expect(before.corroboration).toMatchObject({ outlets: 1, confirms: 1, denies: 0 });
  });

  it('attached sources are listed as stories and their pages list the fact with its stance (D2)', async () => {
    expect(await outlets()).toEqual(expect.arrayContaining(['Alpha Times', 'Beta News', 'Skeptic Post']));
    expect(await outlets('&outlet=Skeptic%20Post')).toEqual(['Skeptic Post']);
    const beta = await page(second);
    expect(beta.outlet).toBe('Beta News');
    expect(beta.items.map((i) => [i.factId, i.stance, i.quote, i.status])).toEqual([[jane.id, 'confirms', 'she is gone', 'corrected']]);
    expect(beta.items[0].corroboration).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
    const denying = await page(skeptic);
    expect(denying.items.map((i) => [i.factId, i.stance])).toEqual([[jane.id, 'denies']]);
    // The fact's own source confirms it.
    expect((await page(own)).items.find((i) => i.factId === jane.id)!.stance).toBe('confirms');
  });

  it("a story attached twice has its latest word on the fact, as the fact's corroboration counts it", async () => {
    const flipped = await page(flip);
    expect(flipped.items.map((i) => [i.factId, i.stance, i.status])).toEqual([[carol.id, 'confirms', 'corrected']]);
    expect(flipped.items[0].corroboration).toMatchObject({ outlets: 2, confirms: 2, denies: 0 });
    // One story under the outlet, confirming.
    const listed = (await get<{ items: Array<{ id: string; outlet: string }> }>('/v1/sources?outlet=T3%20Flip')).body.items;
    expect(listed.map((s) => [s.id, s.outlet])).toEqual([[sourceIdOf(flip), 'T3 Flip']]);
    // Before the second word, the denial, on the version that stood then.
    const then = await page(flip, `?knownAt=${encodeURIComponent(at.flipDenied)}`);
    expect(then.items.map((i) => [i.factId, i.stance, i.status])).toEqual([[carol.id, 'denies', 'current']]);
    expect(then.items[0].corroboration).toMatchObject({ outlets: 2, confirms: 1, denies: 1 });
  });

  it('?outlet= matches outlets as corroboration compares them, and one story written two ways is one story', async () => {
    expect(await outlets('&outlet=T3%20Herald')).toEqual(['T3 HERALD']);
    expect(await outlets('&outlet=t3%20%20HERALD%20')).toEqual(['T3 HERALD']);
    // "T3 Daily" and "t3  daily" citing one url: one story, as first written, whichever form is asked for.
    const listed = (await get<{ items: Array<{ id: string; outlet: string }> }>('/v1/sources?outlet=T3%20Daily')).body.items;
    expect(listed.map((s) => [s.id, s.outlet])).toEqual([[sourceIdOf(daily), 'T3 Daily']]);
    for (const form of [daily, dailyAgain]) {
      const story = await page(form);
      expect([story.id, story.outlet]).toEqual([sourceIdOf(daily), 'T3 Daily']);
      // Its latest word on the fact: the second form denied it, as the fact's corroboration counts the outlet.
      expect(story.items.map((i) => [i.factId, i.stance])).toEqual([[dave.id, 'denies']]);
      expect(story.items[0].corroboration).toMatchObject({ outlets: 2, confirms: 1, denies: 1 });
    }
    const before = await page(dailyAgain, `?knownAt=${encodeURIComponent(at.dave)}`);
    expect(before.items.map((i) => [i.factId, i.stance])).toEqual([[dave.id, 'confirms']]);
  });

  it('an attached source follows its fact through knownAt, corrections and retractions (D2)', async () => {
    // Before it was attached, the story backs nothing yet.
    expect((await get(`/v1/sources/${sourceIdOf(second)}?knownAt=${encodeURIComponent(at.story)}`)).status).toBe(404);
    expect(await outlets(`&knownAt=${encodeURIComponent(at.story)}`)).toEqual(['Alpha Times']);
    // Attached, before the correction: the first version; after it, the corrected one.
    const attached = await page(second, `?knownAt=${encodeURIComponent(at.denied)}`);
    expect(attached.items.map((i) => [i.factId, i.status])).toEqual([[jane.id, 'current']]);
    expect(attached.items[0].corroboration).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
    expect((await page(second, `?knownAt=${encodeURIComponent(at.confirmed)}`)).items[0].corroboration).toMatchObject({
      outlets: 2,
      denies: 0,
    });
    // Bob's fact was retracted: the story attached to it backs nothing now, but did before the retraction.
    expect((await get(`/v1/sources/${sourceIdOf(later)}`)).status).toBe(404);
    expect(await outlets()).not.toContain('Gamma Wire');
    const then = await page(later, `?knownAt=${encodeURIComponent(at.bobSourced)}`);
    expect(then.items.map((i) => [i.factId, i.stance])).toEqual([[bob.id, 'confirms']]);
  });

  it("refuses an id not of a source id's form with a 400 naming it, and says a UUID is another kind of id (t29)", async () => {
    const problem = async (id: string) => {
      const res = await get<{ code: string; errors: Array<{ path: string; message: string }> }>(`/v1/sources/${id}`);
      return { status: res.status, code: res.body.code, errors: res.body.errors };
    };
    expect(await problem(jane.id)).toEqual({
      status: 400,
      code: 'REQUEST.INVALID',
      errors: [
        {
          path: 'id',
          message: "must be a source id (24 hex characters), not a UUID: a UUID is an event's id (GET /v1/events/{id}) or a conflict's",
        },
      ],
    });
    expect(await problem('not-an-id')).toEqual({
      status: 400,
      code: 'REQUEST.INVALID',
      errors: [{ path: 'id', message: 'must be a source id (24 hex characters)' }],
    });
    // Of the form, recorded nowhere: 404.
    expect((await get(`/v1/sources/${'0'.repeat(24)}`)).status).toBe(404);
  });

  it('every item says its language and lists the fields that fell back (D9)', async () => {
    const fr = (await page(own, '?lang=fr')).items.find((i) => i.factId === jane.id)!;
    expect(fr.lang).toBe('fr');
    expect(fr.fallbacks).toEqual(['data.role']);
    expect(fr.headline).toContain('Head of Zebra Research [en]');
    const en = (await page(own)).items.find((i) => i.factId === jane.id)!;
    expect([en.lang, en.fallbacks]).toEqual(['en', []]);
  });

  it('BI: reporting.source_facts keeps the stories a fact rests on, reporting.source_links adds the attached ones with their stance', async () => {
    const rows = async (view: string, columns: string) =>
      (await db.pool.query(`SELECT ${columns} FROM reporting.${view} WHERE fact_id = $1 ORDER BY source_id`, [jane.id])).rows;
    expect(await rows('source_facts', 'source_id, fact_status')).toEqual([{ source_id: sourceIdOf(own), fact_status: 'corrected' }]);
    const links = await rows('source_links', 'source_id, stance, attached, quote, fact_status');
    expect(links).toEqual(
      [
        { source_id: sourceIdOf(own), stance: 'confirms', attached: false, quote: null, fact_status: 'corrected' },
        { source_id: sourceIdOf(second), stance: 'confirms', attached: true, quote: 'she is gone', fact_status: 'corrected' },
        { source_id: sourceIdOf(skeptic), stance: 'denies', attached: true, quote: null, fact_status: 'corrected' },
      ].sort((a, b) => (a.source_id < b.source_id ? -1 : 1)),
    );
    // A retracted fact stands no more: none of its stories is on it in either view.
    expect((await db.pool.query('SELECT count(*)::int AS n FROM reporting.source_links WHERE fact_id = $1', [bob.id])).rows[0].n).toBe(0);
  });

  it('the CSV page has the stance column', async () => {
    const res = await fetch(`${base}/v1/sources/${sourceIdOf(skeptic)}?format=csv`);
    const [header, row] = (await res.text()).trim().split(/\r?\n/);
    expect(header.split(',')).toContain('stance');
    expect(row).toContain('denies');
  });

  it('a rebuild of the read models gives the same tables as the live projection', async () => {
    const live = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'sources-test', partitions: [0] });
    const rebuilt = await readModelSnapshot(ds);
    expect(rebuilt.source_facts).toEqual(live.source_facts);
    expect(rebuilt.sources).toEqual(live.sources);
    // And event by event, one transaction each, then every event once more (a redelivery changes nothing).
    await ds.query(`TRUNCATE read_model.source_facts, read_model.sources`);
    const [sources] = createProjections(['sources']);
    const events = (await store.readAll('0', 1000)).map((e) => projectedFromStored(e));
    for (const e of [...events, ...events]) if (sources.handles!(e)) await ds.transaction((m) => sources.apply(m, e));
    const single = await readModelSnapshot(ds);
    expect(single.source_facts).toEqual(live.source_facts);
    expect(single.sources).toEqual(live.sources);
  });
});
