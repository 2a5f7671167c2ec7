import { jsonbArrayParam, jsonbParam } from '@newsroom/event-store';

/** What Postgres's jsonb_recv reads: the version byte, then the JSON text. */
const decoded = (b: Buffer) => {
  expect(b[0]).toBe(1);
  return b.subarray(1).toString('utf8');
};

const event = (i: number) => ({
  fact_id: `f-${i}`,
  version: 1,
  data: { role: 'Directrice technique', note: i % 3 ? 'déjà « vu »' : 'naïve — ’quoted’ 🚀', n: i, empty: {}, list: [] },
  sources: [{ outlet: 'Le Monde', url: `https://example.fr/${i}`, quote: 'x'.repeat(i % 50) }],
  gone: undefined,
  nothing: null,
});

describe('jsonbParam: a value as a jsonb parameter in binary format', () => {
  it.each([0, 1, 2, 15, 16, 17, 100, 1_000, 5_000])('holds the bytes of JSON.stringify for an array of %i elements', (n) => {
    const value = Array.from({ length: n }, (_, i) => event(i));
    expect(decoded(jsonbParam(value))).toBe(JSON.stringify(value));
  });

  it('writes elements with no JSON form as null, as JSON.stringify does in an array', () => {
    const value = Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? undefined : i % 11 === 0 ? () => 1 : { i }));
    expect(decoded(jsonbParam(value))).toBe(JSON.stringify(value));
  });

  it('keeps elements far larger than a piece whole, one piece each', () => {
    const big = { text: 'é'.repeat(300_000) };
    const value = [{ a: 1 }, big, { b: '\u2028\ud83d\ude80' }, big];
    expect(decoded(jsonbParam(value))).toBe(JSON.stringify(value));
  });

  it('takes values that are not arrays, and refuses one with no JSON form', () => {
    for (const value of [{ a: [1, 'b'] }, 'text', 3, null, true]) expect(decoded(jsonbParam(value))).toBe(JSON.stringify(value));
    expect(() => jsonbParam(undefined)).toThrow(TypeError);
  });
});

describe('jsonbArrayParam: JSON texts as one jsonb array parameter', () => {
  it.each([0, 1, 30, 1_000])('holds the bytes of the array of %i texts', (n) => {
    const values = Array.from({ length: n }, (_, i) => event(i));
    const texts = values.map((v) => JSON.stringify(v));
    expect(decoded(jsonbArrayParam(texts))).toBe(JSON.stringify(values));
  });

  it('keeps a text longer than a piece whole', () => {
    const texts = ['1', JSON.stringify('é'.repeat(100_000)), '{}', JSON.stringify('x'.repeat(40_000)), 'null'];
    expect(decoded(jsonbArrayParam(texts))).toBe(`[${texts.join(',')}]`);
  });
});
