import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describeWithChromium, departedEnvelope, HeadlessChromium, launchChromium, pollUntil, RunningApp } from '@newsroom/testing';
import { positionsOf, readWholeFeed } from './feed.client';
import { post, startStack, TestStack } from './stack.harness';

const ROOT = join(__dirname, '..', '..');
const describeIfChromium = describeWithChromium('feed-browser');

// The page the browser runs: a plain EventSource, as a dashboard would use it. It is served by the test at the
// query service's origin (the browser intercepts that one URL), so the stream is same-origin and needs no CORS.
const PAGE = `<!doctype html><meta charset="utf-8"><title>feed</title><ol id="items"></ol><script>
  window.received = []; window.opens = 0; window.closes = [];
  const source = new EventSource('/v1/feed/stream?after=0&lang=fr&types=executive.departed');
  source.onopen = () => window.opens++;
  source.onmessage = (e) => {
    const item = JSON.parse(e.data);
    window.received.push({ position: item.position, lastEventId: e.lastEventId, headline: item.headline });
    document.getElementById('items').insertAdjacentHTML('beforeend', '<li></li>');
  };
  source.addEventListener('close', (e) => window.closes.push(JSON.parse(e.data).code));
</script>`;

/** What the test page keeps on its global object (see PAGE): every item received, and the stream's opens and closes. */
type PageGlobal = typeof globalThis & {
  received: Array<{ position: string; lastEventId: string; headline: string }>;
  opens: number;
  closes: string[];
};

/** Starts the compiled query app on a given port, so the page's origin survives the restart. */
async function startQueryAt(url: string, env: Record<string, string>): Promise<RunningApp> {
  const port = new URL(url).port;
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'scripts', 'register-paths.js'), join(ROOT, 'dist', 'apps', 'query', 'src', 'main.js')],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env, QUERY_PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill(signal);
    });
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`query exited: ${output.join('').slice(-2000)}`);
      return (await fetch(`${url}/health/ready`).catch(() => null))?.ok;
    },
    { timeoutMs: 60000, intervalMs: 200, what: 'query ready again' },
  );
  return { name: 'query', url, process: child, output, notable: [], stop };
}

describeIfChromium('live feed in a real browser: EventSource in headless Chromium receives and resumes', () => {
  let stack: TestStack;
  let browser: HeadlessChromium;

  beforeAll(async () => {
    stack = await startStack('feed-browser', { FEED_RETRY_MS: '300' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const postDepartures = async (n: number) => {
    const res = await post(
      `${stack.apps.ingest.url}/v1/events`,
      { events: Array.from({ length: n }, () => departedEnvelope()) },
      stack.key,
    );
    expect(res.status).toBe(200);
  };
  const feed = () => readWholeFeed(stack.apps.query.url, { types: ['executive.departed'], lang: 'fr' });

  it('receives items, then after the query service restarts resumes with Last-Event-ID: no gap, no duplicate', async () => {
    await postDepartures(5);
    const query = stack.apps.query.url;
    const page = await browser.context.newPage();
    await page.route(`${query}/feed.html`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE }));
    await page.goto(`${query}/feed.html`);
    await page.unroute(`${query}/feed.html`);
    const received = () => page.evaluate(() => (globalThis as PageGlobal).received);

    const before = await pollUntil(async () => ((await feed()).length === 5 ? feed() : null), { what: 'five items in the feed' });
    await pollUntil(async () => (await received()).length === 5, { what: 'five items in the browser' });

    // The service goes away (it says so first: event close, FEED.SHUTTING_DOWN) while ingestion goes on.
    await stack.apps.query.stop();
    await postDepartures(4);
    stack.apps.query = await startQueryAt(query, stack.env);
    await postDepartures(3);

    const all = await pollUntil(
      async () => {
        const items = await feed();
        return items.length === 12 ? items : null;
      },
      { timeoutMs: 30000, what: 'twelve items in the feed' },
    );
    await pollUntil(async () => (await received()).length >= 12, { timeoutMs: 30000, what: 'twelve items in the browser' });
    const got = await received();
    expect(positionsOf(got)).toEqual(positionsOf(all));
    expect(got.map((g) => g.lastEventId)).toEqual(positionsOf(all));
    expect(got[0].headline).toMatch(/quitte/);
    expect(positionsOf(before)).toEqual(positionsOf(got.slice(0, 5)));
    const state = await page.evaluate(() => ({ opens: (globalThis as PageGlobal).opens, closes: (globalThis as PageGlobal).closes }));
    expect(state.opens).toBeGreaterThanOrEqual(2);
    expect(state.closes).toContain('FEED.SHUTTING_DOWN');
    expect(await page.locator('#items li').count()).toBe(12);
    await page.close();
  });
});
