import { randomUUID } from 'node:crypto';
import { headcountEnvelope, pollUntil, SseClient } from '@newsroom/testing';
import { seedEnvelopes } from '../fixtures/story.fixture';
import { post, Recorded as Written, startStack, TestStack } from './stack.harness';
import { untilReached } from './feed.client';

const SAM = 'person:sam-altman';
const SAMUEL = 'person:samuel-altman';
const source = { outlet: 'Fixture Wire', language: 'en' };
const ACME = 'org:acme-ai';
const ACME_LABS = 'org:acme-ai-labs';

/** A loss figure and a lawsuit naming one of the two org subjects. */
const orgFacts = (org: string, amount: string) => [
  {
    type: 'financial.loss_reported',
    subject: org,
    occurredAt: '2024-10',
    data: { money: { amount, currency: 'USD' }, period: '2024', basis: 'projected' },
    sources: [source],
  },
  {
    type: 'lawsuit.filed',
    subject: `case:authors-v-${org.slice(4)}`,
    occurredAt: '2024-07',
    data: { title: `Authors v. ${org}`, plaintiffs: ['person:some-author'], defendants: [org], claims: ['copyright'] },
    sources: [source],
  },
];

/** The fields of the financials, lawsuits and feed answers the org test reads. */
interface OrgAnswer {
  items: Array<{
    organization?: string;
    canonicalOrganization?: string;
    amount?: string;
    case?: string;
    canonicalDefendants?: string[];
    subject?: string;
  }>;
}

/** The fields of the entity page and the reports this test reads. */
interface Answer {
  canonicalSubject?: string;
  aliases?: string[];
  names?: string[];
  items: Array<{ subject: string; person: string; canonicalPerson: string }>;
}

/** What the alias endpoints answer: the recorded event (201) or a duplicate (200). */
interface Recorded {
  id: string;
  type?: string;
  status?: string;
  recordedAt: string;
}

