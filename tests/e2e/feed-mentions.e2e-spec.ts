import { departedEnvelope, FeedItem, lawsuitFiledEnvelope, pollUntil, SseClient } from '@newsroom/testing';
import { FeedFilterParams, filterQuery, readWholeFeed, untilReached, WsFeedClient } from './feed.client';
import { BatchAnswer, post, Recorded, startStack, TestStack } from './stack.harness';

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
});
