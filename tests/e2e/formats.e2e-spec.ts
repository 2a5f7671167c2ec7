import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { departedEnvelope, headcountEnvelope, pollUntil } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['entry', 'link', 'author', 'contributor', 'category'].includes(name),
});
interface AtomText {
  '#text': string;
  '@type'?: string;
}
interface AtomLink {
  '@rel': string;
  '@href': string;
}
interface AtomEntry {
  id: string;
  title: AtomText;
  updated: string;
  published: string;
  link: AtomLink[];
  author: { name: string }[];
  contributor?: { name: string }[];
  content: AtomText;
  summary: AtomText;
  category: { '@term': string }[];
}
interface AtomFeed {
  '@xmlns': string;
  '@xml:lang': string;
  id: string;
  title: AtomText;
  updated: string;
  link: AtomLink[];
  author?: { name: string }[];
  entry?: AtomEntry[];
}
interface TimelineJs {
  title: { text: { headline: string } };
  events: { group: string; text: { headline: string } }[];
}
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the elements RFC 4287 requires of a feed and of each entry; returns the parsed feed. */
function atomFeed(xml: string): { feed: AtomFeed; entries: AtomEntry[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const { feed } = parser.parse(xml) as { feed: AtomFeed };
  expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.id).toMatch(/^urn:uuid:/);
  expect(typeof feed.title['#text']).toBe('string');
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.link.filter((l) => l['@rel'] === 'self')).toHaveLength(1);
  expect(feed.author?.[0]?.name).toBeTruthy();
  const entries = feed.entry ?? [];
  for (const e of entries) {
    expect(e.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(typeof e.title['#text']).toBe('string');
    expect(e.updated).toMatch(RFC3339);
    expect(e.published).toMatch(RFC3339);
    expect(e.link.some((l) => l['@rel'] === 'alternate' && l['@href'])).toBe(true);
    expect(e.content['@type']).toBe('html');
  }
  // Entry ids are unique in a feed (RFC 4287 4.1.1: no two entries with the same id and updated).
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  return { feed, entries };
}

