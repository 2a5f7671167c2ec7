import { loadDashboardModule } from '../../dashboard/test/support/dashboard-module.harness';

// The dashboard's pure helpers (browser .tsx, bundled by esbuild as `npm run build` does and run here): the walk over
// the feed for the "What we knew at" slider, the organization box's rule, how a corrected row reads, one fallback
// marker per headline, and where the figures' bars and ticks go.
const load = loadDashboardModule;

interface Item {
  position: string;
  recordedAt: string;
}
interface Walk {
  after: string;
  complete: boolean;
  running: boolean;
}
interface Instants {
  WALK_PAGE: number;
  newWalk(): Walk;
  walkFeed(
    walk: Walk,
    fetchPage: (after: string) => Promise<{ items: Item[] }>,
    publish: (i: string[], complete: boolean) => void,
  ): Promise<void>;
}
interface FeedItemLike {
  type: string;
  occurredAt: string | null;
  headline: string;
  lang?: 'en' | 'fr';
  fallbacks?: string[];
  data?: unknown;
}
interface Corrections {
  correctedView(
    item: FeedItemLike,
    amendments: FeedItemLike[],
    lang: 'en' | 'fr',
  ): { occurredAt: string | null; was: string | null; headline: string; fallbacks: string[] };
  headlineParts(headline: string, lang: 'en' | 'fr'): Array<{ text: string; marked: boolean }>;
  shownFallbacks(headline: string, lang: 'en' | 'fr', fallbacks: string[], data: unknown): string[];
  headlineSegments(
    headline: string,
    lang: 'en' | 'fr',
    fallbacks: string[],
    data: unknown,
  ): Array<{ text: string; foreign: boolean; marked: boolean }>;
}
interface Changes {
  changedFields(lang: 'en' | 'fr', changes: unknown): string;
}
interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Tick {
  line: number | null;
  x: number;
  anchor: string;
  label: { year: number } | { span: number };
}
interface ChartLayout {
  layoutChart(
    spans: Array<{ series: string; start: number; end: number; value: number }>,
    frame: { width: number; height: number; pad: { l: number; r: number; t: number; b: number } },
  ): { bars: Bar[]; ticks: Tick[] };
}

/** A feed of `n` items recorded one per `per` items (positions 1..n), served by page after a position. */
function feed(n: number, per = 1) {
  const items: Item[] = Array.from({ length: n }, (_, i) => ({
    position: String(i + 1),
    recordedAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / per) * 1000).toISOString(),
  }));
  const asked: string[] = [];
  return {
    items,
    asked,
    page: (after: string) => {
      asked.push(after);
      return items.filter((i) => BigInt(i.position) > BigInt(after)).slice(0, 1000);
    },
  };
}

describe('the "What we knew at" walk over the feed', () => {
  const { newWalk, walkFeed, WALK_PAGE } = load<Instants>('instants.tsx');

  it('hands over the instants after each page, so the slider is usable before the last page', async () => {
    expect(WALK_PAGE).toBe(1000);
    const f = feed(3200);
    const published: Array<[number, boolean]> = [];
    await walkFeed(
      newWalk(),
      async (after) => ({ items: f.page(after) }),
      (i, complete) => published.push([i.length, complete]),
    );
    expect(f.asked).toEqual(['0', '1000', '2000', '3000']);
    expect(published).toEqual([
      [1000, false],
      [2000, false],
      [3000, false],
      [3200, true],
    ]);
  });

  it('a refresh while it walks does not restart it: it reads on from where it is, then once more for what came since', async () => {
    const f = feed(2500);
    const walk = newWalk();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const published: number[] = [];
    const fetchPage = async (after: string) => {
      if (after === '1000') await held; // the second page is slow
      return { items: f.page(after) };
    };
    const publish = (i: string[]) => published.push(i.length);
    const first = walkFeed(walk, fetchPage, publish);
    await new Promise((r) => setImmediate(r));
    expect(published).toEqual([1000]);
    // Refreshes under steady writes: live items appended, the walk asked again three times.
    f.items.push({ position: '2501', recordedAt: '2026-02-01T00:00:00.000Z' });
    await Promise.all([walkFeed(walk, fetchPage, publish), walkFeed(walk, fetchPage, publish), walkFeed(walk, fetchPage, publish)]);
    release();
    await first;
    // Page by page once, the end read twice (the second time for the refresh), never from 0 again.
    expect(f.asked).toEqual(['0', '1000', '2000', '2501']);
    expect(published).toEqual([1000, 2000, 2501]);
    expect(walk).toMatchObject({ after: '2501', complete: true, running: false });
    // The next refresh reads only what came after.
    f.items.push({ position: '2502', recordedAt: '2026-02-02T00:00:00.000Z' });
    await walkFeed(walk, fetchPage, publish);
    expect(f.asked.slice(4)).toEqual(['2501']);
    expect(published.pop()).toBe(2502);
  });

  it('a page that fails ends the walk; the next call resumes after the last page read', async () => {
    const f = feed(1500);
    const walk = newWalk();
    let fail = true;
    const fetchPage = async (after: string) => {
      if (after === '1000' && fail) throw new Error('401: key');
      return { items: f.page(after) };
    };
    const published: Array<[number, boolean]> = [];
    await expect(walkFeed(walk, fetchPage, (i, c) => published.push([i.length, c]))).rejects.toThrow('401: key');
    expect(walk).toMatchObject({ after: '1000', complete: false, running: false });
    fail = false;
    await walkFeed(walk, fetchPage, (i, c) => published.push([i.length, c]));
    expect(f.asked).toEqual(['0', '1000']); // the failed page is asked again, from 1000, not from 0
    expect(published).toEqual([
      [1000, false],
      [1500, true],
    ]);
  });
});

