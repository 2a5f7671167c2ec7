import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describeWithChromium, expectPageText, HeadlessChromium, launchChromium, pollUntil } from '@newsroom/testing';
import { post, Recorded, startStack, TestStack } from './stack.harness';

// What a French desk editor found on the dashboard (t21), seen in the page as they saw it: a corrected departure's
// Sources dialog, the conflicts panel's outlets, two figures of one series for one period, a roster line whose start
// is not on record, fields named in French, "d’OpenAI", "1er", counts agreeing with their words, and the "What we knew
// at" steps, each reading apart from the others.

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'reports', 'screenshots');
const describeIfChromium = describeWithChromium('dashboard-desk-browser');

const NBSP = '\u00a0';
const ORG = 'org:openai';
const source = (outlet: string, quote: string) => [{ outlet, language: 'fr', quote }];
const ROLE = { en: 'Chief Technology Officer', fr: 'directrice technique' };
const departure = (occurredAt: string, outlet: string, inferred: Array<{ path: string; note: string }>) => ({
  type: 'executive.departed',
  subject: 'person:mira-murati',
  occurredAt,
  data: { organization: ORG, role: ROLE, roleCategory: 'c-suite' },
  sources: source(outlet, `Le départ de la directrice technique (${outlet}).`),
  inferred,
});
const revenue = (amount: string, outlet: string, inferred: Array<{ path: string; note: string }> = []) => ({
  type: 'revenue.reported',
  subject: ORG,
  occurredAt: '2024-09',
  data: { money: { amount, currency: 'USD' }, period: '2024', basis: 'projected' },
  sources: source(outlet, `Un chiffre d’affaires attendu de ${amount} dollars.`),
  inferred,
});

