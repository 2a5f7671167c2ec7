import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { departedEnvelope, pollUntil } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';
import { post, startStack, TestStack } from './stack.harness';

interface FeedItem {
  eventId: string;
  headline: string;
  lang: string;
  fallbacks: string[];
  data: { role: unknown };
}
interface Tenure {
  person: string;
  role: string;
  lang: string;
  fallbacks: string[];
}
interface Departure {
  factId: string;
  role: string;
  fallbacks: string[];
}

/**
 * French in French through the public API: a departure with its role in English and French, one in English only
 * (unknown to the glossary) and one the glossary knows; the feed and the reports in fr and en, with the visible
 * fallback (`fallbacks` and "[en]" in the headline) only where the French text is missing.
 */
describe('French in French: per-language text, lang on the feed and reports, visible fallback (e2e)', () => {
  let stack: TestStack;
  let query: string;
  const organization = `org:french-${randomUUID().slice(0, 8)}`;
  const departure = (name: string, role: unknown) => {
    const e = departedEnvelope({ subject: `person:${name}-${randomUUID().slice(0, 8)}` });
    return { ...e, data: { ...e.data, organization, role } };
  };
  const both = departure('both', { en: 'Chief Technology Officer', fr: 'directrice technique' });
  const englishOnly = departure('english', { en: 'Sora video model lead' });
  // In English only, but the glossary knows it (an epicene French role).
  const glossary = departure('glossary', 'Chief Product Officer');

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${query}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const feed = (lang: string) => get<{ items: FeedItem[] }>(`/v1/feed?organization=${organization}&lang=${lang}`);
  const byId = <T extends { eventId?: string; factId?: string }>(items: T[], id: string) =>
    items.find((i) => (i.eventId ?? i.factId) === id)!;

  beforeAll(async () => {
    stack = await startStack('french');
    query = stack.apps.query.url;
    for (const e of [both, englishOnly, glossary])
      expect((await post(`${stack.apps.ingest.url}/v1/events`, e, stack.key)).status).toBe(201);
    await pollUntil(async () => (await feed('fr')).items.length === 3, { timeoutMs: 30000, what: 'the three departures in the feed' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a per-language value with another language in it, naming the field', async () => {
    const bad = departure('bad', { en: 'CTO', de: 'Technischer Direktor' });
    const res = await post(`${stack.apps.ingest.url}/v1/events`, bad, stack.key);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('data.role.de');
  });

  it("serves the feed in French: the French role as given, the glossary's where it knows the English, [en] and fallbacks otherwise", async () => {
    const items = (await feed('fr')).items;
    expect(byId(items, both.id)).toMatchObject({
      lang: 'fr',
      fallbacks: [],
      data: { role: { en: 'Chief Technology Officer', fr: 'directrice technique' } },
    });
    expect(byId(items, both.id).headline).toMatch(/\(directrice technique\)$/);
    expect(byId(items, glossary.id)).toMatchObject({ fallbacks: [] });
    expect(byId(items, glossary.id).headline).toMatch(/\(responsable produit\)$/);
    expect(byId(items, englishOnly.id)).toMatchObject({ lang: 'fr', fallbacks: ['data.role'] });
    expect(byId(items, englishOnly.id).headline).toMatch(/\(Sora video model lead \[en\]\)$/);
  });

  it('serves the feed in English with no fallback', async () => {
    const items = (await feed('en')).items;
    expect(byId(items, both.id).headline).toMatch(/as Chief Technology Officer$/);
    expect(items.every((i) => i.lang === 'en' && i.fallbacks.length === 0)).toBe(true);
  });

  it('serves the reports in the requested language, listing the fields that fell back', async () => {
    const departures = (lang: string) =>
      get<{ lang: string; items: Departure[] }>(`/v1/reports/departures?organization=${organization}&lang=${lang}`);
    const fr = await departures('fr');
    expect(fr.lang).toBe('fr');
    expect(byId(fr.items, both.id)).toMatchObject({ role: 'directrice technique', fallbacks: [] });
    expect(byId(fr.items, glossary.id)).toMatchObject({ role: 'responsable produit', fallbacks: [] });
    expect(byId(fr.items, englishOnly.id)).toMatchObject({ role: 'Sora video model lead', fallbacks: ['role'] });
    const en = await departures('en');
    expect(byId(en.items, both.id)).toMatchObject({ role: 'Chief Technology Officer', fallbacks: [] });
    expect(byId(en.items, englishOnly.id)).toMatchObject({ role: 'Sora video model lead', fallbacks: [] });

    const leadership = await get<{ lang: string; items: Tenure[] }>(
      `/v1/reports/leadership?organization=${organization}&show=tenures&lang=fr`,
    );
    expect(leadership.lang).toBe('fr');
    const tenure = (subject: string) => leadership.items.find((t) => t.person === subject)!;
    expect(tenure(both.subject)).toMatchObject({ role: 'directrice technique', lang: 'fr', fallbacks: [] });
    expect(tenure(englishOnly.subject)).toMatchObject({ role: 'Sora video model lead', fallbacks: ['role'] });
  });

  it('refuses a language it does not serve', async () => {
    const res = await fetch(`${query}/v1/reports/departures?organization=${organization}&lang=de`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('lang');
  });

  it("lists on a correction's item the fallbacks of the fact its headline names, not of the correction's own data", async () => {
    // Recorded in French alone, so the English headline falls back to the French the correction gives.
    const fact = departure('corrected', { fr: 'chef des widgets' });
    expect((await post(`${stack.apps.ingest.url}/v1/events`, fact, stack.key)).status).toBe(201);
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${fact.id}/corrections`,
      { changes: { data: { role: { fr: 'responsable des widgets' } } }, reason: 'the French desk has the title' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    const items = await pollUntil(
      async () => {
        const all = (await feed('en')).items;
        return all.some((i) => i.headline.startsWith('Correction: ')) ? all : null;
      },
      { timeoutMs: 30000, what: "the correction's item" },
    );
    const item = items.find((i) => i.headline.startsWith('Correction: '))!;
    expect(item.headline).toContain('responsable des widgets [fr]');
    expect(item.fallbacks).toEqual(['data.role']);
    const fr = (await feed('fr')).items.find((i) => i.eventId === item.eventId)!;
    expect(fr).toMatchObject({ fallbacks: [] });
    expect(fr.headline).toContain('responsable des widgets');
  });

  it('newsroom tail --lang fr writes its own notes in French: outlets and stances, status, the fields the sources do not state; in English as the Atom feed says them', async () => {
    const ingest = stack.apps.ingest.url;
    const base = departedEnvelope({ subject: `person:tail-fr-${randomUUID().slice(0, 8)}` });
    // Its own organization: the other tests count this file's departures.
    const fact = {
      ...base,
      data: { ...base.data, organization: `org:tail-fr-${randomUUID().slice(0, 8)}` },
      sources: [...base.sources, { outlet: 'Second Wire', language: 'en', publishedAt: '2024-10-03' }],
      inferred: [{ path: 'data.reason', note: 'from the company statement' }],
    };
    expect((await post(`${ingest}/v1/events`, fact, stack.key)).status).toBe(201);
    const denial = { source: { outlet: 'Skeptic Post', language: 'fr', publishedAt: '2024-10-04' }, stance: 'denies' };
    expect((await post(`${ingest}/v1/events/${fact.id}/sources`, denial, stack.key)).status).toBe(201);
    const fix = { changes: { data: { role: 'Chief Executive Officer' } }, reason: 'misreported role' };
    expect((await post(`${ingest}/v1/events/${fact.id}/corrections`, fix, stack.key)).status).toBe(201);
    await pollUntil(
      async () => {
        const items = (await (await fetch(`${query}/v1/feed?subjects=${fact.subject}`)).json()) as { items: unknown[] };
        return items.items.length === 3 || null;
      },
      { timeoutMs: 30000, what: 'the fact, its source and its correction in the feed' },
    );
    const state = mkdtempSync(join(tmpdir(), 'newsroom-tail-fr-'));
    const tail = (lang: string) =>
      newsroomCli(
        ['tail', '--subject', fact.subject, '--from', '0', '--count', '1', '--lang', lang, '--state', join(state, 'tail-position')],
        {
          env: { NEWSROOM_QUERY_URL: query, NEWSROOM_API_KEY: stack.readKey },
          timeoutMs: 30_000,
        },
      );
    const fr = await tail('fr');
    expect(fr.code).toBe(0);
    expect(fr.out).toContain(
      `  [corrigé]  [3 médias\u00a0: 2 confirment, 1 dément]  [non indiqué par les sources\u00a0: data.reason]  (${fact.id})`,
    );
    expect(fr.out).not.toMatch(/outlets|corrected|inferred/);
    // In English each count agrees with its word, as the Atom feed writes the same fact's outlets.
    const en = await tail('en');
    expect(en.out).toContain(`  [corrected]  [3 outlets: 2 confirm, 1 denies]  [inferred: data.reason]  (${fact.id})`);
    const atom = await (await fetch(`${query}/v1/feed.atom?subjects=${fact.subject}&lang=en`)).text();
    expect(atom).toContain('3 outlets: 2 confirm, 1 denies');
    rmSync(state, { recursive: true, force: true });
  });
});
