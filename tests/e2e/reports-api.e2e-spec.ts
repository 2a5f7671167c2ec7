import { randomUUID } from 'node:crypto';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { PgEventStore } from '@newsroom/event-store';
import { FeedPage, pollUntil } from '@newsroom/testing';
import { amendmentAppend, laterCorrections, laterEnvelopes, seedEnvelopes } from '../fixtures/story.fixture';
import { BatchAnswer, post, Problem, startStack, TestStack } from './stack.harness';

/** The served OpenAPI document, as far as the checks read it. */
interface OpenApiDoc {
  paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: object }> }> } }>;
  components: object;
}

/** The answers below, as far as the checks read them (PRODUCT.md, reports). */
interface SourceList {
  items: Array<{ id: string; outlet: string }>;
}
interface Roster {
  items: Array<{ person: string; role: string; start: { sources: Array<{ outlet: string; title: string | null }> } }>;
}
interface DeparturesByPeriod {
  groups: Array<{ key: string; count: number }>;
  unplaced: { count: number };
}
interface Cases {
  items: Array<{
    case: string;
    filed: { corroboration: { outlets: number; confirms: number; denies: number }; inferred: Array<{ path: string }> };
  }>;
}
interface Figures {
  items: Array<{
    amount: string;
    status: string;
    corroboration: { outlets: number };
    history: Array<{ data: { money: { amount: string } } }>;
  }>;
}

