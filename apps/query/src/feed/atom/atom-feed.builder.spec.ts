import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FeedItemRow } from '@newsroom/projections';
import { AtomFeedOptions, buildAtomFeed, currentItem } from './atom-feed.builder';
import { toXml } from './xml.writer';

const NBSP = '\u00a0'; // U+00A0 NO-BREAK SPACE: French, before a colon

const ID = '0b6f4f59-6a53-4c36-9a3a-5f8a2cbb1a11';
const item = (over: Partial<FeedItemRow> = {}): FeedItemRow => ({
  position: '10',
  eventId: ID,
  type: 'executive.departed',
  subject: 'person:mira-murati',
  subjects: ['person:mira-murati', 'org:openai'],
  organizations: ['org:openai'],
  inferred: [],
  corroboration: [],
  occurredAt: '2024-09-25',
  recordedAt: '2026-01-01T10:00:00.000Z',
  headlineEn: 'Mira Murati leaves OpenAI as CTO',
  headlineFr: 'Mira Murati quitte OpenAI (CTO)',
  data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
  sources: [{ outlet: 'Example <Daily> & Co', url: 'https://example.org/a?x=1&y=2', language: 'en' }],
  modality: 'reported',
  status: 'current',
  targetEventId: null,
  correlationId: null,
  ...over,
});
const correction = (position: string, at: string, changes: object): FeedItemRow =>
  item({
    position,
    eventId: `c-${position}`,
    type: 'event.corrected',
    recordedAt: at,
    targetEventId: ID,
    data: { targetEventId: ID, changes, reason: 'misreported' },
  });
const retraction = (position: string, at: string): FeedItemRow =>
  item({
    position,
    eventId: `r-${position}`,
    type: 'event.retracted',
    recordedAt: at,
    targetEventId: ID,
    data: { targetEventId: ID, reason: 'did not happen' },
  });

const options: AtomFeedOptions = {
  selfUrl: 'http://localhost:3000/v1/feed.atom?lang=en',
  baseUrl: 'http://localhost:3000',
  lang: 'en',
  filter: { types: null, subjects: null, organization: null },
};
interface Entry {
  id: string;
  title: { '#text': string };
  published: string;
  updated: string;
  author: { name: string }[];
  contributor?: { name: string }[];
  content: { '@type': string; '#text': string };
  summary: { '#text': string };
  category: { '@term': string }[];
}
interface Parsed {
  feed: { id: string; updated: string; '@xmlns': string; link: { '@rel': string; '@href': string }[]; entry: Entry[] };
}
const parse = (xml: string): Parsed =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['entry', 'link', 'author', 'contributor', 'category'].includes(name),
  }).parse(xml);

