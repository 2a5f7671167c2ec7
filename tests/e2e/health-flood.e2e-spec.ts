import { departedEnvelope, FeedItem, pollUntil } from '@newsroom/testing';
import { post, Recorded, startStack, TestStack } from './stack.harness';

jest.setTimeout(180_000);

/** Issue 11: readiness and metrics must not amplify a flood into the dependencies the service publishes with. */
describe('health and metrics under a flood (running apps)', () => {
  let stack: TestStack;
  let auth: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack('health-flood', { NEWSROOM_REQUIRE_READ_KEY: 'true' });
    auth = { authorization: `Bearer ${stack.readKey}` };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const checksRun = async (url: string) => {
    const text = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    const m = text.match(/^health_readiness_checks_total(?:\{[^}]*\})? (\S+)$/m);
    return m ? Number(m[1]) : NaN;
  };

  it('puts /metrics and /docs behind the read key when read keys are required', async () => {
    for (const app of Object.values(stack.apps)) {
      expect([app.name, (await fetch(`${app.url}/metrics`)).status]).toEqual([app.name, 401]);
      expect([app.name, (await fetch(`${app.url}/metrics`, { headers: auth })).status]).toEqual([app.name, 200]);
    }
    for (const app of [stack.apps.ingest, stack.apps.query]) {
      const bare = await fetch(`${app.url}/docs/openapi.json`);
      expect([app.name, bare.status]).toEqual([app.name, 401]);
      expect(bare.headers.get('content-type')).toContain('application/problem+json');
      expect([app.name, (await fetch(`${app.url}/docs`, { redirect: 'manual' })).status]).toEqual([app.name, 401]);
      expect([app.name, (await fetch(`${app.url}/docs/openapi.json`, { headers: auth })).status]).toEqual([app.name, 200]);
    }
    // Probes stay open.
    expect((await fetch(`${stack.apps.relay.url}/health/live`)).status).toBe(200);
  });

  it('runs about one readiness check a second under 2000 requests at 100 concurrency, and the relay keeps publishing', async () => {
    const relay = stack.apps.relay.url;
    const before = await checksRun(relay);
    let sent = 0;
    const statuses = new Map<number, number>();
    const started = Date.now();
    const flood = Promise.all(
      Array.from({ length: 100 }, async () => {
        while (sent < 2000) {
          sent++;
          const status = await fetch(`${relay}/health/ready`).then(
            async (res) => (await res.arrayBuffer(), res.status),
            () => 0,
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    // Meanwhile an event is written and must come out of the relay and the projector into the feed.
    const written = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope(), stack.key);
    await flood;
    expect(written.status).toBe(201);
    const seconds = (Date.now() - started) / 1000;
    const ran = (await checksRun(relay)) - before;
    process.stdout.write(
      `[health] 2000 readiness requests in ${seconds.toFixed(1)} s: ${ran} checks ran; statuses ${JSON.stringify([...statuses])}\n`,
    );
    expect(statuses.get(200)).toBe(2000);
    expect(ran).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    await pollUntil(
      async () => {
        const res = await fetch(`${stack.apps.query.url}/v1/feed?limit=10`, { headers: auth });
        const body = (await res.json()) as { items?: FeedItem[] };
        return body.items?.some((i) => i.eventId === written.body.id);
      },
      { timeoutMs: 30000, intervalMs: 300, what: 'the event in the feed' },
    );
  });
});
