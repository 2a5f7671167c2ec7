import { departedEnvelope, FeedItem, lawsuitFiledEnvelope, pollUntil, SseClient } from '@newsroom/testing';
import { FeedFilterParams, filterQuery, readWholeFeed, untilReached, WsFeedClient } from './feed.client';
import { BatchAnswer, post, Recorded, startStack, TestStack } from './stack.harness';

type Subscriber = { name: string; transport: string; items: () => FeedItem[]; close: () => void };

const SOURCES = [{ outlet: 'Example Daily', language: 'en' }];

/**
 * A black-box tester's report: feed filters could not reach a fact through some of the entities it names (an
 * intervention's authority, a revenue target's setter, a departure's destination, an appointment's organization for
 * `subjects=`), although the timeline lists those facts in those roles. Over HTTP, SSE and WebSocket on a running
 * stack: each filtered subscriber gets every item concerning its entity live, exactly once, and history and Atom agree.
 */
describe('live feed end to end: filters reach a fact through every entity it names', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack('feed-mentions', { FEED_HEARTBEAT_MS: '1000' });
  });
  afterAll(() => stack?.stop());

  it('gives subscribers on the authority, the setter, the destination and the organization each item live and in history, exactly once', async () => {
    const query = stack.apps.query.url;
    const ws = query.replace('http', 'ws');
    const head = (await readWholeFeed(query, {})).slice(-1)[0]?.position ?? '0';
    const filters: Record<string, FeedFilterParams> = {
      authority: { subjects: ['authority:ftc'] },
      setter: { subjects: ['person:pat'] },
      destinationOrg: { organization: 'org:gamma' },
      destinationSubject: { subjects: ['org:gamma'] },
      organization: { subjects: ['org:acme'] },
    };
    const clients = await Promise.all(
      Object.entries(filters).flatMap(([name, filter]) => [
        SseClient.connect(`${query}/v1/feed/stream?${filterQuery(filter, { after: head })}`).then((c) => ({
          name,
          transport: 'sse',
          items: () => c.items,
          close: () => c.close(),
        })),
        WsFeedClient.subscribe(`${ws}/v1/feed/ws`, { ...filter, after: head }).then((c) => ({
          name,
          transport: 'ws',
          items: () => c.items,
          close: () => c.close(),
        })),
      ]),
    );

    const events = [
      {
        type: 'regulatory.intervention_requested',
        subject: 'org:beta',
        occurredAt: '2026-03-01',
        data: { by: 'org:acme', authority: 'authority:ftc', request: 'Block the merger' },
        sources: SOURCES,
      },
      {
        type: 'revenue.target_set',
        subject: 'org:acme',
        occurredAt: '2026-03-02',
        data: { money: { amount: '1000000', currency: 'USD' }, targetPeriod: '2027', setBy: 'person:pat' },
        sources: SOURCES,
      },
      departedEnvelope({
        subject: 'person:pat',
        occurredAt: '2026-03-03',
        data: { organization: 'org:acme', role: 'CFO', roleCategory: 'c-suite', reason: 'resigned', destination: 'org:gamma' },
      }),
      // Neither names Pat, Gamma nor the FTC: only the organization's subscriber takes them.
      {
        type: 'executive.appointed',
        subject: 'person:x',
        occurredAt: '2026-03-04',
        data: { organization: 'org:acme', role: 'CTO', roleCategory: 'c-suite' },
        sources: SOURCES,
      },
      lawsuitFiledEnvelope('case:acme-v-beta', {
        data: { title: 'Acme v. Beta', plaintiffs: ['org:acme'], defendants: ['org:beta'], claims: ['x'] },
      }),
    ];
    const res = await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created', 'created']);
    const [intervention, target, departure, appointment, suit] = res.body.results.map((r) => r.id!);
    // A correction of the departure reaches whoever the departure reached.
    const corrected = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events/${departure}/corrections`,
      { changes: { data: { role: 'Chief Financial Officer' } }, reason: 'the role as the company gives it' },
      stack.key,
    );
    expect(corrected.status).toBe(201);
    const correction = corrected.body.id;
    // The projector is asynchronous: history answers once the correction is in the feed.
    await pollUntil(async () => (await readWholeFeed(query, {}, head)).some((i) => i.eventId === correction), {
      timeoutMs: 30000,
      what: 'the correction in the feed',
    });

    const expected: Record<string, string[]> = {
      authority: [intervention],
      setter: [target, departure, correction],
      destinationOrg: [departure, correction],
      destinationSubject: [departure, correction],
      organization: [intervention, target, departure, appointment, suit, correction],
    };
    for (const [name, filter] of Object.entries(filters)) {
      const history = await readWholeFeed(query, filter, head);
      expect({ name, history: history.map((i) => i.eventId) }).toEqual({ name, history: expected[name] });
      const last = history[history.length - 1].position;
      for (const c of clients.filter((x) => x.name === name)) {
        await untilReached(c.items, last, `${c.transport} ${name}`);
        // Exactly once, in position order, nothing else: what history says.
        expect({ client: `${c.transport} ${name}`, live: c.items().map((i: FeedItem) => i.eventId) }).toEqual({
          client: `${c.transport} ${name}`,
          live: expected[name],
        });
      }
      // Atom lists the facts (not amendments), newest first.
      const atom = await (await fetch(`${query}/v1/feed.atom?${filterQuery(filter)}`)).text();
      // Each entry's id (the feed's own id comes before the first entry).
      const entries = atom
        .split('<entry')
        .slice(1)
        .map((e) => /<id>urn:uuid:([0-9a-f-]{36})<\/id>/.exec(e)?.[1]);
      expect({ name, atom: entries }).toEqual({ name, atom: expected[name].filter((id) => id !== correction).reverse() });
    }
    // The timeline lists the same facts for the authority and the destination.
    for (const [subject, id] of [
      ['authority:ftc', intervention],
      ['org:gamma', departure],
      ['person:pat', target],
    ]) {
      const timeline = await (await fetch(`${query}/v1/reports/timeline?subject=${encodeURIComponent(subject)}`)).text();
      expect(timeline).toContain(id);
    }
    for (const c of clients) c.close();
  });

  it("gives a fact's later sources and retraction to the readers of the organization a correction moved it to, and of the one it left", async () => {
    const query = stack.apps.query.url;
    const ingest = stack.apps.ingest.url;
    const head = (await readWholeFeed(query, {})).slice(-1)[0]?.position ?? '0';
    const filters: Record<string, FeedFilterParams> = { a: { organization: 'org:t12-mv-a' }, b: { organization: 'org:t12-mv-b' } };
    const clients: Subscriber[] = await Promise.all(
      Object.entries(filters).flatMap(([name, filter]) => [
        SseClient.connect(`${query}/v1/feed/stream?${filterQuery(filter, { after: head })}`).then((c) => ({
          name,
          transport: 'sse',
          items: () => c.items,
          close: () => c.close(),
        })),
        WsFeedClient.subscribe(`${query.replace('http', 'ws')}/v1/feed/ws`, { ...filter, after: head }).then((c) => ({
          name,
          transport: 'ws',
          items: () => c.items,
          close: () => c.close(),
        })),
      ]),
    );
    // The tester's steps: a departure from A, a source, a correction moving it to B, another source, a retraction.
    const departure = departedEnvelope({
      subject: 'person:t12-mv-pat',
      occurredAt: '2026-03-03',
      data: { organization: 'org:t12-mv-a', role: 'CFO', roleCategory: 'c-suite', reason: 'resigned' },
    });
    expect((await post<Recorded>(`${ingest}/v1/events`, departure, stack.key)).status).toBe(201);
    const id = departure.id;
    const attach = async (outlet: string) => {
      const res = await post<Recorded>(
        `${ingest}/v1/events/${id}/sources`,
        { source: { outlet, language: 'en' }, stance: 'confirms' },
        stack.key,
      );
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const source1 = await attach('T12 Wire One');
    const moved = await post<Recorded>(
      `${ingest}/v1/events/${id}/corrections`,
      { changes: { data: { organization: 'org:t12-mv-b' } }, reason: 'the other company' },
      stack.key,
    );
    expect(moved.status).toBe(201);
    const source2 = await attach('T12 Wire Two');
    const retracted = await post<Recorded>(`${ingest}/v1/events/${id}/retractions`, { reason: 'never left' }, stack.key);
    expect(retracted.status).toBe(201);
    await pollUntil(async () => (await readWholeFeed(query, {}, head)).some((i) => i.eventId === retracted.body.id), {
      timeoutMs: 30000,
      what: 'the retraction in the feed',
    });

    const expected: Record<string, string[]> = {
      a: [id, source1, moved.body.id, source2, retracted.body.id],
      b: [moved.body.id, source2, retracted.body.id],
    };
    for (const [name, filter] of Object.entries(filters)) {
      const history = await readWholeFeed(query, filter, head);
      expect({ name, history: history.map((i) => i.eventId) }).toEqual({ name, history: expected[name] });
      for (const c of clients.filter((x) => x.name === name)) {
        await untilReached(c.items, history[history.length - 1].position, `${c.transport} ${name}`);
        expect({ client: `${c.transport} ${name}`, live: c.items().map((i) => i.eventId) }).toEqual({
          client: `${c.transport} ${name}`,
          live: expected[name],
        });
      }
    }
    // Atom lists the fact, retracted, under the organization its own item named and under the one a correction moved it to.
    for (const filter of [filters.a, filters.b]) {
      const atom = await (await fetch(`${query}/v1/feed.atom?${filterQuery(filter)}`)).text();
      const entry = atom.split('<entry').find((e) => e.includes(`urn:uuid:${id}`));
      expect(entry).toContain('term="retracted"');
    }
    for (const c of clients) c.close();
  });

  it('names a lead investor that is a tracked subject by its display name in the JSON feed and Atom, in both languages', async () => {
    const query = stack.apps.query.url;
    const round = {
      type: 'funding.round_closed',
      subject: 'org:t12-fr2-beta',
      occurredAt: '2026-03-05',
      data: { money: { amount: '5000000', currency: 'USD' }, leadInvestor: 'org:t12-fr2-thrive' },
      sources: SOURCES,
    };
    const res = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, round, stack.key);
    expect(res.status).toBe(201);
    const filter: FeedFilterParams = { organization: 'org:t12-fr2-thrive' };
    let items: FeedItem[] = [];
    await pollUntil(async () => (items = await readWholeFeed(query, filter)).length > 0, { timeoutMs: 30000, what: 'the round' });
    expect(items.map((i) => i.headline)).toEqual(['T12 Fr2 Beta raises 5 million USD, led by T12 Fr2 Thrive']);
    const fr = await readWholeFeed(query, { ...filter, lang: 'fr' });
    expect(fr.map((i) => i.headline)).toEqual(['T12 Fr2 Beta lève 5\u00a0millions\u00a0USD, tour mené par T12 Fr2 Thrive']);
    for (const [lang, title] of [
      ['en', 'led by T12 Fr2 Thrive'],
      ['fr', 'tour mené par T12 Fr2 Thrive'],
    ]) {
      const atom = await (await fetch(`${query}/v1/feed.atom?${filterQuery({ ...filter, lang: lang as 'en' | 'fr' })}`)).text();
      expect(atom).toContain(title);
      // Each entry's title (the feed's own title names the filter).
      const titles = atom
        .split('<entry')
        .slice(1)
        .map((e) => /<title type="text">([^<]*)<\/title>/.exec(e)?.[1]);
      expect(titles).toEqual([expect.stringContaining(title)]);
      expect(titles[0]).not.toContain('org:');
    }
  });
});
