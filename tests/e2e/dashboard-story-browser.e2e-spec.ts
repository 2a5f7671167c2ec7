import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeWithChromium, expectPageText, HeadlessChromium, launchChromium, pollUntil } from '@newsroom/testing';
import { post, Recorded, startStack, TestStack } from './stack.harness';

// What a tester saw recording a follow-up of the OpenAI story under subjects of their own (org:t14-openai,
// person:t14-mira-murati, case:t14-musk-v-openai-federal...): the dashboard's lawsuits and conflicts panels, roster
// and timeline, in French and in English, read as the API names and words things.

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'reports', 'screenshots');
const describeIfChromium = describeWithChromium('dashboard-story-browser');

const NBSP = '\u00a0';
const ORG = 'org:t14-openai';
const wire = (outlet: string) => [{ outlet, language: 'en', quote: `${outlet} says so.` }];
const figure = (type: string, data: Record<string, unknown>, outlet: string) => ({
  type,
  subject: ORG,
  occurredAt: '2025-01-15',
  data,
  sources: wire(outlet),
});
const usd = (amount: string) => ({ amount, currency: 'USD' });
const departure = (occurredAt: string, outlet: string) => ({
  type: 'executive.departed',
  subject: 'person:t14-mira-murati',
  occurredAt,
  data: { organization: ORG, role: 'Head of Special Projects', roleCategory: 'research' },
  sources: wire(outlet),
});
const appointment = (subject: string, occurredAt: string, modality: string, role: string, outlet: string) => ({
  type: 'executive.appointed',
  subject,
  occurredAt,
  modality,
  data: { organization: ORG, role, roleCategory: 'c-suite' },
  sources: wire(outlet),
});

const STORY = [
  {
    type: 'lawsuit.filed',
    subject: 'case:t14-musk-v-openai-federal',
    occurredAt: '2024-08-05',
    data: {
      title: { en: 'Musk sues OpenAI again', fr: 'Musk poursuit de nouveau OpenAI' },
      plaintiffs: ['person:t14-elon-musk'],
      defendants: [ORG, 'person:t14-sam-altman'],
      claims: [{ en: 'racketeering', fr: 'racket' }],
    },
    sources: wire('Court Wire'),
  },
  figure('revenue.reported', { money: usd('3600000000'), period: '2024', basis: 'actual' }, 'The Information'),
  figure('revenue.reported', { money: usd('4000000000'), period: '2024', basis: 'actual' }, 'Reuters'),
  figure('financial.loss_reported', { money: usd('30000000000'), period: '2024-H1', basis: 'actual' }, 'Le Monde'),
  figure('financial.loss_reported', { money: usd('5400000000'), period: '2024-H1', basis: 'actual' }, 'Bloomberg'),
  figure('revenue.target_set', { money: usd('100000000000'), targetPeriod: '2029' }, 'The Information'),
  figure('revenue.target_set', { money: usd('125000000000'), targetPeriod: '2029' }, 'Reuters'),
  departure('2024-09-25', 'Reuters'),
  departure('2024-11-02', 'Rumour Mill'),
  {
    type: 'governance.restructuring_announced',
    subject: ORG,
    occurredAt: '2024',
    data: {
      from: { en: 'nonprofit lab', fr: 'laboratoire à but non lucratif' },
      to: { en: 'public benefit corporation', fr: 'société à mission' },
      detail: 'An English-only note: the plan was published in December.',
    },
    sources: wire('Le Monde'),
  },
  appointment('person:t14-jane-doe', '2024-06-10', 'rumored', 'Chief Operating Officer', 'Gossip Weekly'),
  appointment('person:t14-jane-doe', '2024-06-10', 'confirmed', 'Chief Operating Officer', 'Official Wire'),
  appointment('person:t14-kevin-weil', '2025-05', 'reported', 'Chief Product Officer', 'Product Wire'),
  // A rumour only (t17): he stays on the roster, the rumour said beside him, his tenure's bar not ended.
  {
    type: 'executive.departed',
    subject: 'person:t14-kevin-weil',
    occurredAt: '2025-08',
    modality: 'rumored',
    data: { organization: ORG, role: 'Chief Product Officer', roleCategory: 'c-suite' },
    sources: wire('Gossip Weekly'),
  },
];

