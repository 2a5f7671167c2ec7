import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStoryRequest } from '@newsroom/domain';

// The seed story checked against the article it comes from (a copy of ../shared/data/openai-commercial-transformation.fr.txt).
const article = readFileSync(join(__dirname, 'openai-commercial-transformation.fr.txt'), 'utf8');
const seed = JSON.parse(readFileSync(join(__dirname, 'openai-commercial-transformation.story.json'), 'utf8'));

interface SeedEvent {
  id: string;
  type: string;
  subject: string;
  occurredAt: string;
  data: Record<string, unknown>;
  quote: string;
  inferred?: Array<{ path: string; note: string }>;
}
const events: SeedEvent[] = seed.events;
const byNumber = (n: string) => events.find((e) => e.id.endsWith(`0000000000${n}`))!;

/**
 * Only whitespace (any run, the article's non-breaking spaces included, becomes one space) and the apostrophe and
 * quote characters (typographic ones become ' and ") are normalised; every other character must match.
 */
const normalise = (s: string) =>
  s
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * From a reading of the article: the values of the seed story it does not state, by event number and path. Each
 * must be marked `inferred` (and nothing else is). Values the article states in other words (a translated role, a
 * paraphrased claim) and the desk's classifications (roleCategory, basis, modality) are not listed.
 */
const NOT_IN_THE_ARTICLE: ReadonlyArray<[string, string, string]> = [
  ['01', 'occurredAt', 'Murati left "a few days" before an undated stage appearance'],
  ['02', 'occurredAt', '"au cours de l\'année écoulée": relative to an undated article'],
  ['03', 'occurredAt', 'idem'],
  ['04', 'occurredAt', 'the article says neither that nor when Weil was appointed'],
  ['04', 'data.role.en', '"responsable produit" (the French role), not the title Chief Product Officer'],
  ['05', 'occurredAt', '"désormais": the story month, itself inferred'],
  ['06', 'occurredAt', 'when the target was set'],
  ['08', 'occurredAt', 'the story month, itself inferred'],
  ['08', 'data.period', '"au cours des cinq prochaines années", not 2025-2029'],
  ['09', 'occurredAt', 'the suit is not dated'],
  ['10', 'occurredAt', 'the request is not dated'],
  ['11', 'occurredAt', 'the features are not dated'],
  ['11', 'data.status', '"évolue vers" is neither announced nor launched'],
  ['12', 'occurredAt', 'the story month, itself inferred'],
  ['13', 'occurredAt', 'no announcement and no date, a transition underway'],
];

/** Every French text of the seed (`data.<path>.fr`), found by walking its data. */
function frenchValues(value: unknown, path: string): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => frenchValues(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'fr' && typeof v === 'string' ? [[path, v] as [string, string]] : frenchValues(v, `${path}.${k}`),
  );
}

/** The French values that are not the article's words verbatim, and why. */
const FRENCH_NOT_VERBATIM: Readonly<Record<string, string>> = {
  '03 data.role': 'the article\'s plural "des responsables du modèle de génération vidéo Sora" in the singular of the one event',
};

describe('the seed story against its article', () => {
  it('given the seed, when its quotes are looked up in the article (whitespace and quote marks normalised), then each is there verbatim', () => {
    const text = normalise(article);
    const missing = events.filter((e) => !text.includes(normalise(e.quote))).map((e) => e.id);
    expect(missing).toEqual([]);
  });

  it('given the seed, when its inferred fields are listed, then they are exactly the values the article does not state', () => {
    const marked = events.flatMap((e) => (e.inferred ?? []).map((i) => `${e.id.slice(-2)} ${i.path}`)).sort();
    expect(marked).toEqual(NOT_IN_THE_ARTICLE.map(([n, path]) => `${n} ${path}`).sort());
    for (const e of events) for (const i of e.inferred ?? []) expect(i.note.length).toBeGreaterThan(20);
  });

  it('given the seed, when validated, then every inferred path names a field of its event', () => {
    const result = validateStoryRequest(seed);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('given the people and parties the seed names, then each name is in the article or the subject says it is unnamed', () => {
    const people = events.flatMap((e) => [e.subject, e.data.setBy, e.data.by, ...((e.data.plaintiffs as string[]) ?? [])]);
    const named = [...new Set(people.filter((s): s is string => typeof s === 'string' && s.startsWith('person:')))];
    const unstated = named.filter((s) => {
      const slug = s.slice('person:'.length);
      if (slug.startsWith('unnamed-')) return false;
      const name = slug
        .split('-')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ');
      return !article.includes(name);
    });
    expect(unstated).toEqual([]);
  });

  it('given the values the issue names, then each is fixed or marked', () => {
    expect(byNumber('02').subject).toBe('person:unnamed-agi-readiness-head');
    expect(byNumber('03').subject).toBe('person:unnamed-sora-lead');
    expect(byNumber('06').data.setBy).toBe('person:lionetti');
    expect(byNumber('09').data.title).toBe("Elon Musk's lawsuit against OpenAI");
    expect(byNumber('11').data.status).toBe('announced');
    expect(String(byNumber('13').data.detail)).toMatch(/^Not an announcement/);
    expect(seed.story.title).toMatch(/^Article sans titre/);
  });

  it("given the seed, when its French values are looked up in the article, then each is the article's own words (or listed with why not)", () => {
    const text = normalise(article);
    const french = events.flatMap((e) => frenchValues(e.data, 'data').map(([path, fr]) => ({ key: `${e.id.slice(-2)} ${path}`, fr })));
    expect(french.length).toBeGreaterThanOrEqual(15);
    const notVerbatim = french.filter((v) => !text.includes(normalise(v.fr))).map((v) => v.key);
    expect(notVerbatim).toEqual(Object.keys(FRENCH_NOT_VERBATIM));
  });

  it('given the words the issue names, then the seed carries each in French and each is verbatim in the article', () => {
    const text = normalise(article);
    const french = events.flatMap((e) => frenchValues(e.data, 'data').map(([, fr]) => fr));
    for (const words of ['directrice technique', 'responsable produit', 'recherche en temps réel', 'voix avancée', 'cartes']) {
      expect(text).toContain(words);
      expect(french.some((fr) => fr.includes(words))).toBe(true);
    }
    expect(byNumber('01').data.role).toEqual({ en: 'Chief Technology Officer', fr: 'directrice technique' });
    expect(byNumber('04').data.role).toEqual({ en: 'Chief Product Officer', fr: 'responsable produit' });
  });
});