describe('the Time travel organization box', () => {
  const { orgSubjectOf } = load<{ orgSubjectOf(text: string, fallback: string): string | null }>('subjects.tsx');

  it('takes an org subject, reads a bare slug as one, an empty box as the default; anything else is refused, not replaced', () => {
    expect(orgSubjectOf('org:t9-acme', 'org:openai')).toBe('org:t9-acme');
    expect(orgSubjectOf(' t9-acme ', 'org:openai')).toBe('org:t9-acme');
    expect(orgSubjectOf('', 'org:openai')).toBe('org:openai');
    expect(orgSubjectOf('T9 Acme', 'org:openai')).toBeNull();
    expect(orgSubjectOf('person:mira-murati', 'org:openai')).toBeNull();
    expect(orgSubjectOf('org:', 'org:openai')).toBeNull();
  });
});

describe('a corrected timeline row', () => {
  const { correctedView, headlineParts } = load<Corrections>('corrections.tsx');
  const fact: FeedItemLike = {
    type: 'executive.appointed',
    occurredAt: '2024-02-10',
    headline: 'Ann appointed Chief Technology Officer at Acme',
    fallbacks: [],
  };
  const correction = (changes: unknown, headline: string, extra: Partial<FeedItemLike> = {}): FeedItemLike => ({
    type: 'event.corrected',
    occurredAt: null,
    headline,
    fallbacks: [],
    data: { changes, reason: 'Wrong date' },
    ...extra,
  });

  it("shows the corrected date (the old one kept to strike through) and the headline the correction's item gives", () => {
    const view = correctedView(
      fact,
      [
        correction({ occurredAt: '2024-03-01', data: { role: 'CFO' } }, 'Correction: Ann appointed CFO at Acme', {
          fallbacks: ['data.role'],
        }),
      ],
      'en',
    );
    expect(view).toEqual({ occurredAt: '2024-03-01', was: '2024-02-10', headline: 'Ann appointed CFO at Acme', fallbacks: ['data.role'] });
  });

  it('in French, with the service’s no-break space before the colon; a retraction or a source changes neither', () => {
    const fr = { ...fact, headline: 'Acme nomme Ann directrice technique' };
    const view = correctedView(
      fr,
      [
        correction({ occurredAt: '2024-03' }, 'Correction\u00a0: Acme nomme Ann directrice financière', { lang: 'fr' }),
        { type: 'event.retracted', occurredAt: null, headline: 'Retrait\u00a0: …', data: { reason: 'x' } },
        { type: 'event.sourced', occurredAt: null, headline: 'Wire confirme\u00a0: …', data: {} },
      ],
      'fr',
    );
    expect(view).toMatchObject({ occurredAt: '2024-03', was: '2024-02-10', headline: 'Acme nomme Ann directrice financière' });
  });

  it('a correction back to the first date strikes nothing; one without a date keeps it', () => {
    const twice = correctedView(
      fact,
      [correction({ occurredAt: '2024-03-01' }, 'Correction: a'), correction({ occurredAt: '2024-02-10' }, 'Correction: b')],
      'en',
    );
    expect(twice).toMatchObject({ occurredAt: '2024-02-10', was: null, headline: 'b' });
    expect(correctedView(fact, [correction({ data: { money: 1 } }, 'Correction: c')], 'en')).toMatchObject({
      occurredAt: '2024-02-10',
      was: null,
      headline: 'c',
    });
  });

  it("cuts a headline where the service marked the other language's text, so the page shows one marker there", () => {
    expect(headlineParts('T9 Acme annonce Rocket avec fast [en]', 'fr')).toEqual([
      { text: 'T9 Acme annonce Rocket avec fast', marked: true },
    ]);
    expect(headlineParts('Bob quitte OpenAI (Head of Research [en])', 'fr')).toEqual([
      { text: 'Bob quitte OpenAI (Head of Research', marked: true },
      { text: ')', marked: false },
    ]);
    expect(headlineParts('Ann appointed responsable [fr] at Acme', 'en')).toEqual([
      { text: 'Ann appointed responsable', marked: true },
      { text: ' at Acme', marked: false },
    ]);
    expect(headlineParts('Nothing marked [en]', 'en')).toEqual([{ text: 'Nothing marked [en]', marked: false }]);
  });
});

