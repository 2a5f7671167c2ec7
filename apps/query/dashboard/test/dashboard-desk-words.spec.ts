import { loadDashboardModule } from './support/dashboard-module.harness';
// The headlines' own rule, which the dashboard repeats (its bundle does not take libs/domain): the two must agree.
import { elided as headlineElided } from '../../../../libs/domain/src/headlines/french-grammar.util';

// What a French desk editor found on the dashboard (t21), in its pure helpers: a corrected row's earlier versions, a
// side's corroboration, two figures of one series for one period, fields named in the page's words, elision, "1er",
// counts agreeing with their words, and slider steps that never read alike. The helpers are browser .tsx, bundled by
// esbuild as `npm run build` does and run here.
const load = loadDashboardModule;

type Lang = 'en' | 'fr';
const NBSP = '\u00a0';

interface Corroboration {
  outlets: number;
  confirms: number;
  denies: number;
  firstReportedAt: string | null;
  latestReportedAt: string | null;
}
interface I18n {
  t(lang: Lang, key: string, values?: Record<string, string | number>): string;
  tn(lang: Lang, key: string, count: number, values?: Record<string, string | number>): string;
  fieldText(lang: Lang, path: string): string;
  fieldsText(lang: Lang, paths: string[]): string;
}
interface Format {
  dateText(lang: Lang, text: string): string;
  instant(lang: Lang, iso: string, precise?: boolean): string;
}
interface FeedItemLike {
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  headline: string;
  data?: unknown;
  inferred?: Array<{ path: string; note: string }>;
}
interface Version {
  version: number;
  occurredAt: string | null;
  data: unknown;
  recordedFrom: string;
  recordedTo: string | null;
  supersededBy: string | null;
  changeReason: string | null;
  endReason: string | null;
  inferred?: Array<{ path: string; note: string }>;
}
interface Bar {
  x: number;
  width: number;
  height: number;
}

describe('the Sources dialog of a corrected row: its earlier versions, from the feed', () => {
  const { earlierVersions } = load<{ earlierVersions(item: FeedItemLike, amendments: FeedItemLike[]): Version[] }>('corrections.tsx');
  const departure: FeedItemLike = {
    type: 'executive.departed',
    occurredAt: '2024-11-15',
    recordedAt: '2026-12-07T04:38:18.100Z',
    headline: 'Ann quitte Acme',
    data: { organization: 'org:acme', role: { en: 'CTO', fr: 'directrice technique' }, reason: 'resigned' },
    inferred: [{ path: 'data.role.en', note: 'translated' }],
  };
  const correction = (recordedAt: string, changes: unknown, reason: string): FeedItemLike => ({
    type: 'event.corrected',
    occurredAt: null,
    recordedAt,
    headline: 'Correction\u00a0: …',
    data: { changes, reason },
  });

  it('a date corrected once: the first version with its old date, recorded until the correction, and the reason', () => {
    const versions = earlierVersions(departure, [
      { type: 'event.sourced', occurredAt: null, recordedAt: '2026-12-07T04:38:19.000Z', headline: 'Wire confirme\u00a0: …' },
      correction('2026-12-07T04:38:20.000Z', { occurredAt: '2024-11-12' }, 'Le communiqué dit le 12'),
    ]);
    expect(versions).toEqual([
      {
        version: 1,
        occurredAt: '2024-11-15',
        data: departure.data,
        recordedFrom: '2026-12-07T04:38:18.100Z',
        recordedTo: '2026-12-07T04:38:20.000Z',
        supersededBy: 'corrected',
        changeReason: null,
        endReason: 'Le communiqué dit le 12',
        inferred: departure.inferred,
      },
    ]);
  });

  it('corrected twice: newest first, the second version as the first correction made it (data merged, its list of inferred fields)', () => {
    const versions = earlierVersions(departure, [
      correction('2026-12-08T00:00:00.000Z', { data: { role: { fr: 'directeur technique' }, reason: null }, inferred: [] }, 'Genre'),
      correction('2026-12-09T00:00:00.000Z', { occurredAt: '2024-11-12' }, 'Date'),
    ]);
    expect(versions.map((v) => [v.version, v.occurredAt, v.changeReason, v.endReason, v.recordedTo])).toEqual([
      [2, '2024-11-15', 'Genre', 'Date', '2026-12-09T00:00:00.000Z'],
      [1, '2024-11-15', null, 'Genre', '2026-12-08T00:00:00.000Z'],
    ]);
    expect(versions[0].data).toEqual({ organization: 'org:acme', role: { en: 'CTO', fr: 'directeur technique' } });
    expect(versions[0].inferred).toEqual([]);
  });

  it('a row never corrected (a retraction alone, an attached source) has none', () => {
    const retraction = { type: 'event.retracted', occurredAt: null, recordedAt: '2026-12-08T00:00:00.000Z', headline: 'Retrait' };
    expect(earlierVersions(departure, [retraction])).toEqual([]);
  });
});

