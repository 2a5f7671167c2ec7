import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { amendmentAppend, sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { ConflictsRepository, type ConflictsQuery } from '../src/reports/conflicts/conflicts.repository';
import { EntityNamesRepository } from '../src/reports/shared/entity-names.repository';

const ORG = 'org:f3-acme';
const src = (outlet: string) => [{ outlet, language: 'en' }];
const loss = (id: string, amount: string, currency: string, period: string, outlet: string) =>
  toAppend({
    id,
    type: 'financial.loss_reported',
    subject: ORG,
    occurredAt: period,
    data: { money: { amount, currency }, period, basis: 'actual' },
    sources: src(outlet),
  });
const departed = (id: string, occurredAt: string, outlet: string) =>
  toAppend({
    id,
    type: 'executive.departed',
    subject: 'person:f3-carl',
    occurredAt,
    data: { organization: ORG, role: 'Chief Financial Officer', roleCategory: 'c-suite' },
    sources: src(outlet),
  });

/**
 * What a reader sees of corrected facts: a correction's feed item names the fact as that correction left it (each of
 * several successive corrections its own state; an attached source or a retraction after them the state then), and a
 * conflict's sides show a value and a headline from one state of the fact, open or closed by a correction. The same
 * live (event by event or in batches, redelivered or not) and after a rebuild.
 */
describe('headlines of corrected facts: feed items and conflict sides (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const small = randomUUID(); // 250000.50 EUR, corrected to 275000, then to 300000
  const fix1 = randomUUID();
  const confirm = randomUUID();
  const fix2 = randomUUID();
  const retraction = randomUUID();
  const jane = randomUUID();
  const janeFix = randomUUID();
  const five = randomUUID(); // 5 billion USD for 2024
  const fiveFour = randomUUID(); // 5.4 billion, corrected to 5.6 billion: the conflict stays open
  const fiveFix = randomUUID();
  const carlA = randomUUID(); // 2024-02-10
  const carlB = randomUUID(); // 2024-06-15, corrected to 2024-02: the conflict closes
  const carlFix = randomUUID();

  const headlines = async (): Promise<Record<string, { en: string; fr: string }>> => {
    const rows: Array<{ event_id: string; headline_en: string; headline_fr: string }> = await ds.query(
      `SELECT event_id, headline_en, headline_fr FROM read_model.feed_items`,
    );
    return Object.fromEntries(rows.map((r) => [r.event_id, { en: r.headline_en, fr: r.headline_fr }]));
  };
  const conflicts = (lang: 'en' | 'fr', subject: string = ORG) => {
    const q: ConflictsQuery = { status: null, kind: null, subject, knownAt: null, lang, limit: 100, cursor: null };
    return new ConflictsRepository(ds, new EntityNamesRepository(ds)).report(q);
  };
  const resetReadModels = async () => {
    const tables = createProjections().flatMap((p) => p.tables ?? []);
    await ds.query(`TRUNCATE ${tables.map((t) => `read_model.${t}`).join(', ')}`);
  };

  beforeAll(async () => {
    db = await createTestDatabase('corrected_headlines');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const appends = [
      loss(small, '250000.50', 'EUR', '2024-H1', 'Alpha Times'),
      amendmentAppend(
        ORG,
        'corrected',
        small,
        { changes: { data: { money: { amount: '275000', currency: 'EUR' } } }, reason: 'typo' },
        fix1,
      ),
      sourcingAppend(ORG, small, { outlet: 'Beta News', language: 'en' }, 'confirms', confirm),
      amendmentAppend(
        ORG,
        'corrected',
        small,
        { changes: { data: { money: { amount: '300000', currency: 'EUR' } } }, reason: 'audit' },
        fix2,
      ),
      toAppend({
        id: jane,
        type: 'executive.appointed',
        subject: 'person:f3-jane',
        occurredAt: '2024-03',
        data: { organization: ORG, role: { en: 'Chief Executive Officer', fr: 'directrice générale' }, roleCategory: 'c-suite' },
        sources: [{ outlet: 'Le Monde Test', language: 'fr' }],
      }),
      amendmentAppend(
        'person:f3-jane',
        'corrected',
        jane,
        { changes: { data: { role: { fr: 'présidente-directrice générale' } } }, reason: 'titre' },
        janeFix,
      ),
      loss(five, '5000000000', 'USD', '2024', 'Alpha Times'),
      loss(fiveFour, '5400000000', 'USD', '2024', 'Beta News'),
      amendmentAppend(
        ORG,
        'corrected',
        fiveFour,
        { changes: { data: { money: { amount: '5600000000', currency: 'USD' } } }, reason: 'misread' },
        fiveFix,
      ),
      departed(carlA, '2024-02-10', 'Alpha Times'),
      departed(carlB, '2024-06-15', 'Beta News'),
      amendmentAppend('person:f3-carl', 'corrected', carlB, { changes: { occurredAt: '2024-02' }, reason: 'wrong month' }, carlFix),
      amendmentAppend(ORG, 'retracted', small, { reason: 'withdrawn' }, retraction),
    ];
    for (const a of appends) await store.append(a);
    // Event by event, each in its own transaction: every amendment finds the earlier corrections stored.
    await applyLog(store, ds, { pageSize: 1, batched: false });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('each correction item names the fact as that correction left it, in English and French', async () => {
    const h = await headlines();
    // The figures as the renderers write them (whatever their rounding): 250,000.50 / 250 000,5 before any correction.
    const says = (text: string, n: '250' | '275' | '300') => new RegExp(`\\b${n}[ ,.\\u00a0\\u202f]?(000|thousand)`).test(text);
    expect(says(h[small].en, '250') && says(h[small].fr, '250')).toBe(true);
    for (const lang of ['en', 'fr'] as const) {
      expect(h[fix1][lang]).toMatch(lang === 'en' ? /^Correction: / : /^Correction\u00a0: /);
      expect([says(h[fix1][lang], '275'), says(h[fix1][lang], '250')]).toEqual([true, false]);
      expect([says(h[fix2][lang], '300'), says(h[fix2][lang], '275')]).toEqual([true, false]);
      // Between the two corrections an outlet confirmed the fact as it then stood; the retraction withdraws the last.
      expect([says(h[confirm][lang], '275'), says(h[confirm][lang], '250')]).toEqual([true, false]);
      expect([says(h[retraction][lang], '300'), says(h[retraction][lang], '250')]).toEqual([true, false]);
    }
    expect(h[confirm].en).toMatch(/^Beta News confirms: /);
    expect(h[janeFix].fr).toContain('présidente-directrice générale');
    expect(h[jane].fr).not.toContain('présidente');
    expect(h[fiveFix].en).toMatch(/^Correction: .*5\.6 billion/);
    expect(h[fiveFix].fr).toMatch(/^Correction\u00a0: .*5,6\u00a0milliards/);
    expect(h[carlFix].en).toMatch(/^Correction: /);
    expect(h[carlFix].en).not.toMatch(/June|06-15/);
  });

  it('a conflict side shows one state of its fact: the value and the headline agree, open or closed by a correction', async () => {
    for (const lang of ['en', 'fr'] as const) {
      const { items } = await conflicts(lang);
      const open = items.find((c) => c.sides.some((s) => s.eventId === fiveFour))!;
      expect(open.status).toBe('open');
      const corrected = open.sides.find((s) => s.eventId === fiveFour)!;
      expect(corrected.value.amount).toBe('5600000000');
      expect(corrected.headline).toContain(lang === 'en' ? '5.6 billion' : '5,6\u00a0milliards');
      expect(open.sides.find((s) => s.eventId === five)!.headline).toContain(lang === 'en' ? '5 billion' : '5\u00a0milliards');
    }
    const { items } = await conflicts('en', 'person:f3-carl');
    // Closed by the correction: the sides show the facts as they stand now (they agree, which is why it closed).
    const closed = items.find((c) => c.sides.some((s) => s.eventId === carlB))!;
    expect(closed).toMatchObject({ status: 'resolved', resolution: { by: 'correction', eventId: carlFix }, fields: ['occurredAt'] });
    const side = closed.sides.find((s) => s.eventId === carlB)!;
    expect(side).toMatchObject({ occurredAt: '2024-02', value: { occurredAt: '2024-02' } });
    expect(side.headline).not.toMatch(/June|2024-06/);
    expect(Object.keys(side)).not.toContain('data');
  });

  it('in batches, redelivered, and rebuilt from the store, the read models are the same', async () => {
    const live = await readModelSnapshot(ds);
    const liveHeadlines = await headlines();
    const liveConflicts = await conflicts('fr');
    await resetReadModels();
    await applyLog(store, ds, { pageSize: 4, batched: true });
    expect(await headlines()).toEqual(liveHeadlines);
    // A redelivery of the whole log changes nothing.
    await applyLog(store, ds, { pageSize: 100, batched: true });
    expect(await headlines()).toEqual(liveHeadlines);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'f3-headlines',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    expect(await readModelSnapshot(ds)).toEqual(live);
    expect(await conflicts('fr')).toEqual(liveConflicts);
  });
});