describe('the fields a headline shows in the other language', () => {
  const { shownFallbacks } = load<Corrections>('corrections.tsx');
  const restructuring = {
    from: { en: 'nonprofit AI lab', fr: "laboratoire d'IA à but non lucratif" },
    to: { en: 'profit-driven giant', fr: 'géant axé sur le profit' },
    detail: 'An English-only note the headline never shows.',
  };

  it('none when the headline marks nothing: an English-only detail the headline does not show gets no badge', () => {
    const headline = "OpenAI passe de laboratoire d'IA à but non lucratif à géant axé sur le profit";
    expect(shownFallbacks(headline, 'fr', ['data.detail'], restructuring)).toEqual([]);
  });

  it('the fields whose text is marked, not the others the fact lists; a field the data does not give counts when marked', () => {
    const data = { organization: 'org:openai', role: 'Head of Research', detail: 'English only' };
    const headline = 'Bob quitte OpenAI (Head of Research [en])';
    expect(shownFallbacks(headline, 'fr', ['data.role', 'data.detail'], data)).toEqual(['data.role']);
    expect(shownFallbacks('Acme lance Rocket avec fast [en]', 'fr', ['data.features[0]'], { features: ['fast'] })).toEqual([
      'data.features[0]',
    ]);
    expect(shownFallbacks(headline, 'fr', ['data.role'], { changes: {} })).toEqual(['data.role']);
    expect(shownFallbacks('Ann appointed responsable [fr] at Acme', 'en', ['data.role'], { role: { fr: 'responsable' } })).toEqual([
      'data.role',
    ]);
  });
});

describe('a headline as a screen reader hears it (t32: "(Researcher 2 [en])")', () => {
  const { headlineSegments } = load<Corrections>('corrections.tsx');
  const { spokenHeadline } = load<{ spokenHeadline(lang: 'en' | 'fr', headline: string): string }>('fallback.tsx');

  it('says each mark in the words of the badge\'s tooltip, in the page\'s language, never "[en]" nor nothing', () => {
    expect(spokenHeadline('fr', 'Ann Lee quitte T9 Acme (Researcher 2 [en])')).toBe('Ann Lee quitte T9 Acme (Researcher 2 (en anglais))');
    expect(spokenHeadline('en', 'Ann appointed responsable [fr] at Acme')).toBe('Ann appointed responsable (in French) at Acme');
    expect(spokenHeadline('fr', 'Rien à signaler')).toBe('Rien à signaler');
  });

  it("tells the other language's text apart where the data gives it, to carry its own lang", () => {
    const data = { organization: 'org:t9-acme', role: 'Researcher 2' };
    expect(headlineSegments('Ann Lee quitte T9 Acme (Researcher 2 [en])', 'fr', ['data.role'], data)).toEqual([
      { text: 'Ann Lee quitte T9 Acme (', foreign: false, marked: false },
      { text: 'Researcher 2', foreign: true, marked: true },
      { text: ')', foreign: false, marked: false },
    ]);
    // A corrected fact's text the item's data does not give: the mark alone, no text claimed foreign.
    expect(headlineSegments('Ann Lee quitte T9 Acme (Researcher 2 [en])', 'fr', ['data.role'], { changes: {} })).toEqual([
      { text: 'Ann Lee quitte T9 Acme (Researcher 2', foreign: false, marked: true },
      { text: ')', foreign: false, marked: false },
    ]);
  });
});