interface Conflict {
  conflictId: string;
  key: string;
  sides: Array<{ eventId: string }>;
}

describeIfChromium('dashboard in headless Chromium: a follow-up story under its own subjects, in French and English', () => {
  let stack: TestStack;
  let browser: HeadlessChromium;
  let page: Page;
  const ids: string[] = [];
  let resolutionId = '';
  let standingId = '';
  const violations: string[] = [];

  beforeAll(async () => {
    stack = await startStack('dashboard-story');
    for (const e of STORY) {
      const posted = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, e, stack.key);
      expect([posted.status, JSON.stringify(posted.body).slice(0, 300)]).toEqual([201, expect.any(String)]);
      ids.push(posted.body.id);
    }
    // Kevin Weil's appointment moved to 3 June 2025.
    const fix = await post(
      `${stack.apps.ingest.url}/v1/events/${ids[12]}/corrections`,
      { changes: { occurredAt: '2025-06-03' }, reason: 'Announced in June' },
      stack.key,
    );
    expect(fix.status).toBe(201);
    // An editor says which 2029 target stands.
    const conflicts = await pollUntil(
      async () => {
        const res = await fetch(`${stack.apps.query.url}/v1/reports/conflicts?subject=${ORG}`);
        const body = (await res.json()) as { items: Conflict[] };
        return body.items.length === 3 ? body.items : null;
      },
      { timeoutMs: 30000, what: "the three figures' conflicts" },
    );
    const target = conflicts.find((c) => c.key.includes('|revenue_target|'))!;
    standingId = target.sides[1].eventId;
    const resolved = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/conflicts/${target.conflictId}/resolution`,
      { standingEventId: standingId, reason: 'The later guidance' },
      stack.key,
    );
    expect(resolved.status).toBe(201);
    resolutionId = resolved.body.id;
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${stack.apps.query.url}/`);
    // The panels follow the organization picked under Time travel (taken when the box is left).
    const box = page.locator('input[name="report-organization"]');
    await box.fill(ORG);
    await box.blur();
    await expectText(page.locator('#lawsuits-title'), /T14 OpenAI/, 20000);
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const row = (eventId: string) => page.locator(`ol.items > li[data-event-id="${eventId}"]`);
  const conflict = (pattern: RegExp) => page.locator('.conflict-list > li').filter({ hasText: pattern });
  const lang = (value: 'en' | 'fr') => page.getByLabel('Language / Langue').selectOption(value);

  it('in French: parties and subjects by their names, each conflict says what is disputed and both sides, notes in French', async () => {
    await lang('fr');
    // Lawsuits: the heading in French with the organization's name, the parties as the API names them.
    await expectText(page.locator('#lawsuits-title'), /^Procédures judiciaires \(affaires où T14 OpenAI est partie\)$/);
    const card = page.locator('.lawsuits article.case');
    // The case by its filed title in French (the API's caseName), not its slug's name.
    await expectText(card.locator('h3'), /^Musk poursuit de nouveau OpenAI$/);
    await expectText(card.locator('.parties'), /^T14 Elon Musk c\. T14 OpenAI, T14 Sam Altman$/);

    // Conflicts: three open, each saying which figure, with both values, headlines and outlets.
    const revenue = conflict(/chiffre d’affaires \(réel\), 2024/);
    await expectText(
      revenue.locator('.disputed'),
      new RegExp(`^ouverte T14 OpenAI${NBSP}: chiffre d’affaires \\(réel\\), 2024 \\(en désaccord${NBSP}: montant\\)$`),
    );
    // Each side's outlets counted as the timeline counts a fact's, then its own (one outlet: "média", not "médias").
    await expectText(
      revenue.locator('.sides > li').nth(0),
      /3\s600\s000\s000\sUSD[\s\S]*T14 OpenAI[\s\S]*1 média\s: 1 confirme\s+média\s: The Information/,
    );
    await expectText(revenue.locator('.sides > li').nth(1), /4\s000\s000\s000\sUSD[\s\S]*média\s: Reuters/);
    const loss = conflict(/perte \(réel\), S1 2024/);
    await expectText(loss.locator('.sides'), /30\s000\s000\s000\sUSD[\s\S]*Le Monde[\s\S]*5\s400\s000\s000\sUSD[\s\S]*Bloomberg/);
    // A target's basis goes without saying: "objectif de chiffre d’affaires, 2029", not "… (objectif), 2029".
    const target = conflict(/objectif de chiffre d’affaires, 2029/);
    await expectText(
      target.locator('.disputed'),
      new RegExp(`^résolue T14 OpenAI${NBSP}: objectif de chiffre d’affaires, 2029 \\(en désaccord${NBSP}: montant\\)$`),
    );
    expect(await target.getAttribute('data-status')).toBe('resolved');
    await expectText(target.locator('.sides li.standing'), /125\s000\s000\s000\sUSD\s*retenu/);
    // The departure: who, from where, which role (the key's English, badged), the dates; headlines badged, no "[en]".
    const left = conflict(/départ de T14 OpenAI/);
    await expectText(
      left.locator('.disputed'),
      new RegExp(
        `T14 Mira Murati${NBSP}: départ de T14 OpenAI, poste${NBSP}: head of special projects\\s*en\\s*\\(en désaccord${NBSP}: date\\)`,
        'i',
      ),
    );
    await expectText(left.locator('.sides'), /25 septembre 2024[\s\S]*Head of Special Projects\s*en[\s\S]*2 novembre 2024/i);
    expect(await left.locator('.sides').innerText()).not.toMatch(/\[en\]/);
    expect(await left.locator('.side-headline [data-testid="fallback"]').count()).toBe(2);
    // The badges' tooltips name the fields in French: the role, the headline ("titre"), never "role" or "headline".
    const tooltips = await left.locator('[data-testid="fallback"]').evaluateAll((badges) => badges.map((b) => b.getAttribute('title')));
    expect(tooltips).toEqual([
      `Pas de texte en français${NBSP}: affiché en anglais (rôle)`,
      `Pas de texte en français${NBSP}: affiché en anglais (titre)`,
      `Pas de texte en français${NBSP}: affiché en anglais (titre)`,
    ]);
    expect(await page.locator('.conflicts').innerText()).not.toMatch(/Openai|T14 Musk V /);

    // The restructuring's headline shows only French: no EN badge for the English detail it does not show.
    await expectText(row(ids[9]).locator('.headline'), /laboratoire à but non lucratif/);
    expect(await row(ids[9]).locator('[data-testid="fallback"]').count()).toBe(0);
    // The correction's note names its field in French and writes the date the French way.
    await expectText(
      row(ids[12]).locator('.amendment'),
      new RegExp(`^Corrigé${NBSP}: Announced in June \\(modifié${NBSP}: date = 3 juin 2025\\)$`),
    );
    // The editor's resolution: its outlets are the standing fact's, and so are the sources it offers.
    const resolution = row(resolutionId);
    await expectText(resolution.getByTestId('outlets'), /^1 média$/);
    await expectText(resolution.getByTestId('standing-sources'), /^Sources du fait retenu \(1\)/);
    await resolution.getByTestId('standing-sources').click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, /Reuters/);
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog.isVisible()), { what: 'the dialog closed' });
    // The roster: the rumoured start confirmed, by whom and when, and that report's sources.
    const jane = page.getByTestId('roster').locator('tr').filter({ hasText: 'T14 Jane Doe' });
    await expectText(jane.getByTestId('modality-from'), /^confirmé par Official Wire \(10 juin 2024\) Sources \(1\)/);
    const kevin = page.getByTestId('roster').locator('tr').filter({ hasText: 'T14 Kevin Weil' });
    await expectText(kevin, /incertain\s*départ évoqué\s*:\s*août 2025 \(rumeur\)/);
    await jane.getByTestId('modality-from').getByRole('button').click();
    await expectText(dialog, /Official Wire/);
    expect(await dialog.innerText()).not.toMatch(/Gossip Weekly/);
    await page.keyboard.press('Escape');
    await pollUntil(async () => !(await dialog.isVisible()), { what: 'the dialog closed' });
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'dashboard-story-fr.png'), fullPage: true });
  });

  it('in English: the same names, what is disputed, the note in English words and the page’s dates', async () => {
    await lang('en');
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases T14 OpenAI is a party to\)$/);
    await expectText(page.locator('.lawsuits .parties'), /^T14 Elon Musk v\. T14 OpenAI, T14 Sam Altman$/);
    const revenue = conflict(/revenue \(actual\), 2024/);
    await expectText(revenue.locator('.disputed'), /^open T14 OpenAI: revenue \(actual\), 2024 \(disputed: amount\)$/);
    await expectText(
      revenue.locator('.sides'),
      /3,600,000,000 USD[\s\S]*1 outlet: 1 confirms\s+outlet: The Information[\s\S]*4,000,000,000 USD[\s\S]*outlet: Reuters/,
    );
    await expectText(
      conflict(/loss \(actual\), 2024-H1/).locator('.disputed'),
      /^open T14 OpenAI: loss \(actual\), 2024-H1 \(disputed: amount\)$/,
    );
    await expectText(
      conflict(/revenue target, 2029/).locator('.disputed'),
      /^resolved T14 OpenAI: revenue target, 2029 \(disputed: amount\)$/,
    );
    await expectText(
      conflict(/departure from/).locator('.disputed'),
      /^open T14 Mira Murati: departure from T14 OpenAI as head of special projects \(disputed: date\)$/,
    );
    expect(
      await conflict(/departure from/)
        .locator('[data-testid="fallback"]')
        .count(),
    ).toBe(0);
    await expectText(row(ids[12]).locator('.amendment'), /^Corrected: Announced in June \(changed: date = 2025-06-03\)$/);
    await expectText(row(resolutionId).getByTestId('standing-sources'), /^Sources of the fact that stands \(1\)/);
    const jane = page.getByTestId('roster').locator('tr').filter({ hasText: 'T14 Jane Doe' });
    await expectText(jane.getByTestId('modality-from'), /^confirmed by Official Wire \(2024-06-10\) Sources \(1\)/);
    await expectText(page.getByTestId('roster').locator('tr').filter({ hasText: 'T14 Kevin Weil' }), /rumoured to leave 2025-08/);
    expect(violations).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'dashboard-story-en.png'), fullPage: true });
  });

  it('an organization no fact names yet goes by the name the API gives a subject known only by its slug, in both languages', async () => {
    const box = page.locator('input[name="report-organization"]');
    await box.fill('t14-acme-labs');
    await box.blur();
    await pollUntil(async () => (await box.inputValue()) === 'org:t14-acme-labs' || null, { what: 'the slug read as org:t14-acme-labs' });
    await expectText(page.locator('#lawsuits-title'), /^Lawsuits \(cases T14 Acme Labs is a party to\)$/);
    await expectText(page.locator('.lawsuits'), /No case on record\./);
    await lang('fr');
    await expectText(page.locator('#lawsuits-title'), /^Procédures judiciaires \(affaires où T14 Acme Labs est partie\)$/);
    expect(await page.locator('main').innerText()).not.toMatch(/org:t14-acme-labs/);
    await lang('en');
  });
});

const expectText = (locator: ReturnType<Page['locator']>, pattern: RegExp, timeoutMs = 20000) =>
  expectPageText(locator, pattern, timeoutMs);
