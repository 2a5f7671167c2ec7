import { randomUUID } from 'node:crypto';
import { displayNameOf } from '@newsroom/domain';
import { pastMillisecondOf, pollUntil } from '@newsroom/testing';
import { newsroomCli } from './newsroom-cli.harness';
import { post, Recorded, startStack, storySteps, TestStack } from './stack.harness';

const NBSP = '\u00a0';
const source = { outlet: 'Fixture Wire', language: 'en' };

interface FeedAnswer {
  items: Array<{ eventId: string; headline: string }>;
}
interface CaseAnswer {
  items: Array<{ case: string; caseName: string; title: string }>;
}
interface TimelineAnswer {
  items: Array<{ factId: string; subject: string; subjectName: string; headline: string }>;
}
interface EntityAnswer {
  displayName: string;
  displayNames: { en: string; fr: string };
  names: string[];
}

/**
 * Names from the facts through the running apps (the fifty-first testers' "Product names"): a product is called what
 * its announcement says and a case what its filing says, in the feed, the reports, the entity pages, Atom and the CLI;
 * a correction renames it from then on (`knownAt` before it still shows the old name), a retraction falls back to the
 * slug's name.
 */
describe("names from the facts: a product's announced name, a case's filed title (e2e)", () => {
  let stack: TestStack;
  let q: string;
  let ingest: string;
  const tag = randomUUID().slice(0, 8);
  const org = `org:t51-${tag}`;
  const product = `product:t51-widget-${tag}`;
  const lawsuit = `case:t51-doe-v-acme-${tag}`;
  const ids = { product: randomUUID(), filed: randomUUID(), motion: randomUUID(), settled: randomUUID() };
  const at: { renamed?: string } = {};

  const { get, record } = storySteps(() => stack, source);
  const amend = async (id: string, kind: 'corrections' | 'retractions', body: Record<string, unknown>) => {
    const res = await post<Recorded>(`${ingest}/v1/events/${id}/${kind}`, body, stack.key);
    expect(res.status).toBe(201);
    return res.body;
  };
  const feed = (lang: string) => get<FeedAnswer>(`/v1/feed?organization=${org}&lang=${lang}`);
  const headline = (answer: FeedAnswer, id: string) => answer.items.find((i) => i.eventId === id)?.headline;
  const cases = (lang: string, knownAt?: string) =>
    get<CaseAnswer>(`/v1/reports/lawsuits?party=${org}&lang=${lang}${knownAt ? `&knownAt=${knownAt}` : ''}`);
  const timeline = (knownAt?: string) =>
    get<TimelineAnswer>(`/v1/reports/timeline?subject=${lawsuit}${knownAt ? `&knownAt=${knownAt}` : ''}`);
  const entity = (subject: string, query = '') => get<EntityAnswer>(`/v1/entities/${subject}${query}`);

  beforeAll(async () => {
    stack = await startStack('names');
    q = stack.apps.query.url;
    ingest = stack.apps.ingest.url;
    await record({
      id: ids.product,
      type: 'product.announced',
      subject: product,
      occurredAt: '2025-03',
      data: { organization: org, name: 'T1 Widget Pro', features: ['search'], status: 'announced' },
    });
    await record({
      id: ids.filed,
      type: 'lawsuit.filed',
      subject: lawsuit,
      occurredAt: '2025-02',
      data: {
        title: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
        plaintiffs: [`person:t51-doe-${tag}`],
        defendants: [org],
        claims: ['x'],
      },
    });
    const motion = await record({
      id: ids.motion,
      type: 'lawsuit.status_changed',
      subject: lawsuit,
      occurredAt: '2025-04',
      data: { status: 'motion_filed' },
    });
    await pollUntil(async () => headline(await feed('en'), ids.motion) !== undefined || null, {
      timeoutMs: 30000,
      what: 'the motion in the feed',
    });
    await pastMillisecondOf(motion.recordedAt);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the announced name and the filed title in the feed, the reports, the entity pages and the CLI', async () => {
    expect(headline(await feed('en'), ids.motion)).toBe('Doe v. Acme Corp: motion filed');
    expect(headline(await feed('fr'), ids.motion)).toBe(`Doe contre Acme${NBSP}: requête déposée`);
    expect((await cases('en')).items).toEqual([expect.objectContaining({ case: lawsuit, caseName: 'Doe v. Acme Corp' })]);
    expect((await cases('fr')).items).toEqual([expect.objectContaining({ case: lawsuit, caseName: 'Doe contre Acme' })]);
    const step = (await timeline()).items.find((i) => i.factId === ids.motion)!;
    expect(step).toMatchObject({ subjectName: 'Doe v. Acme Corp', headline: 'Doe v. Acme Corp: motion filed' });
    expect(await entity(product)).toMatchObject({
      displayName: 'T1 Widget Pro',
      displayNames: { en: 'T1 Widget Pro', fr: 'T1 Widget Pro' },
      names: ['T1 Widget Pro'],
    });
    expect(await entity(lawsuit, '?lang=fr')).toMatchObject({
      displayName: 'Doe contre Acme',
      displayNames: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
    });
    const cli = await newsroomCli(['report', 'lawsuits', '--party', org, '--lang', 'fr'], {
      env: { NEWSROOM_QUERY_URL: q, NEWSROOM_API_KEY: stack.readKey },
      timeoutMs: 30_000,
    });
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/^caseName\s+title/);
    expect(cli.out).toContain('Doe contre Acme');
  });

  it('renames from a correction on; knownAt before the correction still shows the old name', async () => {
    const renamed = await amend(ids.product, 'corrections', { changes: { data: { name: 'T1 Widget Max' } }, reason: 'renamed at launch' });
    // The English title corrected; the French one stays (the correction merges into the per-language title).
    await amend(ids.filed, 'corrections', { changes: { data: { title: { en: 'Doe v. Acme Inc.' } } }, reason: 'the company is Acme Inc.' });
    at.renamed = new Date(Date.parse(renamed.recordedAt) - 1).toISOString();
    const settled = await record({
      id: ids.settled,
      type: 'lawsuit.status_changed',
      subject: lawsuit,
      occurredAt: '2025-05',
      data: { status: 'settled' },
    });
    const written = settled.globalPosition;
    await pollUntil(async () => headline(await feed('en'), ids.settled) !== undefined || null, {
      timeoutMs: 30000,
      what: 'the settlement in the feed',
    });

    // The feed says what was known when each item was recorded: the motion under the old title, the settlement the new.
    const en = await feed('en');
    expect(headline(en, ids.motion)).toBe('Doe v. Acme Corp: motion filed');
    expect(headline(en, ids.settled)).toBe('Doe v. Acme Inc.: case settled');
    expect(headline(await feed('fr'), ids.settled)).toBe(`Doe contre Acme${NBSP}: accord conclu`);

    // Reports read the name at knownAt: now the new one, before the correction the old one.
    expect((await get<CaseAnswer>(`/v1/reports/lawsuits?party=${org}&minPosition=${written}`)).items[0].caseName).toBe('Doe v. Acme Inc.');
    expect((await cases('en', at.renamed)).items[0].caseName).toBe('Doe v. Acme Corp');
    const now = (await timeline()).items.filter((i) => i.subject === lawsuit).map((i) => i.headline);
    expect(now).toEqual(expect.arrayContaining(['Doe v. Acme Inc.: motion filed', 'Doe v. Acme Inc.: case settled']));
    const before = (await timeline(at.renamed)).items.find((i) => i.factId === ids.motion)!;
    expect(before).toMatchObject({ subjectName: 'Doe v. Acme Corp', headline: 'Doe v. Acme Corp: motion filed' });
    expect((await entity(product)).displayName).toBe('T1 Widget Max');
    expect((await entity(product, `?knownAt=${at.renamed}`)).displayName).toBe('T1 Widget Pro');

    // Atom: the corrected announcement as it stands, the settlement under the title it was recorded with.
    const atom = await (await fetch(`${q}/v1/feed.atom?organization=${org}`)).text();
    expect(atom).toContain(`${displayNameOf(org)} announces T1 Widget Max`);
    expect(atom).toContain('Doe v. Acme Inc.: case settled');
  });

  it("falls back to the slug's name when the announcement is retracted", async () => {
    const gone = await amend(ids.product, 'retractions', { reason: 'never announced' });
    const named = await pollUntil(
      async () => {
        const res = await fetch(`${q}/v1/entities/${product}?knownAt=${at.renamed}&minPosition=${gone.globalPosition}`);
        return res.status === 200 ? ((await res.json()) as EntityAnswer) : null;
      },
      { timeoutMs: 30000, what: 'the entity page after the retraction' },
    );
    // Known before the retraction, it had its announced name; now no standing fact names it (nor the entity page).
    expect(named.displayName).toBe('T1 Widget Pro');
    expect((await fetch(`${q}/v1/entities/${product}`)).status).toBe(404);
    // What BI reads: the registry's name is the slug's again.
    const { rows } = await stack.db.pool.query(`SELECT display_name FROM reporting.entities WHERE subject = $1`, [product]);
    expect(rows).toEqual([{ display_name: displayNameOf(product) }]);
  });
});