describe("a panel's CSV link", () => {
  const { csvHref } = load<{ csvHref(path: string): string }>('csv-link.tsx');

  it('asks for the same report as CSV with the byte-order mark Excel needs (bom=true), its filters and language kept', () => {
    expect(csvHref('/v1/reports/lawsuits?party=org%3Aopenai&limit=100&lang=fr')).toBe(
      '/v1/reports/lawsuits?party=org%3Aopenai&limit=1000&lang=fr&format=csv&bom=true',
    );
    expect(csvHref('/v1/reports/conflicts')).toBe('/v1/reports/conflicts?format=csv&bom=true&limit=1000');
  });
});

describe("a correction's changes in the page's words", () => {
  const { changedFields } = load<Changes>('changes.tsx');
  const NBSP = '\u00a0';

  it('in French: fields named in French, dates and amounts written as the page writes them, text in guillemets', () => {
    expect(changedFields('fr', { occurredAt: '2025-06-03' })).toBe('date = 3 juin 2025');
    expect(changedFields('fr', { occurredAt: '2024-09', data: { role: 'CEO of Applications', interim: true } })).toBe(
      `date = septembre 2024, rôle = «${NBSP}CEO of Applications${NBSP}», intérim = oui`,
    );
    expect(changedFields('fr', { data: { money: { amount: '44000000000', currency: 'USD' }, period: '2024-H1' } })).toBe(
      `montant = 44\u202f000\u202f000\u202f000${NBSP}USD, période = S1 2024`,
    );
    expect(changedFields('fr', { data: { role: { en: 'CTO', fr: 'directrice technique' } } })).toBe(
      `rôle = «${NBSP}directrice technique${NBSP}»`,
    );
  });

  it("a new list of fields the sources do not state, by the page's field names, never the API's paths", () => {
    const inferred = [
      { path: 'data.amount', note: 'x' },
      { path: 'occurredAt', note: 'y' },
      { path: 'data.role.fr', note: 'z' },
    ];
    expect(changedFields('fr', { inferred })).toBe('absent des sources = montant, date, rôle (français)');
    expect(changedFields('en', { inferred })).toBe('not in the sources = amount, date, role (French)');
    expect(changedFields('fr', { inferred: [] })).toBe('absent des sources = rien');
  });

  it('in English: the same fields in English, ISO dates as the page shows them; a new inferred list by its fields', () => {
    expect(changedFields('en', { occurredAt: '2025-06-03', data: { role: 'CEO of Applications and Ads' } })).toBe(
      'date = 2025-06-03, role = “CEO of Applications and Ads”',
    );
    expect(changedFields('en', { data: { money: { amount: '44000000000', currency: 'USD' } } })).toBe('amount = 44,000,000,000 USD');
    expect(changedFields('en', { data: { byFunction: { engineering: 900 } }, inferred: [{ path: 'occurredAt', note: 'x' }] })).toBe(
      'by function › engineering = 900, not in the sources = date',
    );
  });
});