describe('Atom feed builder', () => {
  it('writes a well-formed feed with the elements RFC 4287 requires', () => {
    const xml = toXml(buildAtomFeed({ events: [item()], amendments: new Map() }, options));
    expect(XMLValidator.validate(xml)).toBe(true);
    const { feed } = parse(xml);
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.updated).toBe('2026-01-01T10:00:00.000Z');
    expect(feed.link.find((l) => l['@rel'] === 'self')?.['@href']).toBe(options.selfUrl);
    const [entry] = feed.entry;
    expect(entry.id).toBe(`urn:uuid:${ID}`);
    expect(entry.title['#text']).toBe('Mira Murati leaves OpenAI as CTO');
    expect(entry.published).toBe('2026-01-01T10:00:00.000Z');
    expect(entry.author[0].name).toBe('Example <Daily> & Co');
    expect(entry.content['@type']).toBe('html');
    expect(entry.content['#text']).toContain('<a href="https://example.org/a?x=1&amp;y=2">Example &lt;Daily&gt; &amp; Co</a>');
  });

  it('names a feed by its filters: the same filters give the same id, others another', () => {
    const id = (filter: AtomFeedOptions['filter'], lang: 'en' | 'fr' = 'en') =>
      parse(toXml(buildAtomFeed({ events: [], amendments: new Map() }, { ...options, filter, lang }))).feed.id;
    const a = id({ types: ['a', 'b'], subjects: null, organization: null });
    expect(id({ types: ['b', 'a'], subjects: null, organization: null })).toBe(a);
    expect(id({ types: ['a'], subjects: null, organization: null })).not.toBe(a);
    expect(id({ types: ['a', 'b'], subjects: null, organization: null }, 'fr')).not.toBe(a);
  });

  it('folds corrections into the entry: updated, headline and data are the current ones', () => {
    const c = currentItem(item(), [correction('11', '2026-01-02T00:00:00.000Z', { data: { role: 'Chief Executive Officer' } })], 'en');
    expect(c).toMatchObject({ status: 'corrected', updated: '2026-01-02T00:00:00.000Z', reason: 'misreported' });
    expect((c.data as Record<string, string>).role).toBe('Chief Executive Officer');
    expect((c.data as Record<string, string>).organization).toBe('org:openai');
    expect(c.headline).not.toBe(item().headlineEn);
  });

  it('says when an entry was retracted', () => {
    const xml = toXml(
      buildAtomFeed({ events: [item()], amendments: new Map([[ID, [retraction('12', '2026-01-03T00:00:00.000Z')]]]) }, options),
    );
    const [entry] = parse(xml).feed.entry;
    expect(entry.updated).toBe('2026-01-03T00:00:00.000Z');
    expect(entry.title['#text']).toMatch(/^Retracted: /);
    expect(entry.summary['#text']).toMatch(/^Retracted \(reason: did not happen\)/);
    expect(entry.category.map((c) => c['@term'])).toEqual(['executive.departed', 'retracted']);
  });

  it('writes French with a no-break space (U+00A0) before each colon and says "Retrait" / "Retiré" for a retraction', () => {
    const fr: AtomFeedOptions = {
      ...options,
      lang: 'fr',
      filter: { types: null, subjects: null, organization: 'org:openai' },
    };
    const titled = item({ sources: [{ outlet: 'Le Quotidien', title: 'Départ', language: 'fr' }] });
    const xml = toXml(buildAtomFeed({ events: [titled], amendments: new Map([[ID, [retraction('12', '2026-01-03T00:00:00.000Z')]]]) }, fr));
    const { feed } = parse(xml) as Parsed & { feed: { title: { '#text': string } } };
    expect(feed.title['#text']).toBe(`Chronologie de la rédaction${NBSP}: org:openai`);
    const [entry] = feed.entry;
    expect(entry.title['#text']).toBe(`Retrait${NBSP}: Mira Murati quitte OpenAI (CTO)`);
    expect(entry.summary['#text']).toBe(`Retiré (motif${NBSP}: did not happen)${NBSP}: Mira Murati quitte OpenAI (CTO)`);
    expect(entry.content['#text']).toContain(
      `<strong>Statut${NBSP}: Retiré</strong> (2026-01-03T00:00:00.000Z) motif${NBSP}: did not happen`,
    );
    expect(entry.content['#text']).toContain(`<p>Date${NBSP}: 2024-09-25 · rapporté</p>`);
    expect(entry.content['#text']).toContain(`<p>Sources${NBSP}:</p><ul><li>Le Quotidien${NBSP}: Départ</li></ul>`);
    expect(xml).not.toContain('Rétract');
  });

  it('keeps the English colons as they were', () => {
    const titled = item({ sources: [{ outlet: 'Daily', title: 'Exit', language: 'en' }] });
    const xml = toXml(
      buildAtomFeed(
        { events: [titled], amendments: new Map([[ID, [retraction('12', '2026-01-03T00:00:00.000Z')]]]) },
        { ...options, filter: { types: null, subjects: null, organization: 'org:openai' } },
      ),
    );
    const { feed } = parse(xml) as Parsed & { feed: { title: { '#text': string } } };
    expect(feed.title['#text']).toBe('Newsroom timeline: org:openai');
    expect(feed.entry[0].summary['#text']).toBe('Retracted (reason: did not happen): Mira Murati leaves OpenAI as CTO');
    expect(feed.entry[0].content['#text']).toContain('<p>Sources:</p><ul><li>Daily: Exit</li></ul>');
  });

  it("names each outlet once and counts the fact's outlets, attached ones and denials included, in the entry's language", () => {
    const word = (id: string, outlet: string, stance: 'confirms' | 'denies') => ({
      id,
      key: outlet.toLowerCase(),
      outlet,
      via: null,
      stance,
      reportedAt: '2026-01-01T10:00:00.000Z',
      recordedAt: '2026-01-01T10:00:00.000Z',
    });
    const sourced = item({
      sources: [
        { outlet: 'T3 Daily', url: 'https://daily.example/1', language: 'en' },
        { outlet: 't3  daily', url: 'https://daily.example/2', language: 'en' },
      ],
      corroboration: [
        word(`${ID}:0`, 'T3 Daily', 'confirms'),
        word(`${ID}:1`, 't3  daily', 'confirms'),
        word('s-1', 'Second Wire', 'confirms'),
        word('s-2', 'Skeptic Post', 'denies'),
        word('s-3', 'SKEPTIC POST', 'denies'),
      ],
    });
    const xml = toXml(buildAtomFeed({ events: [sourced], amendments: new Map() }, options));
    expect(XMLValidator.validate(xml)).toBe(true);
    const [entry] = parse(xml).feed.entry;
    expect(entry.author.map((a) => a.name)).toEqual(['T3 Daily']);
    expect(entry.contributor?.map((a) => a.name)).toEqual(['Second Wire', 'Skeptic Post']);
    expect(entry.content['#text']).toContain('<p>3 outlets: 2 confirm, 1 denies</p>');
    const fr = parse(toXml(buildAtomFeed({ events: [sourced], amendments: new Map() }, { ...options, lang: 'fr' }))).feed.entry[0];
    expect(fr.content['#text']).toContain(`<p>3 médias${NBSP}: 2 confirment, 1 dément</p>`);
    // An item without entries (stored before they were kept): its own sources, each confirming.
    const alone = parse(toXml(buildAtomFeed({ events: [item()], amendments: new Map() }, options))).feed.entry[0];
    expect(alone.contributor).toBeUndefined();
    expect(alone.content['#text']).toContain('<p>1 outlet: 1 confirms, 0 deny</p>');
    // An editor's act cites no outlet: no "0 outlets" line (t28).
    const aliased = item({
      type: 'entity.aliased',
      subject: 'org:acme',
      sources: [],
      data: { name: 'Acme Tower' },
      headlineEn: 'Acme is also called Acme Tower',
    });
    const act = parse(toXml(buildAtomFeed({ events: [aliased], amendments: new Map() }, options))).feed.entry[0];
    expect(act.content['#text']).not.toMatch(/outlets?:/);
  });

  it('keeps hostile text from sources well-formed', () => {
    const hostile = item({ headlineEn: 'x ]]> <b>&\u0001', sources: [{ outlet: '"><entry>', title: ']]>\u0000', language: 'en' }] });
    const xml = toXml(buildAtomFeed({ events: [hostile], amendments: new Map() }, options));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parse(xml).feed.entry).toHaveLength(1);
  });
});