/**
 * Answers are checked against the served OpenAPI 3.0 document with ajv: OpenAPI 3.0 schemas are JSON Schema with
 * `nullable` (which ajv knows) and `example` (an annotation; strict mode off lets it pass).
 */
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const problemsOf = (value: unknown, schema: object): string[] => {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '$'} ${e.message} ${JSON.stringify(e.params)}`);
};

/** A GET with If-None-Match and nothing else, as an HTTP cache revalidates. */
const conditionalGet = (url: string, etag: string) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    httpGet(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    }).on('error', reject);
  });

/** RFC 4180 with csv-parse: quoted fields, doubled quotes, CRLF records; every record the same number of fields. */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' });

describe('reports API: JSON and CSV, time travel, OpenAPI schemas, problems', () => {
  let stack: TestStack;
  let q: string;
  let doc: OpenApiDoc;
  let corrected: string;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${q}${path}`, { headers });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text,
      json: <T = unknown>() => JSON.parse(text) as T,
      headers: res.headers,
    };
  };
  const templateOf = (path: string) =>
    path
      .split('?')[0]
      .replace(/\/v1\/entities\/[^/]+$/, '/v1/entities/{subject}')
      .replace(/\/v1\/sources\/(?!$)[^/]+$/, '/v1/sources/{id}');
  // A problem's schema refers to the document's components (its `code` narrowed beside the $ref, in an allOf):
  // compiled with them beside it, as a validator reads it.
  const schemaOf = (path: string, status = '200', media = 'application/json') => {
    const schema = doc.paths[templateOf(path)].get.responses[status].content[media].schema;
    return JSON.stringify(schema).includes('"$ref"') ? { ...schema, components: doc.components } : schema;
  };

  beforeAll(async () => {
    // A short wait for minPosition, so the test of a position never reached takes 1.5 s, not the default 5.
    stack = await startStack('reports', { QUERY_MIN_POSITION_WAIT_MS: '1500' });
    q = stack.apps.query.url;
    for (const events of [seedEnvelopes(), laterEnvelopes()]) {
      const res = await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
      expect(res.body.results.map((r) => r.status)).toEqual(events.map(() => 'created'));
    }
    const [fix] = laterCorrections();
    await new PgEventStore(stack.db.pool).append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
    const [row] = (await stack.db.pool.query('SELECT recorded_at FROM event_store.events WHERE event_id = $1', [fix.id])).rows;
    corrected = new Date(row.recorded_at).toISOString();
    await pollUntil(
      async () =>
        (await get('/v1/reports/financials?organization=org:openai&metric=loss&basis=cumulative_projected')).text.includes('"44000000000"'),
      { timeoutMs: 30000, what: 'the correction in the financials report' },
    );
    doc = (await get('/docs/openapi.json')).json<OpenApiDoc>();
  });
  afterAll(() => stack?.stop());

  let sourceId = '';

  it('report items and feed items show the fields the seed story does not state (inferred), as recorded through ingest', async () => {
    const LOSS = '0193b7f0-0000-7000-8000-000000000008';
    interface Inferred {
      path: string;
      note: string;
    }
    interface Item {
      factId: string;
      eventId: string;
      person: string;
      inferred: Inferred[];
    }
    const paths = (list: Array<{ path: string }>) => list.map((i) => i.path);
    const loss = (await get('/v1/reports/financials?organization=org:openai&metric=loss&basis=cumulative_projected')).json<{
      items: Item[];
    }>();
    expect(loss.items.map((p) => [p.factId, paths(p.inferred)])).toEqual([[LOSS, ['occurredAt', 'data.period']]]);
    expect(loss.items[0].inferred[1].note).toMatch(/cinq prochaines années/);
    const departures = (await get('/v1/reports/departures?organization=org:openai')).json<{ items: Item[] }>();
    expect(paths(departures.items.find((d) => d.person === 'person:unnamed-sora-lead')!.inferred)).toEqual(['occurredAt']);
    const feed = (await get('/v1/feed?after=0&limit=100&lang=fr')).json<{ items: Item[] }>();
    const item = feed.items.find((i) => i.eventId === LOSS)!;
    expect(paths(item.inferred)).toEqual(['occurredAt', 'data.period']);
    expect(feed.items.find((i) => i.eventId === '0193b7f0-0000-7000-8000-000000000007')!.inferred).toEqual([]);
  });

  it('every report answers JSON that fits its OpenAPI schema, and CSV with a header row', async () => {
    const list = (await get('/v1/sources')).json<SourceList>();
    sourceId = list.items.find((s) => s.outlet === 'Unidentified French-language outlet')!.id;
    const paths = [
      '/v1/reports/leadership?organization=org:openai&asOf=2024-12-01',
      '/v1/reports/departures?organization=org:openai&groupBy=quarter',
      '/v1/reports/departures?organization=org:openai&limit=2',
      '/v1/reports/lawsuits?party=person:elon-musk',
      '/v1/reports/financials?organization=org:openai',
      '/v1/reports/timeline?subject=org:openai&lang=fr',
      '/v1/entities/person:elon-musk',
      '/v1/sources',
      `/v1/sources/${sourceId}`,
    ];
    for (const path of paths) {
      const json = await get(path);
      expect({ path, status: json.status, type: json.type }).toEqual({
        path,
        status: 200,
        type: expect.stringMatching(/application\/json/),
      });
      expect({ path, problems: problemsOf(json.json(), schemaOf(path)) }).toEqual({ path, problems: [] });
      const csv = await get(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
      expect({ path, status: csv.status, type: csv.type }).toEqual({ path, status: 200, type: expect.stringMatching(/^text\/csv/) });
      expect(schemaOf(path, '200', 'text/csv')).toMatchObject({ type: 'string', description: expect.stringContaining('header row') });
      const rows = parseCsv(csv.text);
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    }
  });

  it('the feed history answers JSON that fits its OpenAPI schema, amendments included', async () => {
    const page = await get('/v1/feed?limit=1000');
    expect(page.status).toBe(200);
    expect(page.json<FeedPage>().items.some((i) => i.targetEventId)).toBe(true);
    expect(problemsOf(page.json(), schemaOf('/v1/feed'))).toEqual([]);
    const bad = await get('/v1/feed?after=x');
    expect(problemsOf(bad.json(), schemaOf('/v1/feed', '400', 'application/problem+json'))).toEqual([]);
  });

  it('CSV also answers to Accept: text/csv, quoting per RFC 4180 (a quote with commas survives the round trip)', async () => {
    const res = await get(`/v1/sources/${sourceId}`, { accept: 'text/csv' });
    expect(res.type).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(res.text);
    const quote = rows.map((r) => r[header.indexOf('quote')]).find((x) => x.includes('départs, notamment'));
    expect(quote).toContain("Au cours de l'année écoulée, OpenAI a subi une vague de départs, notamment ceux de la directrice technique");
    expect(res.text).toContain('"Au cours de l\'année écoulée, OpenAI a subi une vague de départs, notamment');
  });

  it('answers caches right: no-cache, Vary on Accept, a CSV page tagged with its cursor, TimelineJS with its cursor, Accept weights', async () => {
    const json = await get('/v1/reports/timeline?subject=org:openai&limit=2');
    expect(json.headers.get('cache-control')).toBe('no-cache');
    expect(json.headers.get('vary')).toMatch(/\bAccept\b/);
    const jsonTag = json.headers.get('etag')!;
    // A CSV page with a next page: its tag covers the cursor, so no revalidation answers 304 with a stale cursor.
    const csv = await get('/v1/reports/timeline?subject=org:openai&limit=2&format=csv');
    const cursor = csv.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    expect(csv.headers.get('etag')).toMatch(/^W\/"next-/);
    expect(csv.headers.get('etag')).not.toBe(jsonTag);
    // As a browser's cache revalidates (fetch would add Cache-Control: no-cache to a hand-set If-None-Match).
    const again = await conditionalGet(`${q}/v1/reports/timeline?subject=org:openai&limit=2&format=csv`, csv.headers.get('etag')!);
    expect(again.status).toBe(304);
    expect(again.headers['x-next-cursor']).toBe(cursor);
    // The last page has no cursor and a tag of the body alone: a page that had one is never 304 on it.
    const lastCsv = await get('/v1/reports/timeline?subject=org:openai&limit=1000&format=csv');
    expect(lastCsv.headers.get('x-next-cursor')).toBeNull();
    expect(lastCsv.headers.get('etag')).not.toMatch(/next-/);
    // TimelineJS's JSON has no room for the cursor: the header carries it.
    const tl = await get('/v1/reports/timeline?subject=org:openai&limit=2&format=timelinejs');
    expect(tl.headers.get('x-next-cursor')).toBe(cursor);
    expect(tl.headers.get('etag')).toMatch(/^W\/"next-/);
    // Accept's weights: CSV wanted, JSON only as a fallback.
    const weighted = await get('/v1/reports/timeline?subject=org:openai&limit=2', { accept: 'text/csv, application/json;q=0.1' });
    expect(weighted.type).toMatch(/^text\/csv/);
  });

  it('answers the roster between a departure and the successor, departures by quarter, the refiled lawsuit', async () => {
    const roster = (await get('/v1/reports/leadership?organization=org:openai&asOf=2024-12-01')).json<Roster>();
    expect(roster.items.map((t) => t.person)).not.toContain('person:bob-mcgrew');
    expect(roster.items.map((t) => t.person)).not.toContain('person:mark-chen');
    expect(roster.items.map((t) => t.person)).toContain('person:kevin-weil');
    const later = (await get('/v1/reports/leadership?organization=org:openai&asOf=2025-04-01')).json<Roster>();
    expect(later.items.find((t) => t.role === 'Chief Research Officer')?.person).toBe('person:mark-chen');
    const quarters = (await get('/v1/reports/departures?organization=org:openai&groupBy=quarter')).json<DeparturesByPeriod>();
    expect(quarters.groups.map((g) => [g.key, g.count])).toEqual([
      ['2024-Q2', 2],
      ['2024-Q3', 3],
    ]);
    expect(quarters.unplaced.count).toBe(2);
    const cases = (await get('/v1/reports/lawsuits?party=person:elon-musk&status=withdrawn')).json<Cases>();
    expect(cases.items.map((c) => c.case)).toEqual(['case:musk-v-openai-state-court']);
    // The lawsuits CSV has, like the other reports', how the case's filing is sourced, as its JSON says (columns 12-15;
    // the ones added since follow them).
    const csv = parseCsv((await get('/v1/reports/lawsuits?party=person:elon-musk&status=withdrawn&format=csv')).text);
    expect(csv[0].slice(11, 15)).toEqual(['outlets', 'confirms', 'denies', 'inferred']);
    const [filed] = cases.items.map((c) => c.filed);
    expect(csv.slice(1).map((r) => r.slice(11, 15))).toEqual([
      [
        String(filed.corroboration.outlets),
        String(filed.corroboration.confirms),
        String(filed.corroboration.denies),
        filed.inferred.map((i) => i.path).join('; '),
      ],
    ]);
    expect(filed.corroboration.outlets).toBeGreaterThanOrEqual(1);
  });

  it('counts one departure for one person leaving one role written two ways ("Chief People Officer", " chief  people  officer "), in JSON and in CSV', async () => {
    const org = 'org:e2e-people-co';
    const leave = (role: string, occurredAt: string) => ({
      type: 'executive.departed',
      subject: 'person:e2e-pat',
      occurredAt,
      data: { organization: org, role, roleCategory: 'c-suite', reason: 'resigned' },
      sources: [{ outlet: 'Example', language: 'en' }],
    });
    const posted = await post<BatchAnswer>(
      `${stack.apps.ingest.url}/v1/events`,
      { events: [leave('Chief People Officer', '2024-04-02'), leave(' chief  people  officer ', '2024-06-02')] },
      stack.key,
    );
    expect(posted.body.results.map((r) => r.status)).toEqual(['created', 'created']);
    const written = Math.max(...posted.body.results.map((r) => Number(r.globalPosition)));
    const path = `/v1/reports/departures?organization=${org}&groupBy=year&minPosition=${written}`;
    const byYear = (await get(path)).json<{ groups: Array<{ key: string; count: number; reports: number }> }>();
    expect(byYear.groups.map((g) => [g.key, g.count, g.reports])).toEqual([['2024', 1, 2]]);
    // The CSV: one row per report, each with its group's count of departures and of reports.
    const [header, ...rows] = parseCsv((await get(`${path}&format=csv`)).text);
    const at = (name: string) => header.indexOf(name);
    expect(rows.map((r) => [r[at('group')], r[at('group_count')], r[at('group_reports')]])).toEqual([
      ['2024', '1', '2'],
      ['2024', '1', '2'],
    ]);
  });

  it('stores a role, an outlet and a title sent with blanks around them and doubled spaces in one form: the reports, the feed and a correction show it', async () => {
    const org = 'org:e2e-spaced-co';
    const posted = await post<{ id: string; globalPosition: string }>(
      `${stack.apps.ingest.url}/v1/events`,
      {
        type: 'executive.appointed',
        subject: 'person:e2e-spaced',
        occurredAt: '2024-05-02',
        data: { organization: org, role: '  chief  people   officer ', roleCategory: 'c-suite' },
        sources: [{ outlet: ' Example   Daily ', title: ' A  new   chief ', language: 'en' }],
      },
      stack.key,
    );
    expect(posted.status).toBe(201);
    const roster = (await get(`/v1/reports/leadership?organization=${org}&minPosition=${posted.body.globalPosition}`)).json<Roster>();
    expect(roster.items.map((t) => [t.role, t.start.sources.map((s) => [s.outlet, s.title])])).toEqual([
      ['chief people officer', [['Example Daily', 'A new chief']]],
    ]);
    const feed = (await get(`/v1/feed?after=${BigInt(posted.body.globalPosition) - 1n}&limit=1`)).json<FeedPage>();
    expect(feed.items[0].headline).toBe('E2e Spaced appointed chief people officer at E2e Spaced Co');
    // The same role with other blanks changes nothing; another role is stored in the same form.
    const correct = (role: string) =>
      post<Problem & { globalPosition: string }>(
        `${stack.apps.ingest.url}/v1/events/${posted.body.id}/corrections`,
        { changes: { data: { role } }, reason: 'spacing' },
        stack.key,
      );
    const same = await correct(' chief people  officer');
    expect([same.status, same.body.code]).toEqual([422, 'CORRECTION.NO_CHANGE']);
    const fixed = await correct(' Chief   People Officer ');
    expect(fixed.status).toBe(201);
    const after = (await get(`/v1/reports/leadership?organization=${org}&minPosition=${fixed.body.globalPosition}`)).json<Roster>();
    expect(after.items.map((t) => t.role)).toEqual(['Chief People Officer']);
  });

  it('shows a corrected figure with knownAt before and after the correction', async () => {
    const at = (knownAt: string) =>
      get(`/v1/reports/financials?organization=org:openai&metric=loss&basis=cumulative_projected&knownAt=${encodeURIComponent(knownAt)}`);
    const before = (await at(new Date(Date.parse(corrected) - 1).toISOString())).json<Figures>();
    expect(before.items.map((p) => [p.amount, p.status])).toEqual([['440000000000', 'current']]);
    const after = (await at(corrected)).json<Figures>();
    expect(after.items.map((p) => [p.amount, p.status, p.history[0]?.data.money.amount])).toEqual([
      ['44000000000', 'corrected', '440000000000'],
    ]);
    const csv = parseCsv((await get('/v1/reports/financials?organization=org:openai&metric=loss&format=csv')).text);
    expect(csv[0].slice(0, 3)).toEqual(['metric', 'basis', 'period']);
    expect(csv.slice(1).map((r) => r[csv[0].indexOf('amount')])).toEqual(['30000000000', '44000000000']);
    // How well each figure is sourced, as in the JSON: distinct outlets, confirms, denies, fields not stated.
    expect(csv[0].slice(13, 17)).toEqual(['outlets', 'confirms', 'denies', 'inferred']);
    const json = (await get('/v1/reports/financials?organization=org:openai&metric=loss')).json<Figures>();
    expect(csv.slice(1).map((r) => Number(r[csv[0].indexOf('outlets')]))).toEqual(json.items.map((p) => p.corroboration.outlets));
    expect(json.items.every((p) => p.corroboration.outlets >= 1)).toBe(true);
    const roster = parseCsv((await get('/v1/reports/leadership?organization=org:openai&show=tenures&format=csv')).text);
    expect(roster[0]).toEqual(expect.arrayContaining(['start_event_id', 'start_outlets', 'end_outlets', 'end_inferred']));
  });

  it('every report answer says which language it is in', async () => {
    for (const path of [
      '/v1/reports/financials?organization=org:openai',
      '/v1/reports/timeline?limit=1',
      '/v1/reports/conflicts?limit=1',
      '/v1/reports/departures?organization=org:openai',
      '/v1/reports/lawsuits',
      '/v1/reports/leadership?organization=org:openai',
    ]) {
      expect({ path, lang: (await get(`${path}&lang=fr`.replace(/^([^?]*)&/, '$1?'))).json<{ lang?: string }>().lang }).toEqual({
        path,
        lang: 'fr',
      });
      expect({ path, lang: (await get(path)).json<{ lang?: string }>().lang }).toEqual({ path, lang: 'en' });
    }
  });

  it('a case step reported late takes its place in valid time: status, asOf, the status filter and the history follow when steps happened', async () => {
    const subject = 'case:late-v-report';
    const src = [{ outlet: 'Example', language: 'en' }];
    const step = (status: string, occurredAt: string) => ({
      type: 'lawsuit.status_changed',
      subject,
      occurredAt,
      data: { status },
      sources: src,
    });
    const events = [
      {
        type: 'lawsuit.filed',
        subject,
        occurredAt: '2024-02-29',
        data: { title: 'Late v. Report', plaintiffs: ['person:late-plaintiff'], defendants: ['org:late-defendant'], claims: ['x'] },
        sources: src,
      },
      step('dismissed', '2024-09-30'),
      step('appealed', '2024-10-05'),
      step('ruled', '2025-Q1'),
      step('amended', '2024-04-10'), // recorded last, happened first
    ];
    let position = '0';
    for (const e of events) {
      const posted = await post<{ globalPosition: string }>(`${stack.apps.ingest.url}/v1/events`, e, stack.key);
      expect(posted.status).toBe(201);
      position = posted.body.globalPosition;
    }
    type Cases = { items: Array<{ status: string; history: Array<{ status: string }> }> };
    const lawsuits = async (params: string) =>
      (await get(`/v1/reports/lawsuits?party=person:late-plaintiff&minPosition=${position}${params}`)).json<Cases>().items;
    const [now] = await lawsuits('');
    expect(now.status).toBe('ruled');
    expect(now.history.map((h) => h.status)).toEqual(['filed', 'amended', 'dismissed', 'appealed', 'ruled']);
    expect((await lawsuits('&asOf=2024-10-01'))[0].status).toBe('dismissed');
    expect((await lawsuits('&asOf=2024-06-01'))[0].status).toBe('amended');
    expect(await lawsuits('&status=amended')).toEqual([]);
    expect(await lawsuits('&status=ruled')).toHaveLength(1);
    // A step dated only by its quarter (ruled in 2025-Q1) is the status once the quarter is over, not from its first day.
    expect((await lawsuits('&asOf=2025-02-15'))[0].status).toBe('appealed');
    expect((await lawsuits('&asOf=2025-03-31'))[0].status).toBe('ruled');
    expect((await lawsuits('&asOf=2024-09-30'))[0].status).toBe('dismissed');
  });

  it('a rumoured step is listed but is not the status, nor does a rumoured settlement close the case, until a story attached confirms it (t19)', async () => {
    const src = [{ outlet: 'Court Wire', language: 'en' }];
    const blog = [{ outlet: 'Legal Gossip Blog', language: 'en' }];
    const filed = (subject: string) => ({
      type: 'lawsuit.filed',
      subject,
      occurredAt: '2024-03-01',
      data: { title: 'Rumour v. Write', plaintiffs: ['person:rumour-writer'], defendants: ['org:rumour-acme'], claims: ['x'] },
      sources: src,
    });
    const step = (subject: string, status: string, occurredAt: string, modality = 'reported') => ({
      id: randomUUID(),
      type: 'lawsuit.status_changed',
      subject,
      occurredAt,
      modality,
      data: { status },
      sources: modality === 'rumored' ? blog : src,
    });
    const record = async (e: object, status = 201) => {
      const posted = await post<{ globalPosition: string; recordedAt: string; code?: string; errors?: Array<{ path: string }> }>(
        `${stack.apps.ingest.url}/v1/events`,
        e,
        stack.key,
      );
      expect({ e, status: posted.status }).toEqual({ e, status });
      return posted.body;
    };
    const confirm = async (eventId: string, status = 201) => {
      const body = { source: { outlet: 'Court Wire', language: 'en' }, stance: 'confirms' };
      const posted = await post<{ globalPosition: string; recordedAt: string; code?: string; errors?: Array<{ path: string }> }>(
        `${stack.apps.ingest.url}/v1/events/${eventId}/sources`,
        body,
        stack.key,
      );
      expect(posted.status).toBe(status);
      return posted.body;
    };
    type Case = { case: string; status: string; rumoredStatus: string | null; history: Array<{ status: string; modality: string }> };
    const lawsuit = async (subject: string, position: string, params = '') =>
      (await get(`/v1/reports/lawsuits?party=person:rumour-writer&minPosition=${position}${params}`))
        .json<{ items: Case[] }>()
        .items.find((c) => c.case === subject);

    // A blog's rumoured settlement: listed, not the status, and the case stays open to a reported dismissal.
    const open = `case:rumour-v-write-${randomUUID().slice(0, 8)}`;
    await record(filed(open));
    const settlement = step(open, 'settled', '2024-09', 'rumored');
    let at = (await record(settlement)).globalPosition;
    expect(await lawsuit(open, at)).toMatchObject({ status: 'filed', rumoredStatus: 'settled' });
    at = (await record(step(open, 'dismissed', '2024-10'))).globalPosition;
    expect(await lawsuit(open, at)).toMatchObject({
      status: 'dismissed',
      rumoredStatus: null,
      history: [
        { status: 'filed', modality: 'reported' },
        { status: 'settled', modality: 'rumored' },
        { status: 'dismissed', modality: 'reported' },
      ],
    });
    // Confirming the settlement now would put a settled case before the dismissal: refused, naming the stance.
    const refused = await confirm(settlement.id, 422);
    expect(refused).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'stance' }] });

    // Confirmed by Court Wire, the settlement is the status from then on, and closes the case to a reported motion.
    const confirmed = `case:rumour-confirmed-${randomUUID().slice(0, 8)}`;
    await record(filed(confirmed));
    const rumour = step(confirmed, 'settled', '2024-09', 'rumored');
    const rumoured = await record(rumour);
    const confirmation = await confirm(rumour.id);
    expect(await lawsuit(confirmed, confirmation.globalPosition)).toMatchObject({ status: 'settled', rumoredStatus: null });
    const before = `&knownAt=${encodeURIComponent(rumoured.recordedAt)}`;
    expect(await lawsuit(confirmed, confirmation.globalPosition, before)).toMatchObject({ status: 'filed', rumoredStatus: 'settled' });
    expect(await lawsuit(confirmed, confirmation.globalPosition, '&status=settled')).toBeDefined();
    const closed = await record(step(confirmed, 'motion_filed', '2024-11'), 422);
    expect(closed).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'data.status' }] });
    await record(step(confirmed, 'appealed', '2024-11'));
  });

  it("a case's steps reach its parties: their timeline (with their role in the case) and the feed's organization filter", async () => {
    const subject = 'case:parties-v-steps';
    const src = [{ outlet: 'Example', language: 'en' }];
    const filed = {
      type: 'lawsuit.filed',
      subject,
      occurredAt: '2024-03-01',
      data: { title: 'Parties v. Steps', plaintiffs: ['person:steps-plaintiff'], defendants: ['org:steps-defendant'], claims: ['x'] },
      sources: src,
    };
    const settled = { type: 'lawsuit.status_changed', subject, occurredAt: '2024-11-20', data: { status: 'settled' }, sources: src };
    let position = '0';
    for (const e of [filed, settled]) {
      const posted = await post<{ globalPosition: string }>(`${stack.apps.ingest.url}/v1/events`, e, stack.key);
      expect(posted.status).toBe(201);
      position = posted.body.globalPosition;
    }
    type Timeline = { items: Array<{ type: string; subject: string; role: string; headline: string }> };
    const timeline = (await get(`/v1/reports/timeline?subject=org:steps-defendant&minPosition=${position}`)).json<Timeline>().items;
    expect(timeline.map((i) => [i.type, i.subject, i.role])).toEqual([
      ['lawsuit.filed', subject, 'defendant'],
      ['lawsuit.status_changed', subject, 'defendant'],
    ]);
    const plaintiff = (await get(`/v1/reports/timeline?subject=person:steps-plaintiff&types=lawsuit.status_changed`)).json<Timeline>()
      .items;
    expect(plaintiff.map((i) => i.role)).toEqual(['plaintiff']);
    // The feed's organization filter: the settlement is delivered to the defendant's readers.
    const feedTypes = async () =>
      (await get(`/v1/feed?after=0&organization=org:steps-defendant`)).json<FeedPage>().items.map((i) => i.type);
    await pollUntil(async () => (await feedTypes()).length === 2, { timeoutMs: 10000, what: 'the settlement in the feed' });
    expect(await feedTypes()).toEqual(['lawsuit.filed', 'lawsuit.status_changed']);
  });

  it('pages a report once each while facts are corrected between pages: later pages read the state the first page read', async () => {
    const organization = 'org:paging-while-corrected';
    const ids: string[] = [];
    let position = '0';
    for (const month of ['01', '02', '03', '04', '05', '06']) {
      const posted = await post<{ id: string; globalPosition: string }>(
        `${stack.apps.ingest.url}/v1/events`,
        {
          type: 'executive.departed',
          subject: `person:pager-${month}`,
          occurredAt: `2024-${month}-10`,
          data: { organization, role: `VP ${month}`, roleCategory: 'other' },
          sources: [{ outlet: 'Example Daily', language: 'en' }],
        },
        stack.key,
      );
      ids.push(posted.body.id);
      position = posted.body.globalPosition;
    }
    type Page = { items: Array<{ factId: string }>; next: string | null };
    const first = (await get(`/v1/reports/departures?organization=${organization}&limit=2&minPosition=${position}`)).json<Page>();
    // While the reader pages: the last departure moves to January, the first to December.
    for (const [id, occurredAt] of [
      [ids[5], '2024-01-15'],
      [ids[0], '2024-12-10'],
    ]) {
      const fix = await post<{ globalPosition: string }>(
        `${stack.apps.ingest.url}/v1/events/${id}/corrections`,
        { changes: { occurredAt }, reason: 'date' },
        stack.key,
      );
      expect(fix.status).toBe(201);
      position = fix.body.globalPosition;
    }
    await get(`/v1/reports/departures?organization=${organization}&minPosition=${position}`);
    const seen = first.items.map((i) => i.factId);
    for (let next = first.next; next;) {
      const page = (await get(`/v1/reports/departures?organization=${organization}&limit=2&cursor=${next}`)).json<Page>();
      seen.push(...page.items.map((i) => i.factId));
      next = page.next;
    }
    expect(seen).toEqual(ids);
    // A new first page reads now: the corrected order.
    const now = (await get(`/v1/reports/departures?organization=${organization}`)).json<Page>().items.map((i) => i.factId);
    expect(now).toEqual([ids[5], ids[1], ids[2], ids[3], ids[4], ids[0]]);
    // A cursor of another report is refused.
    const timeline = (await get(`/v1/reports/timeline?subject=${organization}&limit=1`)).json<Page>();
    expect((await get(`/v1/reports/departures?organization=${organization}&cursor=${timeline.next}`)).status).toBe(400);
  });

  it('the roster shows a rumour confirmed later for the same day as confirmed (rumored known before), and the interim status as of a date', async () => {
    const organization = 'org:desk-limits';
    const appointment = (person: string, occurredAt: string, modality: string, interim: boolean) => ({
      type: 'executive.appointed',
      subject: person,
      occurredAt,
      modality,
      data: { role: { en: 'Chief Executive Officer' }, organization, roleCategory: 'c-suite', interim },
      sources: [{ outlet: { rumored: 'Gossip Weekly', confirmed: 'Official Wire' }[modality] ?? 'Example', language: 'en' }],
    });
    const positions: string[] = [];
    const ids: string[] = [];
    for (const e of [
      appointment('person:desk-rumour', '2024-06-10', 'rumored', false),
      appointment('person:desk-rumour', '2024-06-10', 'confirmed', false),
      appointment('person:desk-interim', '2024-01-15', 'reported', true),
      appointment('person:desk-interim', '2024-06-01', 'reported', false),
    ]) {
      const posted = await post<{ globalPosition: string; id: string }>(`${stack.apps.ingest.url}/v1/events`, e, stack.key);
      expect(posted.status).toBe(201);
      positions.push(posted.body.globalPosition);
      ids.push(posted.body.id);
    }
    const [rumourId, confirmationId] = ids;
    const [row] = (await stack.db.pool.query('SELECT recorded_at FROM event_store.events WHERE global_position = $1', [positions[0]])).rows;
    const rumourKnown = new Date(row.recorded_at).toISOString();
    interface Tenures {
      items: Array<{ person: string; interim: boolean; start: { occurredAt: string; modality: string } }>;
    }
    const roster = async (params: string) =>
      (await get(`/v1/reports/leadership?organization=${organization}&minPosition=${positions[3]}${params}`))
        .json<Tenures>()
        .items.map((t) => [t.person, t.interim, t.start.occurredAt, t.start.modality]);
    expect(await roster('')).toEqual([
      ['person:desk-interim', false, '2024-01-15', 'reported'],
      ['person:desk-rumour', false, '2024-06-10', 'confirmed'],
    ]);
    expect(await roster(`&knownAt=${rumourKnown}`)).toEqual([['person:desk-rumour', false, '2024-06-10', 'rumored']]);
    expect(await roster('&asOf=2024-03-01')).toEqual([['person:desk-interim', true, '2024-01-15', 'reported']]);
    expect(await roster('&asOf=2024-07-01')).toEqual([
      ['person:desk-interim', false, '2024-01-15', 'reported'],
      ['person:desk-rumour', false, '2024-06-10', 'confirmed'],
    ]);
    // What backs the confirmed start: the confirming report and its outlet, while the start stays the rumour (its id,
    // its outlet), as GET /v1/events/{id} and corrections know it.
    interface Start {
      eventId: string;
      modality: string;
      sources: Array<{ outlet: string }>;
      corroboration: { outlets: number };
      modalityFrom: {
        eventId: string;
        modality: string;
        occurredAt: string;
        sources: Array<{ outlet: string }>;
        corroboration: { outlets: number };
      } | null;
    }
    const startOf = async (params: string) => {
      const res = await get(`/v1/reports/leadership?organization=${organization}&minPosition=${positions[3]}${params}`);
      expect(problemsOf(res.json(), schemaOf('/v1/reports/leadership'))).toEqual([]);
      const start = res
        .json<{ items: Array<{ person: string; start: Start }> }>()
        .items.find((t) => t.person === 'person:desk-rumour')!.start;
      const from = start.modalityFrom;
      return {
        eventId: start.eventId,
        modality: start.modality,
        outlets: start.sources.map((x) => x.outlet),
        modalityFrom: from && {
          eventId: from.eventId,
          modality: from.modality,
          occurredAt: from.occurredAt,
          outlets: from.sources.map((x) => x.outlet),
          counted: from.corroboration.outlets,
        },
      };
    };
    const confirmed = {
      eventId: rumourId,
      modality: 'confirmed',
      outlets: ['Gossip Weekly'],
      modalityFrom: { eventId: confirmationId, modality: 'confirmed', occurredAt: '2024-06-10', outlets: ['Official Wire'], counted: 1 },
    };
    expect(await startOf('')).toEqual(confirmed);
    expect(await startOf('&asOf=2024-07-01')).toEqual(confirmed);
    expect(await startOf('&show=tenures')).toEqual(confirmed);
    // Known before the confirmation was recorded: a rumour, backed by its own report.
    expect(await startOf(`&knownAt=${rumourKnown}`)).toEqual({
      eventId: rumourId,
      modality: 'rumored',
      outlets: ['Gossip Weekly'],
      modalityFrom: null,
    });
    const named = await fetch(`${stack.apps.ingest.url}/v1/events/${confirmationId}`);
    expect(((await named.json()) as { modality: string; sources: Array<{ outlet: string }> }).sources.map((x) => x.outlet)).toEqual([
      'Official Wire',
    ]);
    // The CSV names it at the end of the row: its id and outlets, empty for a start backed by its own report.
    const [header, ...rows] = parseCsv(
      (await get(`/v1/reports/leadership?organization=${organization}&minPosition=${positions[3]}&format=csv`)).text,
    );
    // (then the instants each bound's date stands for: start_from, start_to, end_from, end_to; then each bound's
    // conflicts_with)
    expect(header.slice(-9, -6)).toEqual(['modality_from_event_id', 'modality_from_sources', 'end_modality']);
    expect(rows.map((r) => [r[0], r[header.indexOf('modality')], r[header.indexOf('sources')], ...r.slice(-9, -7)])).toEqual([
      ['person:desk-interim', 'reported', 'Example', '', ''],
      ['person:desk-rumour', 'confirmed', 'Gossip Weekly', confirmationId, 'Official Wire'],
    ]);
  });

  it('the t14 tester: a rumoured departure keeps the COO on the roster, not certain; the company denying it sets it aside (JSON, CSV, departures counts)', async () => {
    const organization = 'org:t14-openai';
    const person = 'person:t14-brad-lightcap';
    const fact = (type: string, occurredAt: string, modality: string, outlet: string) => ({
      type: `executive.${type}`,
      subject: person,
      occurredAt,
      modality,
      data: {
        role: { en: 'Chief Operating Officer' },
        organization,
        roleCategory: 'c-suite',
        ...(type === 'departed' ? { reason: 'resigned' } : {}),
      },
      sources: [{ outlet, language: 'en' }],
    });
    const positions: string[] = [];
    for (const e of [
      fact('appointed', '2018-05', 'reported', 'OpenAI Blog'),
      fact('departed', '2025-03', 'rumored', 'TechCrunch'),
      fact('departed', '2025-03', 'denied', 'OpenAI'),
    ]) {
      const posted = await post<{ globalPosition: string }>(`${stack.apps.ingest.url}/v1/events`, e, stack.key);
      expect(posted.status).toBe(201);
      positions.push(posted.body.globalPosition);
    }
    const [row] = (await stack.db.pool.query('SELECT recorded_at FROM event_store.events WHERE global_position = $1', [positions[1]])).rows;
    const rumourKnown = new Date(row.recorded_at).toISOString();
    interface Tenures {
      items: Array<{
        person: string;
        certain?: boolean;
        end: { occurredAt: string; modality: string; sources: Array<{ outlet: string }> } | null;
      }>;
    }
    const roster = async (params: string) => {
      const res = await get(`/v1/reports/leadership?organization=${organization}&minPosition=${positions[2]}${params}`);
      expect(problemsOf(res.json(), schemaOf('/v1/reports/leadership'))).toEqual([]);
      return res
        .json<Tenures>()
        .items.map((t) => [t.person, t.certain, t.end && [t.end.occurredAt, t.end.modality, t.end.sources.map((x) => x.outlet)]]);
    };
    // Known before the denial: on the roster, not certain, the rumoured end shown.
    const rumoured = [person, false, ['2025-03', 'rumored', ['TechCrunch']]];
    expect(await roster(`&knownAt=${rumourKnown}`)).toEqual([rumoured]);
    expect(await roster(`&knownAt=${rumourKnown}&asOf=2025-06-01`)).toEqual([rumoured]);
    // Now: simply in office.
    expect(await roster('')).toEqual([[person, true, null]]);
    expect(await roster('&asOf=2025-06-01')).toEqual([[person, true, null]]);
    expect(await roster('&show=tenures')).toEqual([[person, undefined, null]]);
    const [header, ...rows] = parseCsv(
      (await get(`/v1/reports/leadership?organization=${organization}&knownAt=${rumourKnown}&format=csv`)).text,
    );
    expect(rows.map((r) => [r[0], r[header.indexOf('end')], r[header.indexOf('certain')], r[header.indexOf('end_modality')]])).toEqual([
      [person, '2025-03', 'false', 'rumored'],
    ]);
    // Departures: the rumour and its denial are listed, and count for nothing; before the denial, one rumour.
    interface Groups {
      groups: Array<{ key: string; count: number; rumored: number; reports: number }>;
    }
    const years = async (params: string) =>
      (await get(`/v1/reports/departures?organization=${organization}&groupBy=year&minPosition=${positions[2]}${params}`))
        .json<Groups>()
        .groups.map((g) => [g.key, g.count, g.rumored, g.reports]);
    expect(await years('')).toEqual([['2025', 0, 0, 2]]);
    expect(await years(`&knownAt=${rumourKnown}`)).toEqual([['2025', 0, 1, 1]]);
  });

  it('reads its own writes: with minPosition the report holds the event just written, and every answer says its position', async () => {
    const appointment = {
      type: 'executive.appointed',
      subject: 'person:own-write',
      occurredAt: '2026-11',
      data: { role: { en: 'Chief Read-Your-Writes Officer' }, organization: 'org:openai', roleCategory: 'c-suite' },
      sources: [{ outlet: 'Example', language: 'en', publishedAt: '2026-11', title: 'Example story', quote: 'named today' }],
    };
    const posted = await post<{ globalPosition: string }>(`${stack.apps.ingest.url}/v1/events`, appointment, stack.key);
    expect(posted.status).toBe(201);
    const written = BigInt(posted.body.globalPosition);
    const positionOf = (res: { headers: Headers }) => BigInt(res.headers.get('newsroom-position') ?? '-1');
    // At once, no polling: the query service answers when its read models hold the write.
    const roster = await get(`/v1/reports/leadership?organization=org:openai&minPosition=${written}`);
    expect(roster.status).toBe(200);
    expect(positionOf(roster)).toBeGreaterThanOrEqual(written);
    expect(roster.json<Roster>().items.map((i) => i.person)).toContain('person:own-write');
    expect(roster.headers.get('newsroom-partial')).toBeNull();
    const csv = await get(`/v1/reports/timeline?subject=person:own-write&minPosition=${written}&format=csv`);
    expect(csv.status).toBe(200);
    expect(positionOf(csv)).toBeGreaterThanOrEqual(written);
    expect(parseCsv(csv.text)).toHaveLength(2);
    // Every report, entity and source answer says the position it holds every event up to.
    for (const path of [
      '/v1/reports/departures?organization=org:openai',
      '/v1/reports/lawsuits',
      '/v1/reports/financials?organization=org:openai',
      '/v1/reports/conflicts',
      '/v1/entities/person:own-write',
      '/v1/sources',
      `/v1/sources/${sourceId}`,
    ]) {
      const res = await get(path);
      expect({ path, status: res.status, position: positionOf(res) >= written }).toEqual({ path, status: 200, position: true });
    }
    // A position the store has not recorded: 503 after the bounded wait (QUERY_MIN_POSITION_WAIT_MS, 1.5 s here).
    const ahead = written + 1_000_000n;
    const started = Date.now();
    const behind = await get(`/v1/reports/departures?organization=org:openai&minPosition=${ahead}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect({ status: behind.status, type: behind.type, retryAfter: behind.headers.get('retry-after') }).toEqual({
      status: 503,
      type: expect.stringMatching(/application\/problem\+json/),
      retryAfter: '1',
    });
    const problem = behind.json<Problem & { position: string; minPosition: string }>();
    expect(problem.code).toBe('READ_MODEL.BEHIND');
    expect(problem.minPosition).toBe(String(ahead));
    expect(problem.errors).toEqual([{ path: 'minPosition', message: expect.stringMatching(/^not reached yet: the read models hold/) }]);
    expect(BigInt(problem.position)).toBeGreaterThanOrEqual(written);
    expect(problemsOf(problem, schemaOf('/v1/reports/departures', '503', 'application/problem+json'))).toEqual([]);
  });

  it('answers 400 problem+json naming each bad parameter, and 404 for an entity no standing fact names', async () => {
    const cases: Array<[string, string[]]> = [
      ['/v1/reports/leadership', ['organization']],
      ['/v1/reports/leadership?organization=org:openai&modality=denied', ['modality']],
      ['/v1/reports/leadership?organization=person:x&asOf=yesterday', ['organization', 'asOf']],
      ['/v1/reports/departures?groupBy=week&modality=sure', ['groupBy', 'modality[0]']],
      ['/v1/reports/financials?organization=org:openai&metric=profit&organisation=x', ['organisation', 'metric[0]']],
      ['/v1/reports/timeline?cursor=bogus', ['cursor']],
      ['/v1/reports/lawsuits?knownAt=2024/2025&limit=5000', ['knownAt', 'limit']],
      ['/v1/reports/conflicts?minPosition=-1', ['minPosition']],
      ['/v1/sources?minPosition=9223372036854775808', ['minPosition']],
      ['/v1/reports/timeline?minPosition=1.5&minPosition=2', ['minPosition']],
      ['/v1/sources/not-an-id', ['id']],
      ['/v1/entities/nobody', ['subject']],
      // A parameter given empty asks for nothing, not for everything or for now (t30: every organization's departures).
      ['/v1/reports/departures?organization=', ['organization']],
      ['/v1/reports/leadership?organization=&knownAt=', ['organization', 'knownAt']],
      ['/v1/reports/conflicts?subject=&status=open&limit=', ['subject', 'limit']],
      ['/v1/reports/timeline?subject=org:openai&types=,', ['types']],
      ['/v1/sources?outlet=', ['outlet']],
    ];
    for (const [path, fields] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, type: res.type }).toEqual({
        path,
        status: 400,
        type: expect.stringMatching(/application\/problem\+json/),
      });
      expect({ path, fields: res.json<Problem>().errors?.map((e) => e.path) }).toEqual({ path, fields });
      expect(problemsOf(res.json(), schemaOf(path, '400', 'application/problem+json'))).toEqual([]);
      // The detail names what was asked: a report's query, the sources list, a source, an entity (t29).
      const asked = path.startsWith('/v1/reports/')
        ? 'report query'
        : path.startsWith('/v1/sources/')
          ? 'source request'
          : path.startsWith('/v1/sources')
            ? 'sources query'
            : 'entity request';
      expect({ path, detail: res.json<Problem>().detail }).toEqual({ path, detail: `The ${asked} is not valid.` });
    }
    const missing = await get('/v1/entities/person:nobody-at-all');
    expect(missing.status).toBe(404);
    expect(missing.json<Problem>().code).toBe('RESOURCE.NOT_FOUND');
  });
});