/** Merge two people through the public API, see one entity in the entity page and the reports, go back with knownAt, unmerge. */
describe('one entity, many names: POST /v1/entities/{subject}/aliases through the running apps', () => {
  let stack: TestStack;
  let q: string;
  let ingest: string;
  const get = async (path: string) => {
    const res = await fetch(`${q}${path}`);
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const alias = (subject: string, body: unknown, opts: { key?: string | null; idem?: string; removal?: boolean } = {}) =>
    post<Recorded>(
      `${ingest}/v1/entities/${subject}/aliases${opts.removal ? '/removals' : ''}`,
      body,
      opts.key === null ? undefined : (opts.key ?? stack.key),
      opts.idem ? { 'Idempotency-Key': opts.idem } : {},
    );
  const entity = (subject: string, knownAt?: string) => get(`/v1/entities/${subject}${knownAt ? `?knownAt=${knownAt}` : ''}`);

  beforeAll(async () => {
    stack = await startStack('aliases');
    q = stack.apps.query.url;
    ingest = stack.apps.ingest.url;
    const events = [
      ...seedEnvelopes(),
      {
        type: 'executive.appointed',
        subject: SAM,
        occurredAt: '2019-03',
        data: { organization: 'org:openai', role: 'Chief Executive Officer', roleCategory: 'c-suite' },
        sources: [source],
      },
      {
        type: 'executive.departed',
        subject: SAMUEL,
        occurredAt: '2023-11-17',
        data: { organization: 'org:openai', role: 'Chief Executive Officer', roleCategory: 'c-suite', reason: 'fired' },
        sources: [source],
      },
      ...orgFacts(ACME, '1000000000'),
      ...orgFacts(ACME_LABS, '2000000000'),
    ];
    const res = await post<{ results: Array<{ status: string }> }>(`${ingest}/v1/events`, { events }, stack.key);
    expect(res.body.results.every((r) => r.status === 'created')).toBe(true);
    await pollUntil(async () => (await get(`/v1/entities/${SAMUEL}`)).status === 200, {
      timeoutMs: 30000,
      what: 'the departure in the entity page',
    });
  });
  afterAll(() => stack?.stop());

  let mergedAt = '';

  it('records a merge with the write key, once per Idempotency-Key, and refuses what breaks the rules', async () => {
    expect((await alias(SAM, { subject: SAMUEL, reason: 'same person' }, { key: null })).status).toBe(401);
    expect((await alias(SAM, { subject: SAMUEL, reason: 'same person' }, { key: stack.readKey })).status).toBe(403);
    expect(await alias(SAM, { subject: 'org:openai', reason: 'x' })).toMatchObject({ status: 400, body: { code: 'ENTITY.KIND_MISMATCH' } });
    expect(await alias(SAM, { subject: SAM, reason: 'x' })).toMatchObject({ status: 400, body: { code: 'ENTITY.SELF_MERGE' } });
    expect(await alias(SAM, { reason: 'x' })).toMatchObject({ status: 400, body: { errors: [{ path: 'subject' }] } });

    const idem = randomUUID();
    const merged = await alias(SAM, { subject: SAMUEL, reason: 'same person' }, { idem });
    expect(merged).toMatchObject({ status: 201, body: { id: idem, type: 'entity.merged', subject: SAMUEL, data: { into: SAM } } });
    mergedAt = merged.body.recordedAt;
    expect(await alias(SAM, { subject: SAMUEL, reason: 'same person' }, { idem })).toMatchObject({
      status: 200,
      body: { id: idem, status: 'duplicate' },
    });
    expect(await alias(SAMUEL, { subject: SAM, reason: 'cycle' })).toMatchObject({ status: 422, body: { code: 'ENTITY.NOT_CANONICAL' } });
    expect((await alias(SAM, { name: 'Samuel H. Altman', reason: 'full name' })).status).toBe(201);
  });

  it('the entity page shows one entity with both names; the departures and leadership reports carry the canonical subject', async () => {
    await pollUntil(async () => (await entity(SAMUEL)).body.canonicalSubject === SAM && (await entity(SAM)).body.aliases?.length === 1, {
      timeoutMs: 30000,
      what: 'the merge in the entity page',
    });
    const page = (await entity(SAMUEL)).body;
    expect(page).toMatchObject({
      subject: SAMUEL,
      canonicalSubject: SAM,
      displayName: 'Sam Altman',
      mergedSubjects: [{ subject: SAMUEL }],
      aliases: ['Samuel H. Altman'],
    });
    expect(page.names).toEqual(['Sam Altman', 'Samuel Altman', 'Samuel H. Altman']);
    expect(page.items.map((i) => i.subject).sort()).toEqual([SAM, SAMUEL]);

    const departures = (await get('/v1/reports/departures?organization=org:openai')).body;
    expect(departures.items.find((i) => i.person === SAMUEL)).toMatchObject({ canonicalPerson: SAM, canonicalPersonName: 'Sam Altman' });
    const tenures = (await get('/v1/reports/leadership?organization=org:openai&show=tenures')).body.items.filter(
      (t) => t.canonicalPerson === SAM,
    );
    expect(tenures.map((t) => t.person).sort()).toEqual([SAM, SAMUEL]);
  });

  it('knownAt before the merge shows two entities', async () => {
    const before = new Date(Date.parse(mergedAt) - 1).toISOString();
    expect((await entity(SAMUEL, before)).body).toMatchObject({ canonicalSubject: SAMUEL, mergedSubjects: [], names: ['Samuel Altman'] });
    expect((await entity(SAM, before)).body).toMatchObject({ canonicalSubject: SAM, mergedSubjects: [] });
    const departures = (await get(`/v1/reports/departures?organization=org:openai&knownAt=${before}`)).body;
    expect(departures.items.find((i) => i.person === SAMUEL)).toMatchObject({ canonicalPerson: SAMUEL });
  });

  it('after an unmerge they are apart again, and still one entity as known before it', async () => {
    const apart = await alias(SAM, { subject: SAMUEL, reason: 'two records after all' }, { removal: true });
    expect(apart).toMatchObject({ status: 201, body: { type: 'entity.unmerged', subject: SAMUEL, data: { from: SAM } } });
    expect(await alias(SAM, { subject: SAMUEL, reason: 'again' }, { removal: true })).toMatchObject({
      status: 422,
      body: { code: 'ENTITY.NOT_MERGED' },
    });
    await pollUntil(async () => (await entity(SAMUEL)).body.canonicalSubject === SAMUEL, {
      timeoutMs: 30000,
      what: 'the unmerge in the entity page',
    });
    expect((await entity(SAM)).body).toMatchObject({ mergedSubjects: [], aliases: ['Samuel H. Altman'] });
    const whileMerged = new Date(Date.parse(apart.body.recordedAt) - 1).toISOString();
    expect((await entity(SAMUEL, whileMerged)).body).toMatchObject({ canonicalSubject: SAM });
  });

  it('two org subjects merged: the financials, lawsuits and feed of one take in the other; knownAt before and an unmerge part them', async () => {
    const read = async (path: string) => (await (await fetch(`${q}${path}`)).json()) as OrgAnswer;
    const financials = (params = '') => read(`/v1/reports/financials?organization=${ACME}&metric=loss${params}`);
    const lawsuits = (params = '') => read(`/v1/reports/lawsuits?party=${ACME}${params}`);
    const feed = () => read(`/v1/feed?organization=${ACME}&limit=1000`);
    await pollUntil(async () => (await financials()).items.length === 1 && (await lawsuits()).items.length === 1, {
      timeoutMs: 30000,
      what: 'the two org facts in the reports',
    });

    const merged = await alias(ACME, { subject: ACME_LABS, reason: 'the lab is the same company' });
    expect(merged.status).toBe(201);
    await pollUntil(async () => (await financials()).items.length === 2, { timeoutMs: 30000, what: 'the merged figure in financials' });
    expect((await financials()).items.map((i) => [i.organization, i.canonicalOrganization, i.amount]).sort()).toEqual([
      [ACME, ACME, '1000000000'],
      [ACME_LABS, ACME, '2000000000'],
    ]);
    const cases = (await lawsuits()).items;
    expect(cases.map((c) => c.case).sort()).toEqual(['case:authors-v-acme-ai', 'case:authors-v-acme-ai-labs']);
    expect(cases.every((c) => c.canonicalDefendants?.[0] === ACME)).toBe(true);
    // Asked by the merged slug: the same entity.
    expect((await read(`/v1/reports/financials?organization=${ACME_LABS}&metric=loss`)).items).toHaveLength(2);
    await pollUntil(async () => (await feed()).items.some((i) => i.subject === ACME_LABS), {
      timeoutMs: 30000,
      what: 'the feed by organization',
    });
    expect(new Set((await feed()).items.map((i) => i.subject))).toEqual(
      new Set([ACME, ACME_LABS, 'case:authors-v-acme-ai', 'case:authors-v-acme-ai-labs']),
    );
    // No one subscribed when the merge went in, so the query service's tail read only what moves merges: the merge
    // still stands for its live clients. One at the head asking for ACME takes a new item of ACME_LABS.
    const { next: head } = (await (await fetch(`${q}/v1/feed?limit=1000`)).json()) as { next: string };
    const live = await SseClient.connect(`${q}/v1/feed/stream?organization=${ACME}&after=${head}`);
    let unmergedAt = '';
    try {
      const staff = await post<Written>(`${ingest}/v1/events`, headcountEnvelope(120, { subject: ACME_LABS }), stack.key);
      expect(staff.status).toBe(201);
      await untilReached(() => live.items, staff.body.globalPosition, 'the merged subject live, merged while no one subscribed');
      expect(live.items.map((i) => [i.subject, i.type])).toEqual([[ACME_LABS, 'headcount.reported']]);

      const before = encodeURIComponent(new Date(Date.parse(merged.body.recordedAt) - 1).toISOString());
      expect((await financials(`&knownAt=${before}`)).items).toHaveLength(1);
      expect((await lawsuits(`&knownAt=${before}`)).items).toHaveLength(1);

      const apart = await alias(ACME, { subject: ACME_LABS, reason: 'two companies after all' }, { removal: true });
      expect(apart.status).toBe(201);
      unmergedAt = apart.body.recordedAt;
      // The live subscriber to ACME is told of the unmerge (in the scope it narrows), then takes ACME_LABS no more.
      const after = await post<Written>(`${ingest}/v1/events`, headcountEnvelope(130, { subject: ACME_LABS }), stack.key);
      const own = await post<Written>(`${ingest}/v1/events`, headcountEnvelope(140, { subject: ACME }), stack.key);
      expect([after.status, own.status]).toEqual([201, 201]);
      await untilReached(() => live.items, own.body.globalPosition, 'the unmerge live, then an item of ACME');
      expect(live.items.map((i) => [i.subject, i.type])).toEqual([
        [ACME_LABS, 'headcount.reported'],
        [ACME_LABS, 'entity.unmerged'],
        [ACME, 'headcount.reported'],
      ]);
    } finally {
      live.close();
    }
    await pollUntil(async () => (await financials()).items.length === 1, { timeoutMs: 30000, what: 'the unmerge in financials' });
    expect((await lawsuits()).items.map((c) => c.case)).toEqual(['case:authors-v-acme-ai']);
    await pollUntil(async () => !(await feed()).items.some((i) => i.subject === ACME_LABS), {
      timeoutMs: 30000,
      what: 'the unmerge in the feed',
    });
    const whileMerged = encodeURIComponent(new Date(Date.parse(unmergedAt) - 1).toISOString());
    expect((await financials(`&knownAt=${whileMerged}`)).items).toHaveLength(2);
  });

  // D5: an appointment under one slug and the departure under the other, merged: one tenure, not the person twice.
  it('two org subjects merged: the roster pairs an appointment under one with the departure under the other, in JSON and CSV; knownAt before and an unmerge part them', async () => {
    const [A, B, X] = ['org:r4a', 'org:r4b', 'person:r4'];
    const cto = (organization: string) => ({ organization, role: 'Chief Technology Officer', roleCategory: 'c-suite' });
    const written = await post<{ results: Array<{ status: string }> }>(
      `${ingest}/v1/events`,
      {
        events: [
          { type: 'executive.appointed', subject: X, occurredAt: '2022', data: cto(A), sources: [{ outlet: 'Wire One', language: 'en' }] },
          {
            type: 'executive.departed',
            subject: X,
            occurredAt: '2024-11',
            data: cto(B),
            sources: [{ outlet: 'Wire One', language: 'en' }],
          },
        ],
      },
      stack.key,
    );
    expect(written.body.results.map((r) => r.status)).toEqual(['created', 'created']);
    type Tenure = {
      person: string;
      organization: string;
      canonicalOrganization: string;
      start: { occurredAt: string; organization: string } | null;
      end: { occurredAt: string; organization: string } | null;
      certain?: boolean;
    };
    const leadership = async (params: string) =>
      ((await (await fetch(`${q}/v1/reports/leadership?${params}`)).json()) as { items: Tenure[] }).items.map((t) => ({
        person: t.person,
        organization: t.organization,
        canonicalOrganization: t.canonicalOrganization,
        start: t.start && [t.start.occurredAt, t.start.organization],
        end: t.end && [t.end.occurredAt, t.end.organization],
        certain: t.certain,
      }));
    await pollUntil(async () => (await leadership(`organization=${B}&show=tenures`)).length === 1, {
      timeoutMs: 30000,
      what: 'the departure',
    });
    // Apart: each slug has its own tenure.
    const open = { person: X, organization: A, canonicalOrganization: A, start: ['2022', A], end: null, certain: true };
    expect(await leadership(`organization=${A}&asOf=2024-06`)).toEqual([open]);

    const merged = await alias(A, { subject: B, reason: 'same' });
    expect(merged.status).toBe(201);
    const one = { person: X, organization: A, canonicalOrganization: A, start: ['2022', A], end: ['2024-11', B], certain: true };
    await pollUntil(async () => (await leadership(`organization=${A}&asOf=2024-06`))[0]?.end?.[0] === '2024-11', {
      timeoutMs: 30000,
      what: 'the merge in the roster',
    });
    expect(await leadership(`organization=${A}&asOf=2024-06`)).toEqual([one]);
    // Asked by the merged slug: the same entity, the same one tenure; no one holds the role now.
    expect(await leadership(`organization=${B}&asOf=2024-06`)).toEqual([one]);
    expect(await leadership(`organization=${A}`)).toEqual([]);
    expect(await leadership(`organization=${A}&show=tenures`)).toEqual([{ ...one, certain: undefined }]);
    // The CSV says which slug each end was recorded under, in columns at the end of the row.
    const csv = await (await fetch(`${q}/v1/reports/leadership?organization=${A}&asOf=2024-06&format=csv`)).text();
    const [header, row, ...rest] = csv.trim().split(/\r?\n/);
    expect(rest).toEqual([]);
    const columns = header.split(',');
    const cells = row.split(',');
    const at = (name: string) => cells[columns.indexOf(name)];
    expect(['organization', 'end_organization', 'canonical_organization'].map(at)).toEqual([A, B, A]);
    expect(row.startsWith(`${X},`)).toBe(true);
    // The departures report lists the departure once, under the slug it was recorded under, and counts it once.
    const departures = (await (await fetch(`${q}/v1/reports/departures?organization=${A}`)).json()) as {
      items: Array<{ person: string; organization: string }>;
    };
    expect(departures.items.filter((d) => d.person === X).map((d) => d.organization)).toEqual([B]);
    const grouped = (await (await fetch(`${q}/v1/reports/departures?organization=${A}&groupBy=year`)).json()) as {
      groups: Array<{ key: string; count: number }>;
    };
    expect(grouped.groups).toEqual([expect.objectContaining({ key: '2024', count: 1 })]);

    // Known before the merge: the newsroom did not know the slugs were one, so the appointment stands alone.
    const before = encodeURIComponent(new Date(Date.parse(merged.body.recordedAt) - 1).toISOString());
    expect(await leadership(`organization=${A}&asOf=2024-06&knownAt=${before}`)).toEqual([open]);
    expect(await leadership(`organization=${B}&show=tenures&knownAt=${before}`)).toEqual([
      { person: X, organization: B, canonicalOrganization: B, start: null, end: ['2024-11', B], certain: undefined },
    ]);

    const apart = await alias(A, { subject: B, reason: 'two companies after all' }, { removal: true });
    expect(apart.status).toBe(201);
    await pollUntil(async () => (await leadership(`organization=${A}&asOf=2024-06`))[0]?.end === null, {
      timeoutMs: 30000,
      what: 'the unmerge in the roster',
    });
    expect(await leadership(`organization=${A}&asOf=2024-06`)).toEqual([open]);
    expect(await leadership(`organization=${A}`)).toEqual([open]);
    const whileMerged = encodeURIComponent(new Date(Date.parse(apart.body.recordedAt) - 1).toISOString());
    expect(await leadership(`organization=${A}&asOf=2024-06&knownAt=${whileMerged}`)).toEqual([one]);
  });

  it('first seen is when the earliest standing fact naming the entity was first recorded: a correction moves last seen only', async () => {
    const subject = `person:first-seen-${randomUUID().slice(0, 8)}`;
    const first = await post<Written>(
      `${ingest}/v1/events`,
      {
        type: 'executive.appointed',
        subject,
        occurredAt: '2024-02',
        data: { organization: 'org:openai', role: 'Head of Seen', roleCategory: 'other' },
        sources: [source],
      },
      stack.key,
    );
    expect(first.status).toBe(201);
    const page = async (knownAt?: string) =>
      (await fetch(`${q}/v1/entities/${subject}${knownAt ? `?knownAt=${knownAt}` : ''}`)).json() as Promise<{
        firstSeenAt?: string;
        lastSeenAt?: string;
      }>;
    const recorded = await pollUntil(async () => (await page()).firstSeenAt, { timeoutMs: 30000, what: 'the entity page' });
    const fix = await post<Recorded>(
      `${ingest}/v1/events/${first.body.id}/corrections`,
      { changes: { occurredAt: '2024-03' }, reason: 'date' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    const after = await pollUntil(async () => ((await page()).lastSeenAt === fix.body.recordedAt ? page() : undefined), {
      timeoutMs: 30000,
      what: 'the correction in the entity page',
    });
    expect(after).toMatchObject({ firstSeenAt: recorded, lastSeenAt: fix.body.recordedAt });
    expect(Date.parse(recorded)).toBeLessThan(Date.parse(fix.body.recordedAt));
    // Known just before the correction: the same first sighting, and it was also the last.
    const before = new Date(Date.parse(fix.body.recordedAt) - 1).toISOString();
    expect(await page(before)).toMatchObject({ firstSeenAt: recorded, lastSeenAt: recorded });
  });

  it('compares alias names without invisible characters: "sama\u200b" next to "Sama" is 409, the page lists one, a removal by the visible name takes it', async () => {
    const data = (res: { body: unknown }) => (res.body as { data: { name: string; removed?: boolean } }).data;
    expect(data(await alias(SAM, { name: 'Sama', reason: 'nickname' }))).toEqual(expect.objectContaining({ name: 'Sama' }));
    for (const name of ['sama\u200b', '\u2060SAMA\u00ad', '\ufeffSa\u200dma']) {
      expect(await alias(SAM, { name, reason: 'the same name again' })).toMatchObject({
        status: 409,
        body: { code: 'ENTITY.ALIAS_EXISTS', errors: [{ path: 'name', message: `already an alias of ${SAM}` }] },
      });
    }
    expect(await alias(SAM, { name: 'Sama\u202e', reason: 'x' })).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'name', message: 'must not contain bidi embedding, override or isolate controls: U+202E at 4' }] },
    });
    const page = await pollUntil(
      async () => {
        const res = await entity(SAM);
        return res.body.aliases?.includes('Sama') ? res.body : null;
      },
      { what: 'the alias on the entity page' },
    );
    expect(page.aliases!.filter((n) => n.replace(/\p{Cf}/gu, '').toLowerCase() === 'sama')).toEqual(['Sama']);
    const removed = await alias(SAM, { name: 'SAMA\u200b', reason: 'not used' }, { removal: true });
    expect(removed.status).toBe(201);
    expect(data(removed)).toEqual(expect.objectContaining({ name: 'Sama', removed: true }));
  });

  it('lists the alias names of two merged subjects once each as a reader tells names apart: "Ada Lovelace" and "ada  lovelace" are one', async () => {
    const [ada, countess] = ['person:e2e-ada-lovelace', 'person:e2e-countess-lovelace'];
    const appointed = (subject: string) => ({
      type: 'executive.appointed',
      subject,
      occurredAt: '2020-01',
      data: { organization: 'org:e2e-engines', role: 'Chief Analyst', roleCategory: 'other' },
      sources: [source],
    });
    expect((await post(`${ingest}/v1/events`, { events: [appointed(ada), appointed(countess)] }, stack.key)).status).toBe(200);
    expect((await alias(ada, { name: 'Augusta Ada King', reason: 'full name' })).status).toBe(201);
    expect((await alias(countess, { name: 'augusta  ada\u200b king', reason: 'full name' })).status).toBe(201);
    expect((await alias(countess, { name: 'Ada Lovelace', reason: 'the name she is known by' })).status).toBe(201);
    expect((await alias(ada, { subject: countess, reason: 'same person' })).status).toBe(201);
    const page = await pollUntil(
      async () => {
        const res = await entity(ada);
        // Both streams folded (they may sit on two partitions): ada's alias is the form kept of the two.
        const folded = res.body.aliases?.includes('Ada Lovelace') && res.body.aliases.includes('Augusta Ada King');
        return res.body.canonicalSubject === ada && folded ? res.body : null;
      },
      { what: 'the merged entity with its aliases' },
    );
    expect(page.aliases).toEqual(['Augusta Ada King', 'Ada Lovelace']);
    // The subjects' display names first ("E2e Ada Lovelace", "E2e Countess Lovelace"), then the aliases, each once.
    expect(page.names).toEqual(['E2e Ada Lovelace', 'E2e Countess Lovelace', 'Augusta Ada King', 'Ada Lovelace']);
  });

  it('the OpenAPI documents describe the write endpoints and the new fields', async () => {
    const ingestDoc = (await (await fetch(`${ingest}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(ingestDoc.paths)).toEqual(
      expect.arrayContaining(['/v1/entities/{subject}/aliases', '/v1/entities/{subject}/aliases/removals']),
    );
    const queryDoc = JSON.stringify(await (await fetch(`${q}/docs/openapi.json`)).json());
    expect(queryDoc).toContain('canonicalSubject');
    expect(queryDoc).toContain('mergedSubjects');
  });
});
