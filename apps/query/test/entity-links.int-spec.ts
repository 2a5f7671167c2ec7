import { DataSource } from 'typeorm';
import { EventLogReader, PgEventStore } from '@newsroom/event-store';
import { createProjections, PROJECTION_NAMES, ProjectionRebuilder, projectedFromStored } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { seedEnvelopes, storyAppends, toAppend } from '../../../tests/fixtures/story.fixture';
import { EntitiesRepository } from '../src/entities/entities.repository';
import { DeparturesRepository } from '../src/reports/departures/departures.repository';
import { FeedRepository } from '../src/feed/feed.repository';
import { scopeFeedFilter } from '../src/feed/feed-query.reader';
import { FinancialsRepository } from '../src/reports/financials/financials.repository';
import { LawsuitsRepository } from '../src/reports/lawsuits/lawsuits.repository';
import { LeadershipRepository } from '../src/reports/leadership/leadership.repository';
import { EntityLinksRepository } from '../src/reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../src/reports/shared/entity-names.repository';
import { TimelineRepository } from '../src/reports/timeline/timeline.repository';

const page = { asOf: null, modality: null, limit: 100, cursor: null };
const SOURCE = { outlet: 'Fixture Wire', language: 'en' };

// One entity, many names: a departure recorded under other slugs of Mira Murati and of OpenAI, then merged, then
// one merge reversed. Rebuilt from the log (the rebuild-vs-incremental property covers every interleaving).
describe('entity links: merged subjects in the entity page and the reports, with knownAt (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const at: Record<string, string> = {};
  let links: EntityLinksRepository;
  let names: EntityNamesRepository;
  let departures: DeparturesRepository;
  let entities: EntitiesRepository;

  beforeAll(async () => {
    db = await createTestDatabase('entity_links');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    const [departed] = await store.append(
      toAppend({
        type: 'executive.departed',
        subject: 'person:m-murati',
        occurredAt: '2024-09-25',
        sources: [SOURCE],
        data: { organization: 'org:openai-inc', role: 'CTO', roleCategory: 'c-suite' },
      }),
    );
    // A figure and a lawsuit recorded under the other slug of OpenAI, before the merge.
    await store.append(
      toAppend({
        type: 'financial.loss_reported',
        subject: 'org:openai-inc',
        occurredAt: '2024-10',
        sources: [SOURCE],
        data: { money: { amount: '5000000000', currency: 'USD' }, period: '2024', basis: 'projected' },
      }),
    );
    await store.append(
      toAppend({
        type: 'lawsuit.filed',
        subject: 'case:authors-v-openai-inc',
        occurredAt: '2024-07',
        sources: [SOURCE],
        data: { title: 'Authors v. OpenAI Inc', plaintiffs: ['person:some-author'], defendants: ['org:openai-inc'], claims: ['copyright'] },
      }),
    );
    // Each link in a millisecond of its own: the cases below ask at the millisecond before one.
    const record = async (subject: string, type: string, data: object) => {
      const [stored] = await store.append(toAppend({ type, subject, occurredAt: null, data }));
      await pastMillisecondOf(stored.recordedAt);
      return stored;
    };
    const person = await record('person:m-murati', 'entity.merged', { into: 'person:mira-murati', reason: 'same person' });
    const org = await record('org:openai-inc', 'entity.merged', { into: 'org:openai', reason: 'same company' });
    await record('person:mira-murati', 'entity.aliased', { name: 'Ermira Murati' });
    const apart = await record('person:m-murati', 'entity.unmerged', {
      from: 'person:mira-murati',
      reason: 'checked: not the same record',
    });
    Object.assign(at, { departed: departed.recordedAt, merged: person.recordedAt, orgMerged: org.recordedAt, unmerged: apart.recordedAt });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'entity-links-test', partitions: [0] });
    links = new EntityLinksRepository(ds);
    names = new EntityNamesRepository(ds);
    departures = new DeparturesRepository(ds, links);
    entities = new EntitiesRepository(ds, new TimelineRepository(ds, links, names), links, names);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the read model keeps each merge and alias with when it became known, and the reversal with when that did', async () => {
    const rows = await ds.query(
      `SELECT subject, link, target, unlinked_at IS NOT NULL AS ended FROM read_model.entity_links ORDER BY linked_position`,
    );
    expect(rows).toEqual([
      { subject: 'person:m-murati', link: 'merge', target: 'person:mira-murati', ended: true },
      { subject: 'org:openai-inc', link: 'merge', target: 'org:openai', ended: false },
      { subject: 'person:mira-murati', link: 'name', target: 'Ermira Murati', ended: false },
    ]);
  });

  it('while merged (knownAt), the entity page shows one entity with both subjects and every name, and its facts', async () => {
    const q = { ...page, from: null, to: null, types: null, lang: 'en' as const };
    const whileMerged = new Date(Date.parse(at.unmerged) - 1).toISOString();
    const entity = await entities.find({ ...q, knownAt: whileMerged, subject: 'person:m-murati' });
    expect(entity).toMatchObject({
      subject: 'person:m-murati',
      canonicalSubject: 'person:mira-murati',
      displayName: 'Mira Murati',
      mergedSubjects: [{ subject: 'person:m-murati', displayName: 'M Murati' }],
      names: ['Mira Murati', 'M Murati', 'Ermira Murati'],
    });
    expect(entity!.items.map((i) => [i.subject, i.canonicalSubject])).toEqual(
      expect.arrayContaining([
        ['person:m-murati', 'person:mira-murati'],
        ['person:mira-murati', 'person:mira-murati'],
      ]),
    );
  });

  it('asked at the recordedAt an event came back with, the report includes that event (recordedAt is to the millisecond)', async () => {
    const asked = async (knownAt: string, subject: string) =>
      (await entities.find({ ...page, knownAt, subject, from: null, to: null, types: null, lang: 'en' }))?.canonicalSubject;
    expect(await asked(at.merged, 'person:m-murati')).toBe('person:mira-murati');
    expect(await asked(at.unmerged, 'person:m-murati')).toBe('person:m-murati');
  });

  it('before the merge was known they are apart; after the unmerge they are apart again; the org merge still joins the report', async () => {
    const beforeMerge = new Date(Date.parse(at.merged) - 1).toISOString();
    const apart = await entities.find({
      ...page,
      knownAt: beforeMerge,
      subject: 'person:m-murati',
      from: null,
      to: null,
      types: null,
      lang: 'en',
    });
    expect(apart).toMatchObject({ canonicalSubject: 'person:m-murati', mergedSubjects: [] });
    const now = await entities.find({
      ...page,
      knownAt: null,
      subject: 'person:mira-murati',
      from: null,
      to: null,
      types: null,
      lang: 'en',
    });
    expect(now).toMatchObject({ canonicalSubject: 'person:mira-murati', mergedSubjects: [], aliases: ['Ermira Murati'] });

    const report = async (knownAt: string | null) => {
      const r = await departures.report({ ...page, knownAt, organization: 'org:openai', from: null, to: null, groupBy: null });
      if (!('items' in r)) throw new Error('expected a page');
      return r.items.filter((i) => i.person.includes('murati')).map((i) => [i.person, i.canonicalPerson, i.organization]);
    };
    // Recorded under org:openai-inc: only in the org:openai report once that merge is known.
    expect(await report(beforeMerge)).toEqual([['person:mira-murati', 'person:mira-murati', 'org:openai']]);
    expect(await report(new Date(Date.parse(at.unmerged) - 1).toISOString())).toEqual([
      ['person:mira-murati', 'person:mira-murati', 'org:openai'],
      ['person:m-murati', 'person:mira-murati', 'org:openai-inc'],
    ]);
    expect(await report(null)).toEqual([
      ['person:mira-murati', 'person:mira-murati', 'org:openai'],
      ['person:m-murati', 'person:m-murati', 'org:openai-inc'],
    ]);
  });

  it('financials and lawsuits take in the organization merged with the one asked for, from when the merge is known', async () => {
    const financials = new FinancialsRepository(ds, links);
    const losses = async (knownAt: string | null) =>
      (await financials.report({ ...page, knownAt, organization: 'org:openai', metric: ['loss'], basis: null, from: null, to: null })).items
        .filter((i) => i.basis === 'projected')
        .map((i) => [i.organization, i.canonicalOrganization, i.amount]);
    const beforeOrgMerge = new Date(Date.parse(at.orgMerged) - 1).toISOString();
    expect(await losses(beforeOrgMerge)).toEqual([]);
    expect(await losses(null)).toEqual([['org:openai-inc', 'org:openai', '5000000000']]);
    // Asked by the merged slug, the entity is the same: its canonical subject's figures come too.
    const byAlias = await financials.report({
      ...page,
      knownAt: null,
      organization: 'org:openai-inc',
      metric: ['loss'],
      basis: null,
      from: null,
      to: null,
    });
    expect(byAlias.items.length).toBeGreaterThan(1);

    const lawsuits = new LawsuitsRepository(ds, links, names);
    const cases = async (knownAt: string | null) =>
      (await lawsuits.report({ ...page, knownAt, party: 'org:openai', status: null })).items.map((c) => [c.case, c.canonicalDefendants]);
    expect((await cases(beforeOrgMerge)).map(([c]) => c)).not.toContain('case:authors-v-openai-inc');
    expect(await cases(null)).toContainEqual(['case:authors-v-openai-inc', ['org:openai']]);
  });

  it('the leadership report takes in the organization merged with the one asked for, asked by either slug', async () => {
    // The report reads the page for the slug alone beside the merges, and again for the entity when one stands.
    const leadership = new LeadershipRepository(ds, links);
    const tenures = async (organization: string, knownAt: string | null) =>
      (await leadership.report({ organization, knownAt, asOf: null, modality: null, show: 'tenures' })).items
        .filter((t) => t.person === 'person:m-murati')
        .map((t) => [t.person, t.end?.eventId !== undefined]);
    const beforeOrgMerge = new Date(Date.parse(at.orgMerged) - 1).toISOString();
    expect(await tenures('org:openai', beforeOrgMerge)).toEqual([]);
    expect(await tenures('org:openai', null)).toEqual([['person:m-murati', true]]);
    expect(await tenures('org:openai-inc', null)).toEqual([['person:m-murati', true]]);
    expect(await tenures('org:openai-inc', beforeOrgMerge)).toEqual([['person:m-murati', true]]);
    const byAlias = await leadership.report({ organization: 'org:openai-inc', knownAt: null, asOf: null, modality: null, show: 'tenures' });
    const byCanonical = await leadership.report({ organization: 'org:openai', knownAt: null, asOf: null, modality: null, show: 'tenures' });
    expect(byAlias.items).toEqual(byCanonical.items);
  });

  it('the feed filters take in merged subjects: organization= and subjects= as the entity', async () => {
    const feed = new FeedRepository(ds);
    // The rebuild leaves the live feed's watermark to the projector: readers see up to it, so move it to the end.
    await ds.query(`UPDATE read_model.feed_watermark SET position = (SELECT max(position) FROM read_model.feed_items) WHERE id = 1`);
    const graph = await links.graph(null);
    const scoped = scopeFeedFilter({ types: null, subjects: null, organization: 'org:openai' }, graph);
    expect(scoped.organizations).toEqual(['org:openai', 'org:openai-inc']);
    const { items } = await feed.page(scoped, '0', 1000);
    expect(items.map((i) => i.subject)).toEqual(expect.arrayContaining(['org:openai-inc', 'case:authors-v-openai-inc', 'org:openai']));
    const unscoped = await feed.page({ types: null, subjects: null, organization: 'org:openai' }, '0', 1000);
    expect(unscoped.items.map((i) => i.subject)).not.toContain('org:openai-inc');
    // subjects= takes the items naming the entity in any role: both streams, and the facts of others naming either
    // subject (an appointment at OpenAI, a suit against OpenAI Inc.), as organization= does for an organization.
    const bySubject = await feed.page(scopeFeedFilter({ types: null, subjects: ['org:openai'], organization: null }, graph), '0', 1000);
    expect(bySubject.items.map((i) => i.subject)).toEqual(
      expect.arrayContaining(['org:openai', 'org:openai-inc', 'case:authors-v-openai-inc']),
    );
    expect(bySubject.items.every((i) => i.subjects.includes('org:openai') || i.subjects.includes('org:openai-inc'))).toBe(true);
    expect(bySubject.items.map((i) => i.eventId)).toEqual(items.map((i) => i.eventId));
  });

  it('reporting.entity_links shows each link, when it was known and reversed, and the canonical subject of a standing merge', async () => {
    const rows = await ds.query(
      `SELECT subject, subject_name, link, target, target_name, canonical_subject, standing, unlinked_at IS NOT NULL AS ended
       FROM reporting.entity_links ORDER BY linked_position`,
    );
    expect(rows).toEqual([
      {
        subject: 'person:m-murati',
        subject_name: 'M Murati',
        link: 'merge',
        target: 'person:mira-murati',
        target_name: 'Mira Murati',
        canonical_subject: null,
        standing: false,
        ended: true,
      },
      {
        subject: 'org:openai-inc',
        subject_name: 'OpenAI Inc.',
        link: 'merge',
        target: 'org:openai',
        target_name: 'OpenAI',
        canonical_subject: 'org:openai',
        standing: true,
        ended: false,
      },
      {
        subject: 'person:mira-murati',
        subject_name: 'Mira Murati',
        link: 'name',
        target: 'Ermira Murati',
        target_name: 'Ermira Murati',
        canonical_subject: null,
        standing: true,
        ended: false,
      },
    ]);
  });

  it('applied event by event, the projection gives the rebuilt rows', async () => {
    const [projection] = createProjections(['entity-links'], '_inc');
    await ds.query(`CREATE TABLE read_model.entity_links_inc (LIKE read_model.entity_links INCLUDING ALL)`);
    await ds.transaction(async (m) => {
      const stored = await new EventLogReader(m).readAll({ after: 0, limit: Number.MAX_SAFE_INTEGER });
      for (const e of stored) await projection.apply(m, projectedFromStored(e));
    });
    const cols =
      'event_id, subject, link, target, reason, linked_position, linked_at, unlink_event_id, unlinked_position, unlinked_at, unlink_reason';
    expect(await ds.query(`SELECT ${cols} FROM read_model.entity_links_inc ORDER BY event_id`)).toEqual(
      await ds.query(`SELECT ${cols} FROM read_model.entity_links ORDER BY event_id`),
    );
  });
});
