import {
  displayNamesGivenBy,
  displayNamesOf,
  namedSubjectsIn,
  namesItsSubject,
  namingFactOf,
  renderHeadline,
  type HeadlineEvent,
} from '@newsroom/domain';
import { headlineFact } from './fixtures/submissions.fixture';

const NBSP = '\u00a0';

describe('subject names from the facts: a product by its announced name, a case by its filed title', () => {
  it('names products by the announcement and cases by the filing; other kinds by their slug', () => {
    expect(namingFactOf('product:t1-widget')).toEqual({ type: 'product.announced', field: 'name' });
    expect(namingFactOf('case:musk-v-openai')).toEqual({ type: 'lawsuit.filed', field: 'title' });
    expect(namingFactOf('org:openai')).toBeNull();
    expect(namingFactOf('person:mira-murati')).toBeNull();
    expect(namingFactOf('not a subject')).toBeNull();
    expect(namesItsSubject('lawsuit.filed', 'case:x')).toBe(true);
    expect(namesItsSubject('lawsuit.status_changed', 'case:x')).toBe(false);
    expect(namesItsSubject('product.announced', 'product:x')).toBe(true);
  });

  it('gives a plain name in both languages, as written', () => {
    expect(displayNamesGivenBy('T1 Widget Pro')).toEqual({ en: 'T1 Widget Pro', fr: 'T1 Widget Pro' });
  });

  it('gives a title per language in each language, the other language where one is missing, unmarked', () => {
    expect(displayNamesGivenBy({ en: 'Musk v. Altman', fr: 'Musk contre Altman' })).toEqual({
      en: 'Musk v. Altman',
      fr: 'Musk contre Altman',
    });
    expect(displayNamesGivenBy({ fr: 'Musk contre Altman' })).toEqual({ en: 'Musk contre Altman', fr: 'Musk contre Altman' });
  });

  it('gives nothing for a value that is not text, or blank: the slug names the subject', () => {
    expect(displayNamesGivenBy(undefined)).toBeNull();
    expect(displayNamesGivenBy(null)).toBeNull();
    expect(displayNamesGivenBy(42)).toBeNull();
    expect(displayNamesGivenBy('  ')).toBeNull();
    expect(displayNamesOf('case:musk-v-openai')).toEqual({ en: 'Musk v. OpenAI', fr: 'Musk v. OpenAI' });
  });

  it("headlines a case's step with the names given, and with its slug's name without them", () => {
    const step = headlineFact('lawsuit.status_changed', { subject: 'case:musk-v-openai', data: { status: 'injunction_sought' } });
    const names = { en: 'Musk v. Altman', fr: 'Musk contre Altman' };
    expect(renderHeadline(step, 'en', { names })).toBe('Musk v. Altman: injunction sought');
    expect(renderHeadline(step, 'fr', { names })).toBe(`Musk contre Altman${NBSP}: injonction demandée`);
    expect(renderHeadline(step, 'en')).toBe('Musk v. OpenAI: injunction sought');
    // An item naming the step (a retraction) names the case the same way.
    const retraction = {
      type: 'event.retracted',
      subject: 'case:musk-v-openai',
      occurredAt: null,
      modality: 'reported',
      data: { targetEventId: '00000000-0000-4000-8000-000000000001', reason: 'wrong' },
    } as HeadlineEvent;
    expect(renderHeadline(retraction, 'en', { target: step, names })).toBe('Retracted: Musk v. Altman: injunction sought');
    expect(renderHeadline(retraction, 'en', { names })).toBe('Retracted: earlier report on Musk v. Altman withdrawn (wrong)');
  });

  it("names a product's own merge by its announced name", () => {
    const merged = {
      type: 'entity.merged',
      subject: 'product:t1-widget',
      occurredAt: null,
      modality: 'reported',
      data: { into: 'product:t1-widget-pro', reason: 'same' },
    } as HeadlineEvent;
    expect(renderHeadline(merged, 'en', { names: { en: 'Widget One', fr: 'Widget One' } })).toBe(
      'Widget One is the same entity as T1 Widget Pro',
    );
  });

  it("names a merge's other side, and a product or case in another event's data, by the names its facts give", () => {
    const others = new Map([
      ['product:t1-widget-pro', { en: 'Widget Pro X', fr: 'Widget Pro X' }],
      ['case:doe-v-acme', { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' }],
    ]);
    const merged = {
      type: 'entity.merged',
      subject: 'product:t1-widget',
      occurredAt: null,
      modality: 'reported',
      data: { into: 'product:t1-widget-pro', reason: 'same' },
    } as HeadlineEvent;
    expect(renderHeadline(merged, 'en', { names: { en: 'Widget One', fr: 'Widget One' }, others })).toBe(
      'Widget One is the same entity as Widget Pro X',
    );
    const unmerged = { ...merged, type: 'entity.unmerged', subject: 'case:doe-v-acme-2', data: { from: 'case:doe-v-acme', reason: 'no' } };
    expect(renderHeadline(unmerged as HeadlineEvent, 'fr', { others })).toBe(`Doe v. Acme 2 et Doe contre Acme${NBSP}: entités distinctes`);
    // A story fact naming a product in a role (who asks an authority to intervene): its name in each language.
    const asked = headlineFact('regulatory.intervention_requested', {
      subject: 'org:acme',
      data: { by: 'product:t1-widget-pro', authority: 'authority:ftc', request: 'stop' },
    });
    expect(namedSubjectsIn(asked.data)).toEqual(['product:t1-widget-pro']);
    expect(renderHeadline(asked, 'en', { others })).toBe('Widget Pro X asks the FTC to intervene against Acme');
    expect(renderHeadline(asked, 'en')).toBe('T1 Widget Pro asks the FTC to intervene against Acme');
    // An item naming that fact (a retraction) names the product the same way.
    const retraction = {
      ...asked,
      type: 'event.retracted',
      data: { targetEventId: '00000000-0000-4000-8000-000000000002', reason: 'wrong' },
    };
    expect(renderHeadline(retraction as HeadlineEvent, 'en', { target: asked, others })).toBe(
      'Retracted: Widget Pro X asks the FTC to intervene against Acme',
    );
    // Only products and cases are named by facts; people, organizations and authorities are not looked for.
    expect(namedSubjectsIn({ investors: ['org:a', 'product:b', 'case:c', 'product:b'], leadInvestor: 'person:d' })).toEqual([
      'product:b',
      'case:c',
    ]);
  });
});