describe('a conflict side: every outlet behind it, as the timeline counts them', () => {
  const { corroborationText } = load<{ corroborationText(lang: Lang, c: Corroboration): string }>('truth.tsx');
  const c = (outlets: number, confirms: number, denies: number) => ({
    outlets,
    confirms,
    denies,
    firstReportedAt: null,
    latestReportedAt: null,
  });

  it('"3 médias : 3 confirment", the denials when there are any, each word agreeing with its count', () => {
    expect(corroborationText('fr', c(3, 3, 0))).toBe(`3 médias${NBSP}: 3 confirment`);
    expect(corroborationText('fr', c(1, 1, 0))).toBe(`1 média${NBSP}: 1 confirme`);
    expect(corroborationText('fr', c(2, 1, 1))).toBe(`2 médias${NBSP}: 1 confirme, 1 dément`);
    expect(corroborationText('en', c(3, 3, 0))).toBe('3 outlets: 3 confirm');
    expect(corroborationText('en', c(1, 1, 0))).toBe('1 outlet: 1 confirms');
    expect(corroborationText('en', c(3, 2, 1))).toBe('3 outlets: 2 confirm, 1 denies');
  });
});

describe('two figures of one series for one period', () => {
  const { layoutChart } = load<{
    layoutChart(
      spans: Array<{ series: string; start: number; end: number; value: number }>,
      frame: { width: number; height: number; pad: { l: number; r: number; t: number; b: number } },
    ): { bars: Bar[] };
  }>('chart-layout.tsx');
  const frame = { width: 320, height: 140, pad: { l: 4, r: 4, t: 8, b: 18 } };
  const y2024 = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) };
  const y2025 = { start: Date.UTC(2025, 0, 1), end: Date.UTC(2026, 0, 1) };

  it('stand side by side, neither drawn over the other (3.6 bn and 3.7 bn projected for 2024)', () => {
    const { bars } = layoutChart(
      [
        { series: 'projected', ...y2024, value: 3.6e9 },
        { series: 'projected', ...y2024, value: 3.7e9 },
        { series: 'projected', ...y2025, value: 11.6e9 },
      ],
      frame,
    );
    const [first, second, next] = bars;
    expect(first.x + first.width).toBeLessThanOrEqual(second.x);
    expect(second.x + second.width).toBeLessThanOrEqual(next.x);
    expect(first.width).toBeCloseTo(second.width, 5);
    expect(second.height).toBeGreaterThan(first.height);
    // 2025 has one figure: the whole of its year.
    expect(next.width).toBeCloseTo(2 * first.width + 1, 0);
  });

  it('beside another series of the same period too: three lanes, in the series order, then by rank', () => {
    const { bars } = layoutChart(
      [
        { series: 'actual', ...y2024, value: 3 },
        { series: 'projected', ...y2024, value: 4 },
        { series: 'actual', ...y2024, value: 3.5 },
      ],
      frame,
    );
    const xs = bars.map((b) => b.x);
    expect(xs[0]).toBeLessThan(xs[2]);
    expect(xs[2]).toBeLessThan(xs[1]);
    for (const b of bars) expect(b.width).toBeCloseTo((316 - 4) / 3 - 1, 5);
  });
});

describe("fields named in the page's words, never by the API's paths", () => {
  const i18n = load<I18n>('i18n.tsx');

  it('in French: "statut", "période", "rôle (anglais)", "date"; in English "role (English)"', () => {
    expect(i18n.fieldText('fr', 'data.status')).toBe('statut');
    expect(i18n.fieldText('fr', 'data.period')).toBe('période');
    expect(i18n.fieldText('fr', 'data.role.en')).toBe('rôle (anglais)');
    expect(i18n.fieldText('fr', 'occurredAt')).toBe('date');
    expect(i18n.fieldText('fr', 'data.money.amount')).toBe('montant › montant');
    expect(i18n.fieldText('fr', 'data.features[1]')).toBe('fonctionnalités');
    expect(i18n.fieldText('en', 'data.role.en')).toBe('role (English)');
    expect(i18n.fieldText('en', 'data.role.fr')).toBe('role (French)');
    expect(i18n.fieldText('en', 'occurredAt')).toBe('date');
    expect(i18n.fieldsText('fr', ['data.role.en', 'occurredAt'])).toBe('rôle (anglais), date');
  });
});

