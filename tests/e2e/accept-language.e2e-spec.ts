import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { departedEnvelope, pollUntil } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

interface FeedPage {
  items: Array<{ eventId: string; headline: string; lang: string }>;
}
interface Departures {
  lang: string;
  items: Array<{ factId: string; role: string }>;
}

/** What a French browser sends (Firefox, Chrome). */
const FRENCH = 'fr-FR,fr;q=0.9,en;q=0.8';

/** A GET with only the headers given, as an HTTP cache revalidates (fetch would add an Accept-Language of its own). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    }).on('error', reject);
  });
}

/** The head of an SSE stream and its first item, then the connection closed. */
function firstStreamItem(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, string | string[] | undefined>; item: { lang: string; headline: string } }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const data = /^data: (.*)$/m.exec(text);
        if (data) {
          resolve({ headers: res.headers, item: JSON.parse(data[1]) });
          req.destroy();
        }
      });
    });
    req.on('error', reject);
  });
}

/**
 * Accept-Language over HTTP: without `lang`, the reports, the feed history, the SSE stream and the Atom feed answer
 * in the language the header prefers (English when it names neither en nor fr), say it (Content-Language) and that it
 * depends on the header (Vary); an explicit `lang` wins; a revalidation of one language's ETag in the other is a 200.
 */
describe('Accept-Language chooses the language when lang is not given (e2e)', () => {
  let stack: TestStack;
  let query: string;
  const organization = `org:accept-${randomUUID().slice(0, 8)}`;
  const base = departedEnvelope({ subject: `person:accept-${randomUUID().slice(0, 8)}` });
  const fact = { ...base, data: { ...base.data, organization, role: { en: 'Chief Technology Officer', fr: 'directrice technique' } } };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${query}${path}`, { headers });

  beforeAll(async () => {
    stack = await startStack('accept_language');
    query = stack.apps.query.url;
    expect((await post(`${stack.apps.ingest.url}/v1/events`, fact, stack.key)).status).toBe(201);
    await pollUntil(
      async () =>
        ((await (await get(`/v1/reports/departures?organization=${organization}`)).json()) as Departures).items.length === 1 || null,
      {
        timeoutMs: 30000,
        what: 'the departure in the report',
      },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a report in French by the header alone, JSON and CSV, saying so', async () => {
    const res = await get(`/v1/reports/departures?organization=${organization}`, { 'accept-language': FRENCH });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe('fr');
    expect(res.headers.get('vary')).toMatch(/\bAccept-Language\b/i);
    const body = (await res.json()) as Departures;
    expect(body.lang).toBe('fr');
    expect(body.items[0].role).toBe('directrice technique');

    const csv = await get(`/v1/reports/departures?organization=${organization}&format=csv`, { 'accept-language': 'fr-CA' });
    expect(csv.headers.get('content-language')).toBe('fr');
    expect(await csv.text()).toContain('directrice technique');
  });

  it('answers the feed history in French by the header alone', async () => {
    const res = await get(`/v1/feed?organization=${organization}`, { 'accept-language': FRENCH });
    expect(res.status).toBe(200);
    expect({ language: res.headers.get('content-language'), vary: res.headers.get('vary') }).toEqual({
      language: 'fr',
      vary: expect.stringMatching(/\bAccept-Language\b/i),
    });
    const page = (await res.json()) as FeedPage;
    expect(page.items[0]).toMatchObject({ eventId: fact.id, lang: 'fr' });
    expect(page.items[0].headline).toMatch(/\(directrice technique\)$/);
  });

  it('answers in English when the header prefers a language the service does not have, or is malformed', async () => {
    for (const header of ['de-DE,de;q=0.9,ja;q=0.5', 'fr;q=2']) {
      const res = await get(`/v1/reports/departures?organization=${organization}`, { 'accept-language': header });
      expect(res.headers.get('content-language')).toBe('en');
      expect(((await res.json()) as Departures).items[0].role).toBe('Chief Technology Officer');
    }
    const feed = await get(`/v1/feed?organization=${organization}`, { 'accept-language': 'de' });
    expect(((await feed.json()) as FeedPage).items[0].lang).toBe('en');
  });

  it('lets an explicit lang beat the header; a bad lang is still a 400', async () => {
    const res = await get(`/v1/reports/departures?organization=${organization}&lang=en`, { 'accept-language': FRENCH });
    expect(res.headers.get('content-language')).toBe('en');
    expect(((await res.json()) as Departures).items[0].role).toBe('Chief Technology Officer');
    const feed = await get(`/v1/feed?organization=${organization}&lang=en`, { 'accept-language': FRENCH });
    expect(((await feed.json()) as FeedPage).items[0].lang).toBe('en');
    const bad = await get(`/v1/reports/departures?organization=${organization}&lang=de`, { 'accept-language': FRENCH });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-language')).toBeNull();
  });

  it('does not answer 304 to a revalidation in the other language, even when the bytes are the same', async () => {
    // An organization with nothing: the same empty page in both languages.
    for (const path of [
      `/v1/feed?organization=org:nobody-${randomUUID().slice(0, 8)}`,
      `/v1/reports/departures?organization=${organization}`,
    ]) {
      // An English copy its own language revalidates (304): the page is not changing under the test.
      const en = await pollUntil(
        async () => {
          const copy = await rawGet(`${query}${path}`, { 'accept-language': 'en' });
          const again = await rawGet(`${query}${path}`, { 'accept-language': 'en-GB', 'if-none-match': String(copy.headers.etag) });
          return copy.status === 200 && again.status === 304 ? copy : null;
        },
        { timeoutMs: 10000, what: `${path} answering 304 to its own English ETag` },
      );
      const etag = String(en.headers.etag);
      const fr = await rawGet(`${query}${path}`, { 'accept-language': FRENCH, 'if-none-match': etag });
      expect({ path, status: fr.status, language: fr.headers['content-language'] }).toEqual({ path, status: 200, language: 'fr' });
      expect(fr.headers.etag).not.toBe(etag);
      // The French copy revalidates in French.
      expect((await rawGet(`${query}${path}`, { 'accept-language': 'fr', 'if-none-match': String(fr.headers.etag) })).status).toBe(304);
    }
  });

  it('streams and writes the Atom feed in French by the header alone', async () => {
    const stream = await firstStreamItem(`${query}/v1/feed/stream?organization=${organization}`, { 'accept-language': FRENCH });
    expect(stream.headers['content-language']).toBe('fr');
    expect(String(stream.headers.vary)).toMatch(/\bAccept-Language\b/i);
    expect(stream.item.lang).toBe('fr');
    const atom = await get(`/v1/feed.atom?organization=${organization}`, { 'accept-language': FRENCH });
    expect(atom.headers.get('content-language')).toBe('fr');
    expect(await atom.text()).toContain('xml:lang="fr"');
  });
});