describeIfChromium('dashboard in headless Chromium: what a French desk editor saw (t21)', () => {
  let stack: TestStack;
  let browser: HeadlessChromium;
  let page: Page;
  const violations: string[] = [];
  let first = ''; // the departure of 15 November, corrected to the 12th
  let second = ''; // the departure of 1 October, which another outlet reported
  let product = '';
  let projected: string[] = [];

  beforeAll(async () => {
    stack = await startStack('dashboard-desk');
    const record = async (event: object) => {
      const posted = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, event, stack.key);
      expect([posted.status, JSON.stringify(posted.body).slice(0, 300)]).toEqual([201, expect.any(String)]);
      return posted.body.id;
    };
    first = await record(
      departure('2024-11-15', 'Les Echos', [{ path: 'data.role.en', note: 'L’article ne donne que le titre en français.' }]),
    );
    second = await record(
      departure('2024-10-01', 'Unidentified French-language outlet', [{ path: 'occurredAt', note: 'Date tirée d’un autre article.' }]),
    );
    product = await record({
      type: 'product.announced',
      subject: 'product:sora',
      occurredAt: '2024-08-01',
      data: { organization: ORG, name: 'Sora', features: ['vidéo'], status: 'announced' },
      sources: source('Le Monde', 'OpenAI présente Sora.'),
      inferred: [{ path: 'data.status', note: 'L’article ne dit pas si le produit est disponible.' }],
    });
    // Two outlets' projections of 2024's revenue, in one batch.
    const batch = await post<{ results: Array<{ status: string; id: string }> }>(
      `${stack.apps.ingest.url}/v1/events`,
      {
        events: [
          revenue('3600000000', 'The Information'),
          revenue('3700000000', 'Reuters', [{ path: 'data.period', note: 'L’année est déduite du contexte.' }]),
        ],
      },
      stack.key,
    );
    expect([batch.status, batch.body.results.map((r) => r.status)]).toEqual([200, ['created', 'created']]);
    projected = batch.body.results.map((r) => r.id);
    // Two more outlets confirm the first departure; then its date is corrected.
    for (const outlet of ['Le Monde', 'Le Figaro']) {
      const attached = await post(
        `${stack.apps.ingest.url}/v1/events/${first}/sources`,
        { source: { outlet, language: 'fr' }, stance: 'confirms' },
        stack.key,
      );
      expect(attached.status).toBe(201);
    }
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${first}/corrections`,
      { changes: { occurredAt: '2024-11-12' }, reason: 'Le communiqué dit le 12' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${stack.apps.query.url}/`);
    await lang('fr');
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const lang = (value: 'en' | 'fr') => page.getByLabel('Language / Langue').selectOption(value);
  const row = (eventId: string) => page.locator(`ol.items > li[data-event-id="${eventId}"]`);
  const dialog = () => page.getByRole('dialog');
  const closeDialog = async () => {
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog().isVisible()), { what: 'the dialog closed' });
  };
  const conflict = () => page.locator('.conflict-list > li').filter({ hasText: /départ|departure/ });

  it("a corrected row's Sources dialog gives the corrected date, and the earlier version with its date and the reason", async () => {
    const mira = row(first);
    await expectText(mira.locator('.when'), /^15 novembre 2024\s+12 novembre 2024$/);
    await mira.getByRole('button', { name: /^Sources/ }).click();
    await expectText(dialog().locator('p.meta').first(), new RegExp(`date des faits${NBSP}: 12 novembre 2024`));
    await expectText(dialog().locator('h3').filter({ hasText: 'Versions antérieures' }), /^Versions antérieures$/);
    await expectText(
      dialog().getByTestId('history'),
      new RegExp(
        `^v1, enregistrée le .+ jusqu’au .+ · corrigé${NBSP}: «${NBSP}Le communiqué dit le 12${NBSP}» · date des faits${NBSP}: 15 novembre 2024`,
      ),
    );
    expect(await dialog().locator('p.meta').first().innerText()).not.toMatch(/15 novembre/);
    // The earlier version's data in the page's words, not as JSON (t32).
    const version = await dialog().getByTestId('history').locator('.version-data').first().innerText();
    expect(version).toMatch(new RegExp(`rôle = «${NBSP}.+${NBSP}»`));
    expect(version).not.toMatch(/[{}"]|roleCategory/);
    await closeDialog();
  });

  it('the conflicts panel says every outlet behind each side, as the timeline does, and elides "de" before OpenAI', async () => {
    await expectText(
      conflict().locator('.disputed'),
      new RegExp(
        `^ouverte Mira Murati${NBSP}: départ d’OpenAI, poste${NBSP}: chief technology officer\\s*en\\s*\\(en désaccord${NBSP}: date\\)$`,
        'i',
      ),
    );
    const sides = conflict().locator('.sides > li');
    await expectText(sides.nth(0).getByTestId('side-corroboration'), new RegExp(`^3 médias${NBSP}: 3 confirment$`));
    await expectText(sides.nth(0).locator('.outlet-names'), new RegExp(`^média${NBSP}: Les Echos$`));
    await expectText(sides.nth(0).locator('.value'), /^12 novembre 2024$/);
    await expectText(sides.nth(1).getByTestId('side-corroboration'), new RegExp(`^1 média${NBSP}: 1 confirme$`));
    await expectText(sides.nth(1).locator('.outlet-names'), new RegExp(`^média${NBSP}: Unidentified French-language outlet$`));
    // The first of a month as the service's headlines write it.
    await expectText(sides.nth(1).locator('.value'), /^1er octobre 2024$/);
    await expectText(row(product).locator('.when'), /^1er août 2024/);
  });

  it('two projections of one year stand side by side, both marked disputed, in the picture and in the list', async () => {
    const chart = page.locator('figure.chart').filter({ hasText: 'Chiffre d’affaires et objectifs' });
    await expectText(chart.locator('.points'), /3,6\sMd\s\$US[\s\S]*3,7\sMd\s\$US|3,7\sMd\s\$US[\s\S]*3,6\sMd\s\$US/);
    await pollUntil(async () => (await chart.locator('.points [data-testid="conflict"]').count()) === 2 || null, {
      what: 'both projections badged "contradiction"',
    });
    await expectText(chart.locator('.points [data-testid="conflict"]').first(), /^contradiction$/);
    type El = { getAttribute(n: string): string | null; querySelector(s: string): { textContent: string | null } | null };
    const rects = await chart.locator('rect[data-series="projected"]').evaluateAll((all) =>
      (all as unknown as El[]).map((r) => ({
        x: Number(r.getAttribute('x')),
        w: Number(r.getAttribute('width')),
        disputed: r.getAttribute('class') === 'disputed',
        title: r.querySelector('title')?.textContent ?? '',
      })),
    );
    expect(rects).toHaveLength(2);
    const [a, b] = rects;
    expect(a.x + a.w <= b.x || b.x + b.w <= a.x).toBe(true);
    expect(rects.map((r) => r.disputed)).toEqual([true, true]);
    expect(rects.map((r) => r.title).sort()).toEqual([
      expect.stringMatching(/3\s600\s000\s000\sUSD \(contesté/),
      expect.stringMatching(/3\s700\s000\s000\sUSD \(contesté/),
    ]);
    expect(projected).toHaveLength(2);
    await chart.screenshot({ path: join(SHOTS, 'dashboard-disputed-figures.png') });
  });

  it('a roster line whose start is not on record opens its sources too', async () => {
    await page.getByLabel(/À la date du/).fill('2024-06-01');
    const roster = page.getByTestId('roster');
    await expectText(page.locator('.roster > p.muted').first(), /^Au 1er juin 2024,/);
    const mira = roster.locator('tr').filter({ hasText: 'Mira Murati' });
    await expectText(mira, /inconnue\s*incertain/);
    await mira.getByRole('button', { name: /Sources pour Mira Murati/ }).click();
    await expectText(dialog().locator('#fact-title'), new RegExp(`^Mira Murati, directrice technique${NBSP}: départ$`));
    await expectText(dialog().locator('ul.sources'), /Unidentified French-language outlet|Les Echos/);
    await closeDialog();
    await page.getByRole('button', { name: 'Revenir à maintenant' }).click();
  });

  it('fields its sources do not state are named in French, in the marks, their tooltips and the dialog', async () => {
    await expectText(row(first).locator('.inferred-list'), new RegExp(`^Absent des sources${NBSP}: rôle \\(anglais\\)\\*$`));
    await expectText(row(product).locator('.inferred-list'), new RegExp(`^Absent des sources${NBSP}: statut\\*$`));
    await expectText(row(projected[1]).locator('.inferred-list'), new RegExp(`^Absent des sources${NBSP}: période\\*$`));
    const date = row(second).locator('.when [data-testid="inferred"]');
    expect(await date.getAttribute('title')).toBe(`Non indiqué par les sources — date${NBSP}: Date tirée d’un autre article.`);
    await expectText(date.locator('.sr-only'), new RegExp(`\\(non indiqué par les sources${NBSP}: date${NBSP}: Date tirée`));
    const period = page.locator('.charts .points [data-testid="inferred"]').filter({ hasText: '2024' });
    expect(await period.getAttribute('title')).toBe(`Non indiqué par les sources — période${NBSP}: L’année est déduite du contexte.`);
    await row(first)
      .getByRole('button', { name: /^Sources/ })
      .click();
    await expectText(dialog().getByTestId('inferred-notes'), new RegExp(`^rôle \\(anglais\\)${NBSP}: L’article ne donne`));
    await closeDialog();
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\b(occurredAt|data\.|status\*|period\*|role \(en\))/);
  });

  it('in English: counts agree with their words ("1 outlet: 1 confirms"), fields named in English', async () => {
    await lang('en');
    const sides = conflict().locator('.sides > li');
    await expectText(sides.nth(0).getByTestId('side-corroboration'), /^3 outlets: 3 confirm$/);
    await expectText(sides.nth(0).locator('.outlet-names'), /^outlet: Les Echos$/);
    await expectText(sides.nth(1).getByTestId('side-corroboration'), /^1 outlet: 1 confirms$/);
    await expectText(conflict().locator('.disputed'), /departure from OpenAI as chief technology officer/i);
    await expectText(row(first).locator('.inferred-list'), /^Not in the sources: role \(English\)\*$/);
    await row(second)
      .getByRole('button', { name: /^Sources/ })
      .click();
    await expectText(dialog().getByTestId('corroboration'), /1 outlet 1 confirms, 0 deny/);
    await closeDialog();
    await lang('fr');
  });

  it('"What we knew at": no two steps read alike (milliseconds when two share a second, and what each recorded)', async () => {
    const feed = await page.evaluate(async () => {
      const res = await fetch('/v1/feed?after=0&limit=1000');
      return ((await res.json()) as { items: Array<{ recordedAt: string; headline: string; eventId: string }> }).items;
    });
    const instants = [...new Set(feed.map((i) => i.recordedAt))].sort();
    const sharing = instants.filter((iso, i) => [instants[i - 1], instants[i + 1]].some((o) => o?.slice(0, 19) === iso.slice(0, 19)));
    process.stderr.write(`[dashboard-desk-browser] ${instants.length} steps, ${sharing.length} sharing their second with one beside\n`);
    const slider = page.getByLabel(/Ce que nous savions au/);
    await pollUntil(async () => (await slider.getAttribute('max')) === String(instants.length), {
      what: `the slider's ${instants.length} recordings`,
    });
    await slider.focus();
    await page.keyboard.press('Home');
    const labels: string[] = [];
    for (const [i, iso] of instants.entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      const output = page.locator('output[for="knownAt"]');
      await expectText(output, new RegExp(`\\(enregistrement ${i + 1} sur ${instants.length}\\)$`));
      const neighbours = [instants[i - 1], instants[i + 1]].filter(Boolean);
      const shares = neighbours.some((o) => o.slice(0, 19) === iso.slice(0, 19));
      // Milliseconds only where a step beside it falls in the same second.
      expect([iso, /,\d{3} UTC/.test(await output.innerText())]).toEqual([iso, shares]);
      const items = feed.filter((f) => f.recordedAt === iso);
      const added = page.getByTestId('step-added');
      await expectText(added, new RegExp(`^Enregistré alors${NBSP}: .+`));
      if (items.length > 1) await expectText(added, new RegExp(` et ${items.length - 1} autres?$`));
      // What tells the step apart: its instant and what it recorded (the step's number aside, which always differs).
      labels.push(`${(await output.innerText()).replace(/ \(enregistrement \d+ sur \d+\)$/, '')} ${await added.innerText()}`);
    }
    expect(new Set(labels).size).toBe(instants.length);
    // The correction's step says it.
    expect(labels.some((l) => new RegExp(`Enregistré alors${NBSP}: Correction${NBSP}: `).test(l))).toBe(true);
    await page.getByRole('button', { name: 'Revenir à maintenant' }).click();
    expect(violations).toEqual([]);
  });

  it("a case step only rumoured is said beside the status, in French and English; a correction's uncited fields by their names (t25)", async () => {
    const record = async (event: object) => {
      const posted = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, event, stack.key);
      expect([posted.status, JSON.stringify(posted.body).slice(0, 300)]).toEqual([201, expect.any(String)]);
      return posted.body.id;
    };
    const subject = 'case:t25-rumeur-v-openai';
    const filing = await record({
      type: 'lawsuit.filed',
      subject,
      occurredAt: '2024-03-01',
      data: {
        title: 'Rumeur v. OpenAI',
        plaintiffs: ['person:t25-plaignant'],
        defendants: [ORG],
        claims: ['contrat'],
        court: 'Cour fédérale',
      },
      sources: source('Le Monde', 'Une plainte est déposée contre OpenAI.'),
    });
    await record({
      type: 'lawsuit.status_changed',
      subject,
      occurredAt: '2024-09',
      modality: 'rumored',
      data: { status: 'appealed' },
      sources: source('Un blog', 'On dit que l’affaire part en appel.'),
    });
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${filing}/corrections`,
      {
        changes: {
          inferred: [
            { path: 'data.court', note: 'Le tribunal est déduit.' },
            { path: 'occurredAt', note: 'La date est déduite.' },
          ],
        },
        reason: 'Vérifié',
      },
      stack.key,
    );
    expect(fix.status).toBe(201);
    const card = page.locator('.lawsuits article.case').filter({ hasText: 'Rumeur v. OpenAI' });
    // The status is the filing: the rumoured appeal does not count, and is said beside it as a rumour.
    await expectText(card.locator('.badge[class*="status-"]'), /^plainte déposée$/);
    await expectText(card.locator('.badge.rumoured-status'), new RegExp(`^rumeur${NBSP}: appel interjeté$`));
    expect(await card.locator('.badge.rumoured-status').getAttribute('title')).toMatch(
      /^Une étape ultérieure n’est rapportée que comme rumeur/,
    );
    // In the history, the appeal is marked a rumour (t25: a rumoured step read as one that happened); the filing is not.
    await expectText(card.getByTestId('step-modality'), /^rumeur$/);
    // The correction's new list of fields the sources do not state, in the page's words, never `data.court`.
    await expectText(
      row(filing).locator('.amendment'),
      new RegExp(`^Corrigé${NBSP}: Vérifié \\(modifié${NBSP}: absent des sources = tribunal, date\\)$`),
    );
    await lang('en');
    await expectText(card.locator('.badge[class*="status-"]'), /^filed$/);
    await expectText(card.locator('.badge.rumoured-status'), /^rumoured: appealed$/);
    await expectText(card.getByTestId('step-modality'), /^rumored$/);
    await expectText(row(filing).locator('.amendment'), /^Corrected: Vérifié \(changed: not in the sources = court, date\)$/);
    expect(await page.locator('main').innerText()).not.toMatch(/data\.court|rumoredStatus/);
    await lang('fr');
    expect(violations).toEqual([]);
  });
  it("each panel's CSV link asks for bom=true: the file Excel opens keeps its accents, with a read key too (t25)", async () => {
    for (const panel of ['.roster', '.lawsuits', '.conflicts']) {
      expect(await page.locator(`${panel} .csv-link a`).getAttribute('href')).toMatch(/\?(.+&)?format=csv&bom=true(&|$)/);
    }
    const download = async () => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator('.lawsuits .csv-link a').click()]);
      return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
    };
    const plain = await download();
    expect(plain.name).toMatch(/\.csv$/);
    expect(plain.text.charCodeAt(0)).toBe(0xfeff);
    expect(plain.text).toMatch(/rumored_status/);
    expect(plain.text).toContain('Rumeur v. OpenAI');
    // With a read key saved the link cannot send it: the page fetches the file with it and saves it, as the link does.
    await page.locator('details.key-field summary').click();
    await page.locator('input[name="key"]').fill(stack.readKey);
    await page.getByRole('button', { name: 'Utiliser la clé' }).click();
    const keyed = await download();
    expect([keyed.name, keyed.text.charCodeAt(0)]).toEqual([plain.name, 0xfeff]);
    expect(keyed.text).toContain('Rumeur v. OpenAI');
    await page.locator('input[name="key"]').fill('');
    await page.getByRole('button', { name: 'Utiliser la clé' }).click();
    expect(violations).toEqual([]);
  });
});

const expectText = (locator: ReturnType<Page['locator']>, pattern: RegExp, timeoutMs = 20000) =>
  expectPageText(locator, pattern, timeoutMs);