describe('the ecosystem formats: Atom feed, TimelineJS JSON', () => {
  let stack: TestStack;
  let q: string;
  const mira = `person:atom-${Date.now()}`;
  const departed = departedEnvelope({
    subject: mira,
    data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
    sources: [{ outlet: 'Hostile <Wire> & "Co" ]]>', url: 'https://example.org/a?x=1&y=2', language: 'en' }],
  });
  const other = departedEnvelope({ data: { organization: 'org:anthropic', role: 'Head of Research', roleCategory: 'other' } });
  const headcount = headcountEnvelope(1234);
  const get = async (path: string) => {
    const res = await fetch(`${q}${path}`, { headers: { authorization: `Bearer ${stack.readKey}` } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const entryOf = async (path: string, eventId: string): Promise<AtomEntry> => {
    const entry = atomFeed((await get(path)).text).entries.find((e) => e.id === `urn:uuid:${eventId}`);
    if (!entry) throw new Error(`no entry for ${eventId} in ${path}`);
    return entry;
  };

  beforeAll(async () => {
    // Links come from the configured public origin, never from the Host a client sends.
    stack = await startStack('formats', { NEWSROOM_PUBLIC_URL: 'https://news.example.org/' });
    q = stack.apps.query.url;
    const res = await post<{ results: Array<{ status: string }> }>(
      `${stack.apps.ingest.url}/v1/events`,
      { events: [departed, other, headcount] },
      stack.key,
    );
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    await pollUntil(
      async () => (await get('/v1/feed.atom')).text.includes(headcount.id) && (await get('/v1/feed.atom')).text.includes(departed.id),
      { timeoutMs: 30000, what: 'the events in the Atom feed' },
    );
  });
  afterAll(() => stack?.stop());

  it('serves a valid Atom feed as application/atom+xml, newest first, with escaped hostile text', async () => {
    const res = await get('/v1/feed.atom');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/atom+xml; charset=utf-8');
    const { entries } = atomFeed(res.text);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([departed.id, other.id, headcount.id].map((id) => `urn:uuid:${id}`)));
    const mine = entries.find((e) => e.id === `urn:uuid:${departed.id}`)!;
    expect(mine.author[0].name).toBe('Hostile <Wire> & "Co" ]]>');
    expect(mine.content['#text']).toContain('Hostile &lt;Wire&gt; &amp; &quot;Co&quot; ]]&gt;');
    // The links to this service (self, each entry's item) are from the public origin; sources keep their own URLs.
    const own = [...res.text.matchAll(/href="([^"]+\/v1\/[^"]*)"/g)].map((m) => m[1]);
    expect(own.length).toBeGreaterThan(1);
    expect(own.filter((href) => !href.startsWith('https://news.example.org/v1/'))).toEqual([]);
  });

  it('takes the feed filters and lang', async () => {
    const byType = atomFeed((await get('/v1/feed.atom?types=headcount.reported')).text);
    expect(byType.entries.map((e) => e.id)).toEqual([`urn:uuid:${headcount.id}`]);
    const bySubject = atomFeed((await get(`/v1/feed.atom?subjects=${mira}`)).text);
    expect(bySubject.entries.map((e) => e.id)).toEqual([`urn:uuid:${departed.id}`]);
    const byOrg = atomFeed((await get('/v1/feed.atom?organization=org:anthropic')).text);
    expect(byOrg.entries.map((e) => e.id)).toEqual([`urn:uuid:${other.id}`]);
    expect(byType.feed.id).not.toBe(bySubject.feed.id);
    const en = await entryOf(`/v1/feed.atom?subjects=${mira}`, departed.id);
    const fr = await entryOf(`/v1/feed.atom?subjects=${mira}&lang=fr`, departed.id);
    expect(fr.title['#text']).not.toBe(en.title['#text']);
    expect(parser.parse((await get('/v1/feed.atom?lang=fr')).text).feed['@xml:lang']).toBe('fr');
    const limited = atomFeed((await get('/v1/feed.atom?limit=1')).text);
    expect(limited.entries).toHaveLength(1);
    const bad = await get('/v1/feed.atom?types=nope&lang=de');
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/application\/problem\+json/);
  });

  it("counts an entry's outlets, attached ones and denials included, naming each outlet once", async () => {
    const path = '/v1/feed.atom?organization=org:anthropic';
    const attach = (outlet: string, stance: string) =>
      post(`${stack.apps.ingest.url}/v1/events/${other.id}/sources`, { source: { outlet, language: 'en' }, stance }, stack.key);
    expect((await attach('Skeptic Post', 'denies')).status).toBe(201);
    // The same outlet again, written otherwise: one contributor, one outlet.
    expect((await attach('SKEPTIC  POST', 'denies')).status).toBe(201);
    let entry = await entryOf(path, other.id);
    await pollUntil(async () => (entry = await entryOf(path, other.id)).content['#text'].includes('denies'), {
      timeoutMs: 30000,
      what: 'the attached denial in the Atom entry',
    });
    expect(entry.author.map((a) => a.name)).toEqual([other.sources[0].outlet]);
    expect(entry.contributor?.map((c) => c.name)).toEqual(['Skeptic Post']);
    expect(entry.content['#text']).toContain('2 outlets: 1 confirms, 1 denies');
    const fr = await entryOf(`${path}&lang=fr`, other.id);
    expect(fr.content['#text']).toContain('2 médias\u00a0: 1 confirme, 1 dément');
  });

  it('updates the entry when its event is corrected, and says when it is retracted', async () => {
    const path = `/v1/feed.atom?subjects=${mira}`;
    const before = await entryOf(path, departed.id);
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${departed.id}/corrections`,
      { changes: { data: { role: 'Chief Executive Officer' } }, reason: 'the role was misreported' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    let after = before;
    await pollUntil(async () => (after = await entryOf(path, departed.id)).updated !== before.updated, {
      timeoutMs: 30000,
      what: 'the corrected entry',
    });
    expect(Date.parse(after.updated)).toBeGreaterThan(Date.parse(before.updated));
    expect(after.published).toBe(before.published);
    expect(after.content['#text']).toContain('Chief Executive Officer');
    expect(after.content['#text']).toContain('Corrected');
    expect(after.title['#text']).not.toBe(before.title['#text']);
    // Amendments are folded into their target, not entries of their own.
    expect(atomFeed((await get(path)).text).entries).toHaveLength(1);

    const retract = await post(
      `${stack.apps.ingest.url}/v1/events/${departed.id}/retractions`,
      { reason: 'the departure did not happen' },
      stack.key,
    );
    expect(retract.status).toBe(201);
    let gone = after;
    await pollUntil(async () => (gone = await entryOf(path, departed.id)).updated !== after.updated, {
      timeoutMs: 30000,
      what: 'the retracted entry',
    });
    expect(gone.title['#text']).toMatch(/^Retracted: /);
    expect(gone.summary['#text']).toContain('the departure did not happen');
    expect(gone.category.map((c) => c['@term'])).toContain('retracted');
  });

  it('answers the timeline as TimelineJS3 JSON that fits its documented schema', async () => {
    const subject = other.subject;
    await pollUntil(async () => (await get(`/v1/reports/timeline?subject=${subject}`)).text.includes(subject), {
      timeoutMs: 30000,
      what: 'the fact in the timeline',
    });
    const res = await get(`/v1/reports/timeline?subject=${subject}&format=timelinejs&lang=fr`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/application\/json/);
    const json = JSON.parse(res.text) as TimelineJs;
    expect(json.title.text.headline).toMatch(/^Chronologie/);
    expect(json.events).toHaveLength(1);
    expect(json.events[0]).toMatchObject({
      start_date: { year: 2024, month: 9, day: 25 },
      group: 'executive.departed',
      unique_id: expect.any(String),
    });
    expect(typeof json.events[0].text.headline).toBe('string');
    const doc = JSON.parse((await get('/docs/openapi.json')).text);
    const schema = doc.paths['/v1/reports/timeline'].get.responses['200'].content['application/json'].schema;
    const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    const byType = JSON.parse((await get(`/v1/reports/timeline?format=timelinejs&types=headcount.reported`)).text) as TimelineJs;
    expect(byType.events.map((e) => e.group)).toEqual(['headcount.reported']);
    expect((await get('/v1/reports/timeline?format=xml')).status).toBe(400);
  });

  it('serves the AsyncAPI document of its topics at /docs/asyncapi.json', async () => {
    const res = await get('/docs/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/application\/json/);
    const doc = JSON.parse(res.text) as { asyncapi: string; channels: Record<string, { address: string }> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.events.address).toBe(`${stack.env.KAFKA_TOPIC_PREFIX}newsroom.events.v1`);
  });

  it('documents the Atom feed with its content type', async () => {
    const doc = JSON.parse((await get('/docs/openapi.json')).text);
    const op = doc.paths['/v1/feed.atom'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual(['application/atom+xml']);
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'Accept-Language',
      'lang',
      'limit',
      'organization',
      'subjects',
      'types',
    ]);
  });
});