describe('French around the values the page does not choose', () => {
  const i18n = load<I18n>('i18n.tsx');
  const french = load<{ elided(word: string, next: string): string }>('french.tsx');
  const format = load<Format>('format.tsx');

  it('"de" is elided before a vowel or a mute h, in every message: "départ d’OpenAI", "de Meta", "de Huawei"', () => {
    expect(i18n.t('fr', 'conflicts.departure', { organization: 'OpenAI' })).toBe(`départ d’OpenAI, poste${NBSP}:`);
    expect(i18n.t('fr', 'conflicts.departure', { organization: 'Meta' })).toBe(`départ de Meta, poste${NBSP}:`);
    expect(i18n.t('fr', 'conflicts.departure', { organization: 'Huawei' })).toBe(`départ de Huawei, poste${NBSP}:`);
    expect(i18n.t('fr', 'app.partial', { names: 'entities' })).toMatch(/^Partiel\u00a0: l’historique d’entities est/);
    // Not in English, and not before a date ("le 1er août").
    expect(i18n.t('en', 'conflicts.departure', { organization: 'OpenAI' })).toBe('departure from OpenAI as');
    expect(i18n.t('fr', 'dialog.recorded', { instant: '1er août 2024' })).toBe('enregistré le 1er août 2024');
  });

  it("elides as the service's headlines do (libs/domain's rule), with the page's apostrophe", () => {
    const words = ['OpenAI', 'Apple', 'Éditions', 'Uber', 'hôpital', 'Huawei', 'haut-commissaire', 'Yahoo', 'Yves', 'onze', 'Meta', '3M'];
    for (const word of ['de', 'le', 'la', 'que'] as const)
      for (const next of words)
        expect([word, next, french.elided(word, next)]).toEqual([word, next, headlineElided(word, next).replace("'", '’')]);
  });

  it('the first of a month is "1er", as the headlines write it; Intl never does', () => {
    expect(format.dateText('fr', '2024-08-01')).toBe('1er août 2024');
    expect(format.dateText('fr', '2024-10-01')).toBe('1er octobre 2024');
    expect(format.dateText('fr', '2024-10-11')).toBe('11 octobre 2024');
    expect(format.dateText('fr', '2024-08-01/2024-10-01')).toBe('1er août 2024 – 1er octobre 2024');
    expect(i18n.t('fr', 'roster.asOf', { date: format.dateText('fr', '2024-08-01') })).toBe('Au 1er août 2024');
    expect(format.instant('fr', '2026-12-01T04:38:18.123Z')).toBe('1er décembre 2026 à 04:38:18 UTC');
    expect(format.dateText('en', '2024-08-01')).toBe('2024-08-01');
  });
});

describe('counts agree with their words', () => {
  const i18n = load<I18n>('i18n.tsx');

  it('English as the Atom feed says them ("1 confirms", "2 confirm"); French singular for 0 and 1', () => {
    expect([0, 1, 2].map((n) => i18n.tn('en', 'outlets.confirm', n))).toEqual(['0 confirm', '1 confirms', '2 confirm']);
    expect([0, 1, 2].map((n) => i18n.tn('en', 'outlets.deny', n))).toEqual(['0 deny', '1 denies', '2 deny']);
    expect([0, 1, 2].map((n) => i18n.tn('fr', 'outlets.confirm', n))).toEqual(['0 confirme', '1 confirme', '2 confirment']);
  });

  it('a conflict side\'s outlets: "média : Les Echos" for one, "médias : …" from two', () => {
    expect(i18n.tn('fr', 'conflicts.outlets', 1)).toBe('média');
    expect(i18n.tn('fr', 'conflicts.outlets', 2)).toBe('médias');
    expect(i18n.tn('en', 'conflicts.outlets', 1)).toBe('outlet');
    expect(i18n.tn('en', 'conflicts.outlets', 2)).toBe('outlets');
  });
});

describe('the "What we knew at" steps never read alike', () => {
  const { sharesSecond, newWalk, walkFeed } = load<{
    sharesSecond(instants: string[], i: number): boolean;
    newWalk(): { steps: Map<string, { position: string; count: number }> };
    walkFeed(
      walk: unknown,
      fetchPage: (after: string) => Promise<{ items: Array<{ position: string; recordedAt: string }> }>,
      publish: (i: string[], complete: boolean) => void,
    ): Promise<void>;
  }>('instants.tsx');
  const format = load<Format>('format.tsx');
  const steps = ['2026-12-07T04:38:17.900Z', '2026-12-07T04:38:18.100Z', '2026-12-07T04:38:18.140Z', '2026-12-07T04:38:19.000Z'];

  it('a step sharing its second with one beside it says the milliseconds (in French, with a decimal comma)', () => {
    expect(steps.map((_, i) => sharesSecond(steps, i))).toEqual([false, true, true, false]);
    const labels = steps.map((iso, i) => format.instant('fr', iso, sharesSecond(steps, i)));
    expect(labels).toEqual([
      '7 décembre 2026 à 04:38:17 UTC',
      '7 décembre 2026 à 04:38:18,100 UTC',
      '7 décembre 2026 à 04:38:18,140 UTC',
      '7 décembre 2026 à 04:38:19 UTC',
    ]);
    expect(new Set(labels).size).toBe(4);
    expect(format.instant('en', steps[1], true)).toBe('2026-12-07 04:38:18.100 UTC');
  });

  it('the walk keeps, for each step, its first item and how many items it recorded (what the step says it added)', async () => {
    const walk = newWalk();
    const items = [
      { position: '7', recordedAt: steps[0] },
      { position: '8', recordedAt: steps[1] },
      { position: '9', recordedAt: steps[1] },
      { position: '11', recordedAt: steps[2] },
    ];
    await walkFeed(
      walk,
      async (after) => ({ items: items.filter((i) => BigInt(i.position) > BigInt(after)) }),
      () => undefined,
    );
    expect([...walk.steps]).toEqual([
      [steps[0], { position: '7', count: 1 }],
      [steps[1], { position: '8', count: 2 }],
      [steps[2], { position: '11', count: 1 }],
    ]);
  });
});