describe('the figures: bars over their periods, ticks inside the picture', () => {
  const { layoutChart } = load<ChartLayout>('chart-layout.tsx');
  const frame = { width: 320, height: 140, pad: { l: 4, r: 4, t: 8, b: 18 } };
  const dec2024 = { start: Date.UTC(2024, 11, 1), end: Date.UTC(2025, 0, 1) };

  it('a total and a function reported for one month stand side by side, neither hiding the other', () => {
    const { bars, ticks } = layoutChart(
      [
        { series: 'total', ...dec2024, value: 2500 },
        { series: 'engineering', ...dec2024, value: 900 },
      ],
      frame,
    );
    const [total, engineering] = bars;
    expect(total.x + total.width).toBeLessThanOrEqual(engineering.x);
    expect(engineering.width).toBeGreaterThan(100);
    expect(engineering.height).toBeCloseTo((900 / 2500) * total.height, 5);
    expect(engineering.x + engineering.width).toBeLessThanOrEqual(316);
    // Labelled by its own period (the span's), not by "2025", where December ends.
    expect(ticks).toEqual([{ line: null, x: 160, anchor: 'middle', label: { span: 0 } }]);
  });

  it('years are ticked where they begin inside the chart and the first at its left edge, never at its right edge, and their text stays inside', () => {
    const { bars, ticks } = layoutChart(
      [
        { series: 'actual', start: Date.UTC(2023, 0, 1), end: Date.UTC(2024, 0, 1), value: 3 },
        { series: 'actual', start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1), value: 4 },
        { series: 'projected', start: Date.UTC(2024, 6, 1), end: Date.UTC(2025, 0, 1), value: 5 },
      ],
      frame,
    );
    // The first year at the left edge (no line there), then each year that begins inside.
    expect(ticks.map((t) => t.label)).toEqual([{ year: 2023 }, { year: 2024 }]);
    expect(ticks[0]).toEqual({ line: null, x: 4, anchor: 'start', label: { year: 2023 } });
    for (const t of ticks) expect(t.x).toBeGreaterThanOrEqual(0);
    for (const t of ticks) expect(t.anchor === 'end' ? t.x : t.x + 44).toBeLessThanOrEqual(320);
    // 2023 alone in its period: the whole width of it; 2024's actual and projected share the second half of 2024.
    expect(bars[0].width).toBeCloseTo(155, 0);
    expect(bars[1].x + bars[1].width).toBeLessThanOrEqual(bars[2].x);
  });

  /** Where a tick's text is drawn, as charts.tsx anchors it (44 px, the layout's reckoning of a label's width). */
  const extent = (t: Tick) => {
    const from = t.anchor === 'end' ? t.x - 44 : t.anchor === 'middle' ? t.x - 22 : t.x;
    return [from, from + 44];
  };
  const expectApart = (ticks: Tick[]) => {
    for (const [a, b] of ticks.slice(1).map((t, i) => [ticks[i], t])) expect(extent(a)[1]).toBeLessThanOrEqual(extent(b)[0]);
    for (const t of ticks) expect(extent(t)[0] >= 0 && extent(t)[1] <= 320).toBe(true);
  };
  const quarter = (year: number, q: number) => ({ start: Date.UTC(year, (q - 1) * 3, 1), end: Date.UTC(year, q * 3, 1) });

  it('a series from 2025-Q1 to a 2029 target has 2025 labelled too, the labels apart (t32: 2026-2029 only)', () => {
    const { ticks } = layoutChart(
      [
        ...[1, 2, 3, 4].map((q) => ({ series: 'actual', ...quarter(2025, q), value: q })),
        { series: 'target', start: Date.UTC(2029, 0, 1), end: Date.UTC(2030, 0, 1), value: 100 },
      ],
      frame,
    );
    expect(ticks.map((t) => t.label)).toEqual([2025, 2026, 2027, 2028, 2029].map((year) => ({ year })));
    expectApart(ticks);
  });

  it('a first year too narrow for its label gives way to the next; a long series in a narrow picture keeps its labels apart', () => {
    const sliver = layoutChart(
      [
        { series: 'actual', ...quarter(2024, 4), value: 1 },
        { series: 'target', start: Date.UTC(2029, 0, 1), end: Date.UTC(2030, 0, 1), value: 100 },
      ],
      frame,
    ).ticks;
    expect(sliver.map((t) => t.label)).toEqual([2025, 2026, 2027, 2028, 2029].map((year) => ({ year })));
    expectApart(sliver);
    const long = layoutChart([{ series: 'actual', start: Date.UTC(1990, 0, 1), end: Date.UTC(2030, 0, 1), value: 1 }], frame).ticks;
    expect(long[0].label).toEqual({ year: 1990 });
    expect(long.length).toBeGreaterThan(3);
    expectApart(long);
  });
});
