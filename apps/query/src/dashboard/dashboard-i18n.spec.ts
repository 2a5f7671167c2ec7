import { loadDashboardModule } from '../../dashboard/test/support/dashboard-module.harness';

// The dashboard's catalogue is browser code (.tsx, its own tsconfig): bundled by esbuild as `npm run build` does and
// run here, in a context of its own with this process's Intl. Its types (a key missing in one language is a type
// error) are checked by the dashboard's own `tsc -p apps/query/dashboard`; this checks what the page shows.
type Lang = 'en' | 'fr';
interface Plural {
  one: string;
  other: string;
}
interface I18n {
  CATALOGUES: Record<Lang, Record<string, string | Plural>>;
  t(lang: Lang, key: string, values?: Record<string, string | number>): string;
  tn(lang: Lang, key: string, count: number, values?: Record<string, string | number>): string;
  pluralForm(lang: Lang, count: number): 'one' | 'other';
  codeText(lang: Lang, group: string, code: string): string;
  colon(lang: Lang, label: string, text: string): string;
  fieldsText(lang: Lang, paths: string[]): string;
}
interface Format {
  money(lang: Lang, amount: string | null, currency: string | null): string;
  dateText(lang: Lang, text: string): string;
  instant(lang: Lang, iso: string): string;
  figureName(lang: Lang, metric: string, basis: string): string;
}

const load = loadDashboardModule;

const NNBSP = '\u202f';
const NBSP = '\u00a0';
const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const texts = (entry: string | Plural) => (typeof entry === 'string' ? [entry] : [entry.one, entry.other]);

