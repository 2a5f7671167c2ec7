import type { Page } from 'playwright-core';
import { departedEnvelope, describeWithChromium, HeadlessChromium, launchChromium, pollUntil } from '@newsroom/testing';
import { readWholeFeed } from './feed.client';
import { post, Recorded, startStack, TestStack } from './stack.harness';

const describeIfChromium = describeWithChromium('dashboard-history-browser');

/** What the page counts (an init script): how many times the DOM changed, one count per task that changed it. */
type PageGlobal = typeof globalThis & { domCommits: number };
const COUNT_COMMITS = `window.domCommits = 0;
  new MutationObserver(() => { window.domCommits++; }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });`;

const HISTORY = 1200;
const SHOWN = 500; // the timeline's rows (MAX_ROWS in the dashboard's feed)

/**
 * t29: the dashboard opened on a feed of 3,800 items froze for six minutes: the live stream replays the history from
 * position 0 one item a message, and the page rendered its 500-row timeline once per item. It now applies what
 * arrived together, so opening it on a long history shows the newest 500 items, the same as the API's, after a
 * number of renders that does not grow with the history; and live items still arrive on top.
 */
describeIfChromium('dashboard in headless Chromium on a long history: the newest items, in a few renders', () => {
  let stack: TestStack;
  let browser: HeadlessChromium;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack('dashboard-history', { FEED_RETRY_MS: '300' });
    for (let i = 0; i < HISTORY / 100; i++) {
      const batch = await post(
        `${stack.apps.ingest.url}/v1/events`,
        { events: Array.from({ length: 100 }, () => departedEnvelope()) },
        stack.key,
      );
      expect(batch.status).toBe(200);
    }
    await pollUntil(async () => (await readWholeFeed(stack.apps.query.url, { lang: 'en' })).length === HISTORY, {
      timeoutMs: 120000,
      what: `the ${HISTORY} items in the feed`,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.addInitScript(COUNT_COMMITS);
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const shownPositions = () => page.locator('ol.items > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-position')));

  it('shows the newest 500 of 1,200 items, newest first, as the API lists them, and renders far fewer times than it received items', async () => {
    const feed = await readWholeFeed(stack.apps.query.url, { lang: 'en' });
    const newest = feed
      .slice(-SHOWN)
      .map((i) => i.position)
      .reverse();
    await page.goto(`${stack.apps.query.url}/`);
    await pollUntil(async () => (await shownPositions())[0] === newest[0], { timeoutMs: 120000, what: 'the newest item on top' });
    expect(await shownPositions()).toEqual(newest);
    const commits = await page.evaluate(() => (globalThis as PageGlobal).domCommits);
    // One render per item was at least HISTORY changes of the timeline alone; the reports' own loads add a few dozen.
    expect(commits).toBeLessThan(HISTORY / 4);

    const live = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope(), stack.key);
    expect(live.status).toBe(201);
    await pollUntil(async () => (await shownPositions())[0] === live.body.globalPosition, {
      timeoutMs: 30000,
      what: 'the live item on top',
    });
    expect(await shownPositions()).toEqual([live.body.globalPosition, ...newest.slice(0, SHOWN - 1)]);
  }, 300000);
});
