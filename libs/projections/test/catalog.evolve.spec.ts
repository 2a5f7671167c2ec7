import {
  evolveEntities,
  productsModel,
  regulatoryModel,
  sourceIdOf,
  sourceRecordsOf,
  sourcesModel,
  StoredFactRow,
  timelineModel,
} from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { correction, departed, event, recordedAtOf, resetClock, retraction } from './support/events.builder';

type Row = StoredFactRow & Record<string, unknown>;

describe('products, regulatory interventions, timeline, sources and entities: evolve', () => {
  beforeEach(() => resetClock());

  it('products keep organization, name, features and status; a correction updates the status', () => {
    const launch = event('product.announced', 'product:chatgpt', '2024', {
      organization: 'org:openai',
      name: 'ChatGPT',
      features: ['search'],
      status: 'announced',
    });
    const t = new InMemoryFactTable(productsModel).applyAll([launch, correction(launch, { data: { status: 'launched' } })]);
    expect(t.visible<Row>().map((r) => [r.organization, r.name, r.features, r.status, r.version])).toEqual([
      ['org:openai', 'ChatGPT', ['search'], 'launched', 2],
    ]);
  });

  it('regulatory interventions keep target, requester, authority and request', () => {
    const t = new InMemoryFactTable(regulatoryModel).applyAll([
      event('regulatory.intervention_requested', 'org:openai', '2024-12', {
        by: 'person:mark-zuckerberg',
        authority: 'authority:california-attorney-general',
        request: 'Stop it',
      }),
    ]);
    expect(t.visible<Row>().map((r) => [r.target, r.requested_by, r.authority])).toEqual([
      ['org:openai', 'person:mark-zuckerberg', 'authority:california-attorney-general'],
    ]);
  });

  it('the timeline has one row per subject a fact mentions, with headlines re-rendered after a correction', () => {
    const dep = departed('person:jan-leike', 'Superalignment Co-Lead', '2024-05', { destination: 'org:anthropic' });
    const t = new InMemoryFactTable(timelineModel).applyAll([dep]);
    expect(t.visible<Row>().map((r) => [r.mention, r.mention_role, r.is_primary])).toEqual([
      ['person:jan-leike', 'subject', true],
      ['org:openai', 'organization', false],
      ['org:anthropic', 'destination', false],
    ]);
    expect(t.visible<Row>()[0].headline_en).toMatch(/Jan Leike leaves OpenAI/);
    t.apply(correction(dep, { data: { destination: null } }));
    expect(t.visible<Row>().map((r) => r.mention)).toEqual(['person:jan-leike', 'org:openai']);
    expect(t.visible<Row>()[0].headline_en).not.toMatch(/Anthropic/);
    expect(t.visible<Row>(recordedAtOf(1)).map((r) => r.mention)).toContain('org:anthropic');
  });

  it('source facts: one row per story behind a fact, with its quote; a retraction removes the fact from its sources', () => {
    const sources = [
      { outlet: 'Example Daily', url: 'https://example.org/a', title: 'A', language: 'fr', quote: 'le départ' },
      { outlet: 'Other Wire', language: 'en' },
    ];
    const dep = departed('person:a', 'CTO', '2024-09');
    dep.sources = sources;
    const t = new InMemoryFactTable(sourcesModel).applyAll([dep]);
    expect(t.visible<Row>().map((r) => [r.source_id, r.quote])).toEqual([
      [sourceIdOf(sources[0]), 'le départ'],
      [sourceIdOf(sources[1]), null],
    ]);
    t.apply(retraction(dep));
    expect(t.visible()).toEqual([]);
  });

  it('a source id is a stable hash of outlet, url and title; the registry keeps the first sighting', () => {
    const a = { outlet: 'Example Daily', url: 'https://example.org/a', title: 'A', language: 'fr', quote: 'x' };
    const sameSourceOtherQuote = { ...a, quote: 'another quote', language: 'en' };
    expect(sourceIdOf(a)).toBe(sourceIdOf(sameSourceOtherQuote));
    expect(sourceIdOf(a)).not.toBe(sourceIdOf({ ...a, title: 'B' }));
    expect(sourceIdOf(a)).toMatch(/^[0-9a-f]{24}$/);
    // Kept by key as well as by object, boundedly: after more stories than it keeps, the first one's id is the same.
    const first = sourceIdOf({ outlet: 'Kept', title: 'story 0' });
    for (let i = 1; i <= 12_000; i++) sourceIdOf({ outlet: 'Kept', title: `story ${i}` });
    expect(sourceIdOf({ outlet: ' Kept ', title: 'story 0' })).toBe(first);
    expect(new Set(Array.from({ length: 50 }, (_, i) => sourceIdOf({ outlet: 'Kept', title: `story ${i}` }))).size).toBe(50);
    expect(sourceRecordsOf([a], '7', recordedAtOf(7))).toEqual([
      {
        id: sourceIdOf(a),
        outlet: 'Example Daily',
        url: 'https://example.org/a',
        title: 'A',
        language: 'fr',
        publishedAt: null,
        firstPosition: '7',
        firstRecordedAt: recordedAtOf(7),
      },
    ]);
  });

  it('entities: every subject an event names is seen, with its display name; a correction can add one', () => {
    const dep = departed('person:mira-murati', 'CTO', '2024-09');
    expect(evolveEntities(dep).map((s) => [s.subject, s.kind, s.displayName])).toEqual([
      ['person:mira-murati', 'person', 'Mira Murati'],
      ['org:openai', 'org', 'OpenAI'],
    ]);
    const fix = correction(dep, { data: { destination: 'org:thinking-machines-lab' } });
    expect(evolveEntities(fix).map((s) => s.subject)).toEqual(['person:mira-murati', 'org:thinking-machines-lab']);
    expect(evolveEntities(retraction(dep)).map((s) => s.subject)).toEqual(['person:mira-murati']);
  });
});
