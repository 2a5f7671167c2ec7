import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeWithChromium, expectPageText, HeadlessChromium, launchChromium, pollUntil, startApp } from '@newsroom/testing';
import { post, Recorded, startStack, TestStack } from './stack.harness';

/** The page's global object as the checks below read it in the browser (the tests compile without the DOM lib). */
type PageGlobal = typeof globalThis & {
  sameDocument?: boolean;
  document: {
    documentElement: { scrollWidth: number; clientWidth: number; lang: string };
    activeElement: { blur?: () => void; id?: string; getAttribute?(name: string): string | null } | null;
  };
  getComputedStyle(element: unknown): { color: string; backgroundColor: string };
  scrollTo(x: number, y: number): void;
};

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'reports', 'screenshots');
const describeIfChromium = describeWithChromium('dashboard-browser');

// The seed story is loaded the way `npm start` loads it: POST /v1/stories with infra/seed's file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadSeed } = require('../../scripts/seed.js') as {
  loadSeed(url: string, key: string): Promise<{ total: number; created: number }>;
};

const LOSS_EVENT = '0193b7f0-0000-7000-8000-000000000008'; // the seed's $440 bn cumulative projection
const MIRA_DEPARTED = '0193b7f0-0000-7000-8000-000000000001'; // dated by other reporting (inferred)
const RESTRUCTURING_EVENT = '0193b7f0-0000-7000-8000-000000000013'; // the seed's restructuring
const appointment = {
  type: 'executive.appointed',
  subject: 'person:fidji-simo',
  occurredAt: '2025-05',
  data: { organization: 'org:openai', role: 'CEO of Applications', roleCategory: 'c-suite' },
  sources: [{ outlet: 'Dashboard Test Wire', language: 'en', quote: 'Fidji Simo will lead the applications business.' }],
};