describe('dashboard message catalogue', () => {
  const i18n = load<I18n>('i18n.tsx');
  const format = load<Format>('format.tsx');
  const { en, fr } = i18n.CATALOGUES;

  it('has every key in both languages, a plural where the other has one, and the same {names} in each', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect([key, typeof fr[key]]).toEqual([key, typeof en[key]]);
      const wanted = names(texts(en[key]).join(' ')).filter((n, i, all) => all.indexOf(n) === i);
      for (const text of [...texts(en[key]), ...texts(fr[key])]) {
        expect([key, text.trim().length > 0]).toEqual([key, true]);
        // A plural's `one` form may leave out {count} ("another fact"); every other name is in every form.
        expect([key, names(text).filter((n, i, all) => all.indexOf(n) === i && n !== 'count')]).toEqual([
          key,
          wanted.filter((n) => n !== 'count'),
        ]);
      }
    }
  });

  it('French puts a narrow no-break space before : ; ! ? and inside guillemets, never a plain space or none', () => {
    const wrong: string[] = [];
    for (const [key, entry] of Object.entries(fr)) {
      for (const text of texts(entry)) {
        if (text === '?') continue; // the mark of an unknown date, no punctuation
        [...text].forEach((c, i) => {
          const ok =
            c === '«' ? text[i + 1] === NBSP : ':»'.includes(c) ? text[i - 1] === NBSP : ';!?'.includes(c) ? text[i - 1] === NNBSP : true;
          if (!ok) wrong.push(`${key}: ${text}`);
        });
      }
    }
    expect(wrong).toEqual([]);
    expect(i18n.t('fr', 'error.hint')).toBe(` Saisissez une clé de lecture sous «${NBSP}Clé de lecture${NBSP}».`);
  });

  it('plural: English is singular for 1 only; French for 0 and 1 ("1 média distinct", "2 médias distincts")', () => {
    expect([0, 1, 2, 1.5].map((n) => i18n.pluralForm('en', n))).toEqual(['other', 'one', 'other', 'other']);
    expect([0, 1, 2, 1.5, 1000000].map((n) => i18n.pluralForm('fr', n))).toEqual(['one', 'one', 'other', 'one', 'other']);
    expect(i18n.tn('en', 'outlets.badge', 1)).toBe('1 outlet');
    expect(i18n.tn('en', 'outlets.badge', 0)).toBe('0 outlets');
    expect(i18n.tn('en', 'outlets.distinct', 2)).toBe('2 distinct outlets');
    expect(i18n.tn('fr', 'outlets.distinct', 0)).toBe('0 média distinct');
    expect(i18n.tn('fr', 'outlets.distinct', 1)).toBe('1 média distinct');
    expect(i18n.tn('fr', 'outlets.distinct', 2)).toBe('2 médias distincts');
    expect(i18n.tn('fr', 'outlets.deny', 3)).toBe('3 démentent');
    // The count in the language's digits.
    expect(i18n.tn('fr', 'dialog.storyFacts', 1600, { title: 'Wire' })).toBe(`Wire${NBSP}: 1${NNBSP}600 faits`);
    expect(i18n.tn('en', 'dialog.storyFacts', 13, { title: 'Wire' })).toBe('Wire: 13 facts');
  });

  it('interpolates named values and leaves an unknown name as written', () => {
    expect(i18n.t('en', 'roster.asOf', { date: '2024-03-01' })).toBe('As of 2024-03-01');
    expect(i18n.t('fr', 'timeline.new', { headline: 'Fidji Simo nommée' })).toBe(`Nouveau${NBSP}: Fidji Simo nommée`);
    expect(i18n.t('fr', 'roster.asOf')).toBe('Au {date}');
    expect(i18n.colon('fr', 'Effectifs', '1 600')).toBe(`Effectifs${NBSP}: 1 600`);
  });

  it('shows the codes the API sends in words, in both languages, and a code it does not know made readable', () => {
    expect(i18n.codeText('en', 'modality', 'denied')).toBe('denied');
    expect(i18n.codeText('fr', 'modality', 'denied')).toBe('démenti');
    expect(i18n.codeText('fr', 'status', 'corrected')).toBe('corrigé');
    expect(i18n.codeText('en', 'lawsuit', 'injunction_sought')).toBe('injunction sought');
    expect(i18n.codeText('fr', 'lawsuit', 'settled')).toBe('accord conclu');
    expect(i18n.codeText('fr', 'type', 'executive.appointed')).toBe('nomination de dirigeant');
    expect(i18n.codeText('en', 'type', 'revenue.target_set')).toBe('revenue target set');
    expect(i18n.codeText('fr', 'lawsuit', 'sent_to_mediation')).toBe('sent to mediation');
    // A plural entry is no code's words.
    expect(i18n.codeText('en', 'outlets', 'badge')).toBe('badge');
  });

  it('names a figure by its metric and basis, leaving out the basis its metric says already (a target, a round)', () => {
    expect(format.figureName('en', 'revenue', 'actual')).toBe('revenue (actual)');
    expect(format.figureName('fr', 'loss', 'cumulative_projected')).toBe('perte (prévisionnel cumulé)');
    expect(format.figureName('en', 'revenue_target', 'target')).toBe('revenue target');
    expect(format.figureName('fr', 'revenue_target', 'target')).toBe('objectif de chiffre d’affaires');
    expect(format.figureName('en', 'funding', 'round')).toBe('funding round');
    expect(format.figureName('fr', 'valuation', 'post_money')).toBe('valorisation (post-money)');
    expect(i18n.t('en', 'conflicts.figure', { figure: format.figureName('en', 'revenue_target', 'target'), period: '2029' })).toBe(
      'revenue target, 2029',
    );
  });

  it('says what a denial and a reported departure disagree on (conflict fields ["modality"]) in words, not the field name', () => {
    expect(i18n.t('en', 'conflicts.fields', { fields: i18n.fieldsText('en', ['modality']) })).toBe('disputed: whether it happened');
    expect(i18n.t('fr', 'conflicts.fields', { fields: i18n.fieldsText('fr', ['modality']) })).toBe('en désaccord\u00a0: réalité du fait');
  });

  it("names the fields of an EN/FR badge's tooltip in the page's words, never the API's paths", () => {
    expect(i18n.fieldsText('fr', ['title'])).toBe('titre');
    expect(i18n.fieldsText('en', ['headline'])).toBe('headline');
    expect(i18n.fieldsText('fr', ['headline'])).toBe('titre');
    expect(i18n.fieldsText('fr', ['data.role', 'data.destination'])).toBe('rôle, destination');
    expect(i18n.fieldsText('fr', ['claims[0]', 'claims[1]', 'court'])).toBe('griefs, tribunal');
    expect(i18n.fieldsText('en', ['data.features[2]'])).toBe('features');
    expect(i18n.t('fr', 'fallback.title', { shownIn: i18n.t('fr', 'fallback.in'), fields: i18n.fieldsText('fr', ['role']) })).toBe(
      `Pas de texte en français${NBSP}: affiché en anglais (rôle)`,
    );
  });

  it('writes dates and figures the English way as before, the French way through Intl', () => {
    expect(format.money('en', '440000000000', 'USD')).toBe('$440 bn');
    expect(format.money('fr', '440000000000', 'USD')).toMatch(/^440[\u00a0\u202f]Md[\u00a0\u202f]\$US$/);
    expect(format.money('fr', '44500000000', 'USD')).toMatch(/^44,5[\u00a0\u202f]Md[\u00a0\u202f]\$US$/);
    expect(format.dateText('en', '2024-09')).toBe('2024-09');
    expect(format.dateText('fr', '2024-09')).toBe('septembre 2024');
    expect(format.dateText('fr', '2024-09-25')).toBe('25 septembre 2024');
    expect(format.dateText('fr', '2024-Q3')).toBe('T3 2024');
    expect(format.dateText('fr', '2024-H1')).toBe('S1 2024');
    expect(format.dateText('fr', '2024-06-15/2024')).toBe('15 juin 2024 – 2024');
    expect(format.instant('en', '2026-11-29T09:26:20.392Z')).toBe('2026-11-29 09:26:20 UTC');
    expect(format.instant('fr', '2026-11-29T09:26:20.392Z')).toBe('29 novembre 2026 à 09:26:20 UTC');
  });
});
