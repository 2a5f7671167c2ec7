import { evolveEntityNames, foldNameChange, standingNamesOf, type NameVersion, type ProjectedEvent } from '@newsroom/projections';
import { correction, event, resetClock, retraction } from './support/events.builder';

const announced = (name: unknown, subject = 'product:t1-widget') =>
  event('product.announced', subject, '2025-03', { organization: 'org:t1', name, features: [], status: 'announced' });
const filed = (title: unknown, subject = 'case:doe-v-acme') =>
  event('lawsuit.filed', subject, '2025-02', { title, plaintiffs: ['person:doe'], defendants: ['org:acme'], claims: ['x'] });

/** The versions a log leaves, folded as the adapter folds them (redelivered events included). */
const fold = (events: ProjectedEvent[]): NameVersion[] => {
  const versions: NameVersion[] = [];
  for (const e of events) {
    const change = evolveEntityNames(e);
    if (change) foldNameChange(versions, change);
  }
  return versions;
};

describe('entity names: the name a product or case has from its announcement or filing', () => {
  beforeEach(() => resetClock());

  it('names a product by its announcement and a case by its filing; other subjects and facts name nothing', () => {
    const product = announced('T1 Widget Pro');
    const filing = filed({ en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' });
    const step = event('lawsuit.status_changed', 'case:doe-v-acme', '2025-04', { status: 'dismissed' });
    const other = event('headcount.reported', 'org:t1', '2025', { total: 3 });
    const versions = fold([product, filing, step, other]);
    expect(standingNamesOf(versions, 'product:t1-widget')).toEqual({ en: 'T1 Widget Pro', fr: 'T1 Widget Pro' });
    expect(standingNamesOf(versions, 'case:doe-v-acme')).toEqual({ en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' });
    expect(evolveEntityNames(step)).toBeNull();
    expect(evolveEntityNames(other)).toBeNull();
  });

  it('renames from a correction of the name on, keeping the old version with when it ended', () => {
    const product = announced('T1 Widget Pro');
    const fix = correction(product, { data: { name: 'T1 Widget Max' } });
    const versions = fold([product, fix]);
    expect(standingNamesOf(versions, 'product:t1-widget')).toEqual({ en: 'T1 Widget Max', fr: 'T1 Widget Max' });
    expect(versions.map((v) => [v.value, v.namedPosition, v.unnamedPosition])).toEqual([
      ['T1 Widget Pro', product.globalPosition, fix.globalPosition],
      ['T1 Widget Max', fix.globalPosition, null],
    ]);
  });

  it("merges a correction's language into a per-language title, as the correction merges into the fact", () => {
    const filing = filed({ en: 'Doe v. Acme Corp' });
    const versions = fold([filing, correction(filing, { data: { title: { fr: 'Doe contre Acme' } } })]);
    expect(standingNamesOf(versions, 'case:doe-v-acme')).toEqual({ en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' });
  });

  it('leaves the name alone for a correction of another field', () => {
    const product = announced('T1 Widget Pro');
    const versions = fold([product, correction(product, { data: { status: 'launched' } })]);
    expect(versions).toHaveLength(1);
    expect(versions[0].unnamedPosition).toBeNull();
  });

  it("falls back when the naming fact is retracted: to the slug's name, or to another standing announcement's", () => {
    const first = announced('Widget One');
    const second = announced('Widget Two');
    expect(standingNamesOf(fold([first, second]), 'product:t1-widget')).toEqual({ en: 'Widget Two', fr: 'Widget Two' });
    expect(standingNamesOf(fold([first, second, retraction(second)]), 'product:t1-widget')).toEqual({ en: 'Widget One', fr: 'Widget One' });
    const filing = filed('Doe v. Acme Corp');
    expect(standingNamesOf(fold([filing, retraction(filing)]), 'case:doe-v-acme')).toBeNull();
  });

  it('changes nothing when a batch is delivered again, after later events or not', () => {
    const product = announced('T1 Widget Pro');
    const fix = correction(product, { data: { name: 'T1 Widget Max' } });
    const again = correction(product, { data: { name: 'T1 Widget Ultra' } });
    const gone = retraction(product);
    const once = fold([product, fix, again, gone]);
    expect(fold([product, fix, again, gone, product, fix, again, gone])).toEqual(once);
    expect(fold([product, fix, product, fix, again, fix, gone, again])).toEqual(once);
  });
});