describeIfChromium('dashboard in headless Chromium: seed story, live items, corrections in place, time travel, read key', () => {
  let stack: TestStack;
  let browser: HeadlessChromium;
  let page: Page;
  const requests: string[] = [];
  const violations: string[] = [];
  let simoId = ''; // the appointment posted live

  beforeAll(async () => {
    stack = await startStack('dashboard', { FEED_RETRY_MS: '300' });
    const seed = await loadSeed(stack.apps.ingest.url, stack.key);
    expect(seed).toEqual({ total: 13, created: 13 });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    mkdirSync(SHOTS, { recursive: true });
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const timeline = () => page.locator('ol.items > li');
  const row = (eventId: string) => page.locator(`ol.items > li[data-event-id="${eventId}"]`);
  const roster = () => page.getByTestId('roster');
  const connection = () => page.getByTestId('connection');

  it('loads from the query service with its own policy and shows the seed story, the roster, charts and lawsuits', async () => {
    const res = await fetch(`${stack.apps.query.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'; style-src 'self'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');

    await page.goto(`${stack.apps.query.url}/`);
    await expectText(connection(), /Live/);
    await pollUntil(async () => (await timeline().count()) === 13, { timeoutMs: 20000, what: 'the 13 seed items in the timeline' });
    await expectText(row('0193b7f0-0000-7000-8000-000000000001'), /Mira Murati leaves OpenAI as Chief Technology Officer/);
    await expectText(roster(), /Kevin Weil/);
    await expectText(page.locator('.charts'), /\$440 bn/);
    await expectText(page.locator('.charts'), /1,600/);
    // The losses' axis names the first year of the series (2024-H1) as well as each year beginning inside it; it
    // named 2025-2029 only (t32's revenue chart, from 2025-Q1, had no "2025").
    const years = await page
      .locator('figure.chart')
      .filter({ hasText: 'Losses' })
      .locator('text.tick')
      .evaluateAll((ticks) => ticks.map((t) => t.textContent ?? '').filter((text) => /^\d{4}$/.test(text)));
    expect(years).toEqual(['2024', '2025', '2026', '2027', '2028', '2029']);
    await expectText(page.locator('.lawsuits'), /Musk v\. OpenAI/);
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases OpenAI is a party to\)$/);
    // Parties by the names the API gives them (an entity's display name), not the page's own title-casing of a slug.
    await expectText(page.locator('.lawsuits .parties').first(), /^Elon Musk v\. OpenAI$/);
    // The header's fields are readable: the language picked is not white on white.
    const colours = await page.getByLabel('Language / Langue').evaluate((el) => {
      const style = (globalThis as PageGlobal).getComputedStyle(el);
      return [style.color, style.backgroundColor];
    });
    expect(colours[0]).not.toBe(colours[1]);
    // The language switch drives every call: the stream starts over in French, the roster shows the French roles,
    // and text the seed gives in English only is marked as such.
    await page.getByLabel('Language / Langue').selectOption('fr');
    await expectText(row('0193b7f0-0000-7000-8000-000000000001'), /Mira Murati quitte OpenAI \(directrice technique\)/);
    await expectText(roster(), /responsable produit/);
    await expectText(row('0193b7f0-0000-7000-8000-000000000013'), /laboratoire d'IA à but non lucratif/);
    await page.getByLabel('Language / Langue').selectOption('en');
    await expectText(row('0193b7f0-0000-7000-8000-000000000001'), /leaves OpenAI/);
    await pollUntil(async () => (await timeline().count()) === 13, { what: 'the 13 items again, once each' });
  });

  // Here rather than in http-hygiene's file: that stack cuts a socket silent for 3 s (its slowloris case), which a
  // browser's spare connections on a loaded machine are, and a whole-suite CI run once waited 30 s there for the page.
  // Before the read-key case below: with NEWSROOM_REQUIRE_READ_KEY the description needs a key too.
  it('the Swagger page renders under its own policy, with no content security violation', async () => {
    const docs = await browser.context.newPage();
    const docsViolations: string[] = [];
    docs.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) docsViolations.push(m.text());
    });
    try {
      await docs.goto(`${stack.apps.query.url}/docs`, { timeout: 60000 });
      await docs.waitForSelector('.swagger-ui .info .title', { timeout: 30000 });
      await docs.waitForSelector('.opblock', { timeout: 30000 }); // the operations, from docs/openapi.json
      expect(docsViolations).toEqual([]);
    } finally {
      await docs.close();
    }
  }, 150000);

  it('a fact opens its sources and quotes, and the story they come from', async () => {
    await roster()
      .getByRole('button', { name: /Sources for Kevin Weil/ })
      .click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, /Kevin Weil, le responsable produit d'OpenAI/);
    await dialog.getByRole('button', { name: 'Everything this story backs' }).first().click();
    await expectText(dialog, /13 facts/);
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog.isVisible()), { what: 'the dialog closed by Escape' });
  });

  it("shows each item's outlets and what its sources do not state: a mark on the value, the note on hover and in the dialog", async () => {
    const mira = row(MIRA_DEPARTED);
    await expectText(mira.getByTestId('outlets'), /^1 outlet$/);
    const date = mira.getByTestId('inferred').first();
    expect(await date.innerText()).toMatch(/^2024-09\*/);
    // The field named in the page's words, not by the API's path (occurredAt).
    expect(await date.getAttribute('title')).toMatch(/Not stated by the sources — date: .*quelques jours auparavant/);
    // The product chief's English title is not the article's (its French one is): named under the headline.
    await expectText(row('0193b7f0-0000-7000-8000-000000000004'), /Not in the sources: role \(English\)\*/);

    // A second outlet and a syndicated copy of it: one more outlet, pushed live to the row.
    const attach = (source: object) =>
      post(`${stack.apps.ingest.url}/v1/events/${MIRA_DEPARTED}/sources`, { source, stance: 'confirms' }, stack.key);
    expect((await attach({ outlet: 'Second Wire', language: 'en', publishedAt: '2024-09-25' })).status).toBe(201);
    expect((await attach({ outlet: 'Regional Herald', via: 'Second Wire', language: 'en' })).status).toBe(201);
    await expectText(mira.getByTestId('outlets'), /^2 outlets$/);
    expect(await timeline().count()).toBe(13);

    // The button counts every source the dialog lists: the article's and the two attached.
    await expectText(mira.getByRole('button', { name: /^Sources/ }), /^Sources \(3\)/);
    await mira.getByRole('button', { name: /^Sources/ }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog.getByTestId('corroboration'), /2 outlets 2 confirm, 0 deny/);
    await expectText(dialog.locator('ul.sources'), /Second Wire\s*confirms/);
    await expectText(dialog.getByTestId('inferred-notes'), /date: The article says only "quelques jours auparavant"/);
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog.isVisible()), { what: 'the dialog closed by Escape' });
  });

  it('an event posted to ingest appears live; a correction and a retraction change their items in place', async () => {
    await page.evaluate(() => ((globalThis as PageGlobal).sameDocument = true)); // gone if the page reloaded
    expect(await page.getByTestId('timeline-announcement').innerText()).toBe('');
    const created = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, appointment, stack.key);
    expect(created.status).toBe(201);
    simoId = created.body.id;
    await expectText(row(created.body.id), /Fidji Simo appointed CEO of Applications at OpenAI/);
    expect(await timeline().count()).toBe(14);
    // A screen reader hears the live item, one line, and never heard the replay of the 13 seed items.
    await expectText(page.getByTestId('timeline-announcement'), /^New: Fidji Simo appointed CEO of Applications at OpenAI$/);
    expect(await page.locator('ol.items[aria-live]').count()).toBe(0);
    await expectText(roster(), /Fidji Simo/);

    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${LOSS_EVENT}/corrections`,
      {
        changes: { data: { money: { amount: '44000000000', currency: 'USD' } } },
        reason: 'Scale error in the article',
        sources: [
          { outlet: 'Corrections Desk', language: 'en', publishedAt: '2026-11', title: 'The figure, checked', quote: '44 billion' },
        ],
      },
      stack.key,
    );
    expect(fix.status).toBe(201);
    await pollUntil(async () => (await row(LOSS_EVENT).getAttribute('data-status')) === 'corrected', {
      what: 'the loss item marked corrected',
    });
    await expectText(row(LOSS_EVENT), /Corrected: Scale error in the article \(changed: amount = 44,000,000,000 USD\)/);
    await expectText(page.locator('.charts'), /\$44 bn/);
    // The correction's source counts for the fact it corrects: one more outlet on its row, live.
    await expectText(row(LOSS_EVENT).getByTestId('outlets'), /^2 outlets$/);

    const retraction = await post(
      `${stack.apps.ingest.url}/v1/events/${RESTRUCTURING_EVENT}/retractions`,
      { reason: 'Not in the article' },
      stack.key,
    );
    expect(retraction.status).toBe(201);
    await pollUntil(async () => (await row(RESTRUCTURING_EVENT).getAttribute('data-status')) === 'retracted', {
      what: 'the restructuring item marked retracted',
    });
    await expectText(row(RESTRUCTURING_EVENT), /Retracted: Not in the article/);
    // Its dialog says the retraction and its reason too, as a corrected fact's says its correction's (t32).
    await row(RESTRUCTURING_EVENT)
      .getByRole('button', { name: /^Sources/ })
      .click();
    await expectText(page.getByRole('dialog').getByTestId('retraction'), /^Retracted \d{4}-\d{2}-\d{2} [\d:]+ UTC: “Not in the article”$/);
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await page.getByRole('dialog').isVisible()), { what: 'the dialog closed by Escape' });
    // In place: no row of their own for the amendments, and the page never reloaded.
    expect(await timeline().count()).toBe(14);
    expect(await page.evaluate(() => (globalThis as PageGlobal).sameDocument)).toBe(true);
    // From the top, nothing focused: a focused link scrolls the page, and the sticky timeline then shows half-way down
    // a full-page picture (the README's).
    await page.evaluate(() => {
      const page = globalThis as PageGlobal;
      page.document.activeElement?.blur?.();
      page.scrollTo(0, 0);
    });
    await page.screenshot({ path: join(SHOTS, 'dashboard-desktop.png'), fullPage: true });
  });

  it('in French the whole page speaks French: titles, badges, outlets, buttons, figures, dates, <html lang>; and back to English', async () => {
    const NBSP = '\u00a0'; // before a colon, as the API's French text
    const htmlLang = () => page.evaluate(() => (globalThis as PageGlobal).document.documentElement.lang);
    expect(await htmlLang()).toBe('en');
    await page.getByLabel('Language / Langue').selectOption('fr');
    await pollUntil(async () => (await htmlLang()) === 'fr', { what: '<html lang="fr">' });
    expect(await page.title()).toBe('Tableau de bord de la rédaction');
    await expectText(page.locator('h1'), /^Tableau de bord de la rédaction$/);
    await expectText(page.locator('#timeline-title'), /^Fil en direct$/);
    await expectText(page.locator('#pickers-title'), /^Voyage dans le temps$/);
    await expectText(page.locator('#roster-title'), /^Équipe dirigeante$/);
    await expectText(page.locator('#charts-title'), /^Chiffres$/);
    await expectText(page.locator('#lawsuits-title'), /^Procédures judiciaires \(affaires où OpenAI est partie\)$/);
    await expectText(page.locator('#conflicts-title'), /^Contradictions \(tous les sujets\)$/);
    await expectText(connection(), /En direct/);
    // The stream started over in French: the items again, once each, their status and outlets in French.
    await pollUntil(async () => (await timeline().count()) === 14, { what: 'the 14 items in French' });
    await expectText(row(MIRA_DEPARTED).getByTestId('outlets'), /^2 médias$/);
    expect(await row(MIRA_DEPARTED).getByTestId('outlets').getAttribute('title')).toBe(`2 médias distincts${NBSP}: 2 confirment, 0 dément`);
    expect(
      await page
        .getByTestId('outlets')
        .filter({ hasText: /^1 média$/ })
        .count(),
    ).toBeGreaterThan(0);
    await expectText(row(MIRA_DEPARTED).locator('.when'), /^septembre 2024\*/);
    await expectText(row(LOSS_EVENT).locator('.badge.corrected'), /^corrigé$/);
    await expectText(row(RESTRUCTURING_EVENT).locator('.badge.retracted'), /^retiré$/);
    await expectText(row(RESTRUCTURING_EVENT), new RegExp(`Retiré${NBSP}: Not in the article`));
    await row(RESTRUCTURING_EVENT)
      .getByRole('button', { name: /^Sources/ })
      .click();
    await expectText(
      page.getByRole('dialog').getByTestId('retraction'),
      new RegExp(`^Retiré le \\d+\\S*\\s\\S+\\s\\d{4}\\sà\\s[\\d:]+\\sUTC${NBSP}: «${NBSP}Not in the article${NBSP}»$`),
    );
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await page.getByRole('dialog').isVisible()), { what: 'the dialog closed by Escape' });
    // Its headline shows its French `from` and `to`; the English-only `detail` the feed lists in `fallbacks` is not in
    // it, so no EN badge.
    await expectText(row(RESTRUCTURING_EVENT).locator('.headline'), /laboratoire d'IA à but non lucratif/);
    expect(await row(RESTRUCTURING_EVENT).getByTestId('fallback').count()).toBe(0);
    // The correction's note in French words and French figures.
    await expectText(row(LOSS_EVENT), new RegExp(`\\(modifié${NBSP}: montant = 44\\s000\\s000\\s000\\sUSD\\)`));
    await expectText(row(MIRA_DEPARTED).getByRole('button', { name: /^Sources/ }), /^Sources \(3\)/);
    // Buttons, labels and the picker's text.
    await expectText(page.getByRole('button', { name: 'Revenir à maintenant' }), /Revenir à maintenant/);
    await expectText(page.locator('output[for="knownAt"]'), /^maintenant \(tout ce qui est enregistré\)$/);
    expect(await page.getByLabel(/Ce que nous savions au/).count()).toBe(1);
    // Figures the French way; the case's status in words.
    await expectText(page.locator('.charts'), /44\sMd\s\$US/);
    await expectText(page.locator('.charts'), /1\s600/);
    await expectText(page.locator('.lawsuits .badge[class*="status-"]').first(), /^plainte déposée$/);
    await expectText(page.locator('.lawsuits .parties').first(), /\sc\.\s/);
    // The fact dialog: its modality badge, its buttons.
    await roster()
      .getByRole('button', { name: /Sources pour Kevin Weil/ })
      .click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog.locator('p.meta').first(), /en vigueur\s+rapporté\s+date des faits/);
    await expectText(dialog.getByRole('button', { name: 'Fermer' }), /×/);
    await dialog.getByRole('button', { name: 'Tout ce qu’étaye cet article' }).first().click();
    await expectText(dialog.locator('section h3'), new RegExp(`${NBSP}: \\d+ faits$`));
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog.isVisible()), { what: 'the dialog closed by Escape' });

    await page.getByLabel('Language / Langue').selectOption('en');
    await pollUntil(async () => (await htmlLang()) === 'en', { what: '<html lang="en">' });
    await expectText(page.locator('#timeline-title'), /^Live timeline$/);
    await expectText(page.locator('#roster-title'), /^Leadership roster$/);
    await expectText(page.locator('#lawsuits-title'), /cases OpenAI is a party to/);
    await expectText(connection(), /Live/);
    await pollUntil(async () => (await timeline().count()) === 14, { what: 'the 14 items again in English' });
    await expectText(row(MIRA_DEPARTED).getByTestId('outlets'), /^2 outlets$/);
    await expectText(row(LOSS_EVENT).locator('.badge.corrected'), /^corrected$/);
    await expectText(page.getByRole('button', { name: 'Back to now' }), /Back to now/);
    await expectText(page.locator('.charts'), /\$44 bn/);
    expect(await page.title()).toBe('Newsroom dashboard');
  });

  it('the knownAt picker goes back to before the appointment and the correction; the asOf picker to before an appointment and after a departure', async () => {
    const slider = page.getByLabel(/What we knew at/);
    // The slider has a step per recording: wait until it holds every one so far (the retraction's comes with the
    // timeline's next refresh), or the steps below count from one recording short.
    const recordings = await page.evaluate(async () => {
      const feed = (await (await fetch('/v1/feed?after=0&limit=1000')).json()) as { items: Array<{ recordedAt: string }> };
      return new Set(feed.items.map((i) => i.recordedAt)).size;
    });
    await pollUntil(async () => (await slider.getAttribute('max')) === String(recordings), {
      what: `the slider's ${recordings} recordings`,
    });
    await slider.focus();
    await page.keyboard.press('End');
    // One step back per recording: the retraction, the correction, the appointment; then the seed's last recording.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await pollUntil(async () => !/Fidji Simo/.test(await roster().innerText()), { what: 'the roster as known before the appointment' });
    await expectText(roster(), /Kevin Weil/);
    await expectText(page.locator('.charts'), /\$440 bn/); // what we knew then: the figure before its correction
    await page.keyboard.press('ArrowRight');
    await expectText(roster(), /Fidji Simo/);
    await page.getByRole('button', { name: 'Back to now' }).click();

    // On 2024-03-01 Mira Murati was still CTO (start not on record, so uncertain); Kevin Weil came in June.
    await page.getByLabel(/As of/).fill('2024-03-01');
    await pollUntil(async () => /Mira Murati/.test(await roster().innerText()) && !/Kevin Weil/.test(await roster().innerText()), {
      what: 'the roster on 2024-03-01',
    });
    // The figures too: the headcount of 1,600 was reported for 2024-12.
    await pollUntil(async () => !/1,600/.test(await page.locator('.charts').innerText()), { what: 'the figures as of 2024-03-01' });
    await page.getByLabel(/As of/).fill('2024-12-31');
    await pollUntil(async () => /Kevin Weil/.test(await roster().innerText()) && !/Mira Murati/.test(await roster().innerText()), {
      what: 'the roster on 2024-12-31',
    });
    expect(/Fidji Simo/.test(await roster().innerText())).toBe(false);
    await page.getByRole('button', { name: 'Back to now' }).click();
    await expectText(roster(), /Fidji Simo/);
    await expectText(page.locator('.charts'), /1,600/);
  });

  it("a correction that moves a fact's date and role shows the corrected date (the old one struck through) and headline", async () => {
    const simo = row(simoId);
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${simoId}/corrections`,
      { changes: { occurredAt: '2025-06', data: { role: 'CEO of Applications and Ads' } }, reason: 'Announced in June' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    await expectText(simo, /Corrected: Announced in June \(changed: role = “CEO of Applications and Ads”, date = 2025-06\)/);
    await expectText(simo.locator('.when'), /^2025-05\s+2025-06$/);
    await expectText(simo.locator('.when del'), /^2025-05$/);
    await expectText(simo.locator('.headline'), /^Fidji Simo appointed CEO of Applications and Ads at OpenAI$/);
    await expectText(roster(), /CEO of Applications and Ads/);
    expect(await timeline().count()).toBe(14);
  });

  it("a refused filter says the API's reason by the filter and is not asked again until it changes", async () => {
    const streams = () => requests.filter((u) => u.includes('/v1/feed/stream') && u.includes('subjects=T9'));
    const subject = page.getByLabel('Subject', { exact: true });
    // The field's change is taken when it is left (or on Enter).
    await subject.fill('T9 Jane');
    await subject.blur();
    await expectText(connection(), /Filters refused/);
    await expectText(
      page.getByTestId('feed-refused'),
      /The feed refused these filters.*in English\): subjects\[0\]: not a subject "<kind>:<slug>"/,
    );
    expect(await page.locator('.timeline').innerText()).not.toMatch(/Waiting for the feed/);
    // The page's retries went up to every 300 ms here (FEED_RETRY_MS): none at all for a 400.
    const asked = streams().length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(streams().length).toBe(asked);
    // In French, the frame in French and the API's reason as it said it.
    await page.getByLabel('Language / Langue').selectOption('fr');
    await expectText(page.getByTestId('feed-refused'), /Le fil a refusé ces filtres.*\(en anglais\)\s: subjects\[0\]: not a subject/);
    await expectText(connection(), /Filtres refusés/);
    await page.getByLabel('Language / Langue').selectOption('en');
    // Cleared: the stream is live again without the subject.
    await subject.fill('');
    await subject.blur();
    await expectText(connection(), /Live/);
    expect(await page.getByTestId('feed-refused').count()).toBe(0);
    await pollUntil(async () => (await timeline().count()) === 14, { what: 'the 14 items again' });
  });

  it('the Time travel organization takes a bare slug as an org, and refuses other text saying so, keeping it', async () => {
    const box = page.locator('input[name="report-organization"]');
    await box.fill('t9-acme');
    await box.blur();
    await pollUntil(async () => (await box.inputValue()) === 'org:t9-acme', { what: 'the slug read as org:t9-acme' });
    // No fact names it yet, so no entity: the name the API gives a subject it knows only by its slug, not the subject.
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases T9 Acme is a party to\)$/);
    await box.fill('T9 Acme');
    await box.blur();
    await expectText(page.locator('#organization-problem'), /Must be an org subject like org:openai .* Still showing org:t9-acme\./);
    expect(await box.inputValue()).toBe('T9 Acme');
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    await expectText(page.locator('#lawsuits-title'), /cases T9 Acme is a party to/);
  });

  it('in French every field the API says fell back carries one EN badge: case title, claims, step detail, headline; the headcount chart', async () => {
    const source = { outlet: 'Fallback Wire', language: 'en' };
    const events = [
      {
        type: 'lawsuit.filed',
        subject: 'case:jones-v-acme',
        occurredAt: '2024-11-05',
        data: { title: 'Jones v. Acme', plaintiffs: ['person:ann-jones'], defendants: ['org:t9-acme'], claims: ['fraud'] },
      },
      {
        type: 'lawsuit.status_changed',
        subject: 'case:jones-v-acme',
        occurredAt: '2024-12-02',
        data: { status: 'motion_filed', detail: 'motion to dismiss' },
      },
      {
        type: 'product.announced',
        subject: 'product:rocket',
        occurredAt: '2024-12-03',
        data: { organization: 'org:t9-acme', name: 'Rocket', features: ['fast'], status: 'announced' },
      },
      {
        type: 'headcount.reported',
        subject: 'org:t9-acme',
        occurredAt: '2024-12',
        data: { total: 2500, byFunction: { engineering: 900 } },
      },
    ].map((e) => ({ ...e, sources: [source] }));
    const batch = await post<{ results: Array<{ status: string }> }>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect([batch.status, JSON.stringify(batch.body)]).toEqual([200, expect.stringMatching(/^\{"results":/)]);
    expect(batch.body.results.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created']);
    const box = page.locator('input[name="report-organization"]');
    await box.fill('org:t9-acme');
    await box.blur();
    await page.getByLabel('Language / Langue').selectOption('fr');
    const card = page.locator('.lawsuits article.case').filter({ hasText: 'Jones v. Acme' });
    await expectText(card.locator('.title'), /^Jones v\. Acme\s*en$/i);
    await expectText(card.locator('.claims'), /^fraud\s*en$/i);
    await expectText(card.locator('ol.steps'), /motion to dismiss\s*en/i);
    // Each badge's tooltip names its field in French, not by the API's path (title, claims[0], detail, data.features[0]).
    const tooltip = (badge: ReturnType<Page['locator']>) => badge.getAttribute('title');
    expect(await tooltip(card.locator('.title [data-testid="fallback"]'))).toBe(
      'Pas de texte en français\u00a0: affiché en anglais (titre)',
    );
    expect(await tooltip(card.locator('.claims [data-testid="fallback"]'))).toMatch(/affiché en anglais \(griefs\)$/);
    expect(await tooltip(card.locator('ol.steps [data-testid="fallback"]'))).toMatch(/affiché en anglais \(détail\)$/);
    // The timeline's headline: the page's badge where the service marked the English text, not both.
    const rocket = timeline().filter({ hasText: 'Rocket' });
    await expectText(rocket.locator('.headline'), /fast\s*en$/i);
    expect(await rocket.locator('.headline').innerText()).not.toMatch(/\[en\]/);
    expect(await rocket.locator('.headline [data-testid="fallback"]').count()).toBe(1);
    expect(await tooltip(rocket.locator('.headline [data-testid="fallback"]'))).toMatch(/affiché en anglais \(fonctionnalités\)$/);
    // What a screen reader hears says the fallback in the page's words, never "[en]", the English text in its own
    // language (t32): the Sources button's hidden text, the live announcement, the slider's spoken value.
    const hidden = rocket.getByRole('button', { name: /^Sources/ }).locator('.sr-only');
    await expectText(hidden, /fast \(en anglais\)$/);
    await expectText(hidden.locator('[lang="en"]'), /^fast$/);
    await expectText(rocket.locator('.headline [lang="en"]').first(), /^fast$/);
    // The stream started over in French: its replay of history is not announced, and counts as over once the stream
    // has been quiet for a second (REPLAY_QUIET_MS; waited out here with a margin for a loaded machine): an item posted before that would be taken for the replay.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const departure = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events`,
      {
        type: 'executive.departed',
        subject: 'person:t9-ann-lee',
        occurredAt: '2024-12-04',
        data: { organization: 'org:t9-acme', role: 'Researcher 2', roleCategory: 'other', reason: 'unknown' },
        sources: [source],
      },
      stack.key,
    );
    expect(departure.status).toBe(201);
    const left = row(departure.body.id);
    await expectText(left.locator('.headline'), /\(Researcher 2\s*en\)$/i);
    await expectText(page.getByTestId('timeline-announcement'), /^Nouveau\s:\s.*\(Researcher 2 \(en anglais\)\)$/);
    expect(await page.getByTestId('timeline-announcement').innerText()).not.toMatch(/\[en\]/);
    await expectText(left.getByRole('button', { name: /^Sources/ }).locator('.sr-only'), /\(Researcher 2 \(en anglais\)\)$/);
    await expectText(left.getByRole('button', { name: /^Sources/ }).locator('.sr-only [lang="en"]'), /^Researcher 2$/);
    // The slider's step of that recording: what it recorded, the fallback said as the announcement says it.
    const slider = page.getByLabel(/Ce que nous savions au/);
    await pollUntil(
      async () => {
        await slider.focus();
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
        return /\(Researcher 2 \(en anglais\)\)$/.test((await slider.getAttribute('aria-valuetext')) ?? '');
      },
      { what: "the slider's step of the departure, spoken with its fallback in words" },
    );
    await expectText(page.getByTestId('step-added'), /\(Researcher 2 \(en anglais\)\)$/);
    await page.getByRole('button', { name: 'Revenir à maintenant' }).click();
    await page.getByLabel('Language / Langue').selectOption('en');

    // The headcount: total and engineering side by side, the month its own label, inside the picture.
    const chart = page.locator('figure.chart').filter({ hasText: 'Headcount' });
    await expectText(chart, /2,500/);
    const drawn = await chart.locator('svg').evaluate((svg) => {
      type El = { getAttribute(n: string): string | null; textContent: string | null; getBBox(): { x: number; width: number } };
      const all = (sel: string) => [...(svg as unknown as { querySelectorAll(s: string): El[] }).querySelectorAll(sel)];
      return {
        rects: all('rect').map((r) => ({
          series: r.getAttribute('data-series'),
          x: Number(r.getAttribute('x')),
          w: Number(r.getAttribute('width')),
        })),
        ticks: all('text.tick').map((t) => {
          const box = t.getBBox(); // an SVGRect: its numbers, to come out of the page
          return { text: t.textContent, box: { x: box.x, width: box.width } };
        }),
      };
    });
    const [total, engineering] = ['total', 'engineering'].map((s) => drawn.rects.find((r) => r.series === s)!);
    expect(total.x + total.w <= engineering.x || engineering.x + engineering.w <= total.x).toBe(true);
    const labels = drawn.ticks.filter((t) => t.text !== '2,500');
    expect(labels.map((t) => t.text)).toEqual(['2024-12']);
    for (const t of drawn.ticks) expect(t.box.x >= 0 && t.box.x + t.box.width <= 320).toBe(true);
    await chart.screenshot({ path: join(SHOTS, 'dashboard-headcount.png') });
    await box.fill('org:openai');
    await box.blur();
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases OpenAI is a party to\)$/);
  });

  it('what is typed in a box and not yet taken survives the redraws live items and report refreshes bring', async () => {
    // A controlled box showed the page's value on every redraw: text typed but not yet left went back to the old
    // value when a live item arrived, and leaving the box then took nothing (a CI run lost its typing so).
    const box = page.locator('input[name="report-organization"]');
    await box.fill('org:t9-acme'); // typed, not left
    const hire = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events`,
      { ...appointment, subject: 'person:redraw-hire', data: { ...appointment.data, role: 'Head of Redraws' } },
      stack.key,
    );
    expect(hire.status).toBe(201);
    // The item is in the timeline and the roster (still OpenAI's) has been drawn again with it.
    await expectText(row(hire.body.id), /Redraw Hire appointed/);
    await expectText(roster(), /Head of Redraws/);
    expect(await box.inputValue()).toBe('org:t9-acme');
    await expectText(page.locator('#lawsuits-title'), /cases OpenAI is a party to/);
    // Left: taken.
    await box.blur();
    await expectText(page.locator('#lawsuits-title'), /cases T9 Acme is a party to/);
    // The same for the timeline's own filter, which the live item redraws directly.
    const subject = page.getByLabel('Subject', { exact: true });
    await subject.fill('person:redraw-hire');
    const other = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, { ...appointment, subject: 'person:redraw-other' }, stack.key);
    expect(other.status).toBe(201);
    await expectText(row(other.body.id), /Redraw Other appointed/);
    expect(await subject.inputValue()).toBe('person:redraw-hire');
    await subject.blur();
    await pollUntil(async () => (await timeline().count()) === 1 || null, { what: 'only the redraw hire once the filter is taken' });
    await expectText(timeline().first(), /Redraw Hire appointed/);
    await subject.fill('');
    await subject.blur();
    await box.fill('org:openai');
    await box.blur();
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases OpenAI is a party to\)$/);
    await expectText(connection(), /Live/);
  });

  it('after the network drops and comes back: Live again, and the reports that failed meanwhile are asked again by themselves', async () => {
    const asOf = page.locator('input[name="asOf"]');
    const rosterCard = page.locator('section.roster');
    // The browser says it is offline (its events), and the reports' calls get no answer (this persistent profile's
    // emulation fires the events but still lets calls to the loopback through).
    const reports = /\/v1\/reports\//;
    await page.route(reports, (route) => route.abort('internetdisconnected'));
    await browser.context.setOffline(true);
    try {
      await expectText(connection(), /Offline/);
      // The reports asked while the network is down (another As of date) cannot be reached, and say so in words.
      await asOf.fill('2025-12-31');
      await expectText(rosterCard.getByRole('alert'), /^The service could not be reached; trying again\.$/);
      const hire = await post<Recorded>(
        `${stack.apps.ingest.url}/v1/events`,
        { ...appointment, subject: 'person:offline-hire', data: { ...appointment.data, role: 'Head of Offline' } },
        stack.key,
      );
      expect(hire.status).toBe(201);
    } finally {
      await page.unroute(reports);
      await browser.context.setOffline(false);
    }
    // No reload: the badge and the failed panels mend once the browser is back online.
    await expectText(connection(), /Live/);
    await expectText(roster(), /Head of Offline/);
    expect(await rosterCard.getByRole('alert').count()).toBe(0);
    await asOf.fill('');
    await expectText(roster(), /Head of Offline/);
  });

  it('the first Tab stop skips the timeline to the time-travel controls', async () => {
    const skip = page.getByRole('link', { name: 'Skip to time travel' });
    // First of everything focusable on the page, and shown when focused.
    expect(
      await skip.evaluate(
        (el) =>
          (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
            'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])',
          ) === el,
      ),
    ).toBe(true);
    await skip.focus();
    expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await pollUntil(async () => (await page.evaluate(() => (globalThis as PageGlobal).document.activeElement?.id)) === 'travel' || null, {
      what: 'the focus on the time-travel section',
    });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as PageGlobal).document.activeElement?.getAttribute?.('name'))).toBe(
      'report-organization',
    );
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => {
      const root = (globalThis as PageGlobal).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('says the reports drawing on a read model still being backfilled are partial, and stops once it is whole', async () => {
    const notice = () => page.locator('.notice.partial');
    // The intent the projector records for a read model added to a running system, until its rebuild's swap.
    await stack.db.pool.query(`INSERT INTO read_model.projection_backfills (projection, reason) VALUES ('leadership', 'dashboard test')`);
    try {
      // The query service reads the intents at most a second late; the roster's answer carries the header.
      await pollUntil(
        async () => {
          await page.reload();
          await expectText(roster(), /Kevin Weil/);
          return (await notice().count()) > 0 || null;
        },
        { timeoutMs: 15000, what: 'the partial notice' },
      );
      await expectText(notice(), /history of leadership is still being folded in/);
    } finally {
      await stack.db.pool.query(`DELETE FROM read_model.projection_backfills WHERE reason = 'dashboard test'`);
    }
    // No reload, no new item: the page asks again by itself while a report says it is partial.
    await pollUntil(async () => (await notice().count()) === 0 || null, { timeoutMs: 15000, what: 'the partial notice gone by itself' });
    await expectText(roster(), /Kevin Weil/);
  });

  it('when the service starts requiring a read key: shows it is not live, then resumes by position once the key is entered', async () => {
    const port = new URL(stack.apps.query.url).port;
    await stack.apps.query.stop();
    await expectText(connection(), /Reconnecting|Offline/);
    stack.apps.query = await startApp('query', { ...stack.env, QUERY_PORT: port, NEWSROOM_REQUIRE_READ_KEY: 'true' });
    // The stream now answers 401: the browser gives up and the page says offline while it retries.
    await expectText(connection(), /Offline/, 20000);
    await page.getByText(/^Read key/).click();
    await page.getByLabel(/^Key/).fill(stack.readKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    await expectText(connection(), /Live/, 20000);
    const before = await timeline().count();
    const second = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events`,
      { ...appointment, subject: 'person:second-hire', data: { ...appointment.data, role: 'Chief Communications Officer' } },
      stack.key,
    );
    expect(second.status).toBe(201);
    await expectText(row(second.body.id), /Second Hire appointed/);
    expect(await timeline().count()).toBe(before + 1); // the history before the key was not shown twice
    await expectText(roster(), /Second Hire/);
  });

  it("the knownAt slider reaches recordings past the feed's first page of 1,000 items", async () => {
    // 1,000 appointments in one batch (one recording or a few), then one more: its recording is past the first page.
    const events = Array.from({ length: 1000 }, (_, i) => ({
      ...appointment,
      subject: `person:bulk-hire-${i}`,
      data: { ...appointment.data, role: `Bulk role ${i}` },
    }));
    const batch = await post(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect(batch.status).toBe(200);
    const last = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, { ...appointment, subject: 'person:last-hire' }, stack.key);
    expect(last.status).toBe(201);
    // A bound on delivery, not a speed target: 1,001 events projected and streamed to the page, on a CI machine of two
    // cores running other suites at once (it took 14.6 s alone, over 30 s once in a full run).
    await expectText(row(last.body.id), /Last Hire appointed/, 90000);
    const recordings = await page.evaluate(async (key) => {
      const instants = new Set<string>();
      for (let after = '0'; ;) {
        const res = await fetch(`/v1/feed?after=${after}&limit=1000`, { headers: { 'x-api-key': key } });
        const page = (await res.json()) as { items: Array<{ recordedAt: string; position: string }> };
        page.items.forEach((i) => instants.add(i.recordedAt));
        if (page.items.length < 1000) return { count: instants.size, newest: [...instants].sort().pop()! };
        after = page.items[page.items.length - 1].position;
      }
    }, stack.readKey);
    const slider = page.getByLabel(/What we knew at/);
    await pollUntil(async () => (await slider.getAttribute('max')) === String(recordings.count), {
      what: `the slider's ${recordings.count} recordings`,
    });
    // One step back from now is the newest recording of all, the last hire's.
    await slider.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    const shown = recordings.newest.replace('T', ' ').replace('Z', ' UTC');
    await expectText(
      page.locator('output[for="knownAt"]'),
      new RegExp(`^${escapeRegExp(shown)} \\(${recordings.count} of ${recordings.count} recordings\\)$`),
    );
    await page.getByRole('button', { name: 'Back to now' }).click();
  });

  it('under steady writes the slider is usable from the first page of history, says it is still reading, and never starts over', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const walked: string[] = [];
    const history = /\/v1\/feed\?after=\d+&limit=1000$/;
    // The walk's later pages are held back, as 7-10 MB pages of a long feed are slow to come.
    await page.route(history, async (route) => {
      const after = new URL(route.request().url()).searchParams.get('after')!;
      walked.push(after);
      if (after !== '0') await held;
      await route.continue().catch(() => undefined); // a request of the page before the reload, gone with it
    });
    try {
      await page.reload();
      const slider = page.getByLabel(/What we knew at/);
      // The first page of 1,000 items under the suite's load (fault and bench files beside it) has taken over 30 s in
      // CI: the probe asks briefly and often, within a bound the test's own 180 s leaves room for.
      await pollUntil(async () => (await slider.isEnabled({ timeout: 2000 }).catch(() => false)) || null, {
        what: 'the slider usable after the first page',
        timeoutMs: 90000,
        intervalMs: 250,
      }).catch(async (e: Error) => {
        throw new Error(`${e.message}; walked ${walked.join(',')}; ${(await page.locator('.pickers').innerText()).slice(0, 400)}`);
      });
      const early = Number(await slider.getAttribute('max'));
      process.stderr.write(`[dashboard-browser] walked ${walked.join(',')} max ${early}\n`);
      // The walk's next page is held: the line stays until it is released, so a loaded page has a minute to show it.
      await expectText(
        page.getByTestId('recordings-loading'),
        /^Still reading the feed’s history: [\d,]+ recordings so far, more to come\.$/,
        60000,
      );
      expect(early).toBeGreaterThan(0);
      // Live items refresh the reports (every 300 ms to 2 s): the walk is asked to read on, not to start again.
      for (let i = 0; i < 4; i++) {
        const hire = await post<Recorded>(
          `${stack.apps.ingest.url}/v1/events`,
          { ...appointment, subject: `person:steady-hire-${i}` },
          stack.key,
        );
        expect(hire.status).toBe(201);
        await expectText(row(hire.body.id), /Steady Hire/, 30000);
      }
      expect(walked.filter((a) => a === '0')).toEqual(['0']);
    } finally {
      release();
      await page.unroute(history);
    }
    const recordings = await page.evaluate(async (key) => {
      const instants = new Set<string>();
      for (let after = '0'; ;) {
        const res = await fetch(`/v1/feed?after=${after}&limit=1000`, { headers: { 'x-api-key': key } });
        const page = (await res.json()) as { items: Array<{ recordedAt: string; position: string }> };
        page.items.forEach((i) => instants.add(i.recordedAt));
        if (page.items.length < 1000) return instants.size;
        after = page.items[page.items.length - 1].position;
      }
    }, stack.readKey);
    const slider = page.getByLabel(/What we knew at/);
    await pollUntil(async () => (await slider.getAttribute('max')) === String(recordings), {
      what: `the slider's ${recordings} recordings`,
    });
    await pollUntil(async () => (await page.getByTestId('recordings-loading').count()) === 0, { what: 'the loading hint gone' });
    expect(walked.filter((a) => a === '0')).toEqual(['0']);
  });

  it('loaded nothing from any other origin and broke no content security rule', () => {
    const origin = new URL(stack.apps.query.url).origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(violations).toEqual([]);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const expectText = (locator: ReturnType<Page['locator']>, pattern: RegExp, timeoutMs = 15000) =>
  expectPageText(locator, pattern, timeoutMs);
