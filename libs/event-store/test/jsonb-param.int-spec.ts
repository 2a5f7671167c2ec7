import { jsonbArrayParam, jsonbParam } from '@newsroom/event-store';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';

const story = (i: number) => ({
  id: i,
  headline: i % 2 ? 'OpenAI nomme une directrice « technique » à Paris' : 'Départ — ’soudain’ 🚀',
  sources: [{ outlet: 'Le Monde', quote: 'é'.repeat(i % 300) }],
  none: null,
});

describe('jsonb parameters in binary format, read by Postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('jsonb_param')));
  afterAll(() => db.drop());

  it('reads the same value as from the JSON text, for documents far past one piece', async () => {
    const value = Array.from({ length: 2_000 }, (_, i) => story(i));
    const { rows } = await db.pool.query(
      `SELECT $1::jsonb = $2::jsonb AS same, jsonb_array_length($1::jsonb) AS n, $1::jsonb->1999->>'headline' AS last`,
      [jsonbParam(value), JSON.stringify(value)],
    );
    expect(rows[0]).toEqual({ same: true, n: 2_000, last: value[1999].headline });
  });

  it('reads the array of JSON texts, and works in a prepared statement run again', async () => {
    const values = Array.from({ length: 300 }, (_, i) => story(i));
    for (let run = 0; run < 2; run++) {
      const { rows } = await db.pool.query({
        name: 'jsonb_param_spec',
        text: `SELECT count(*)::int AS n, bool_and(x.e = (($2::jsonb)->(x.i::int - 1))) AS same
               FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, i)`,
        values: [jsonbArrayParam(values.map((v) => JSON.stringify(v))), JSON.stringify(values)],
      });
      expect(rows[0]).toEqual({ n: 300, same: true });
    }
  });

  it('stores what the text would have stored in a jsonb column', async () => {
    await db.pool.query('CREATE TABLE docs (id int PRIMARY KEY, doc jsonb)');
    const value = [story(1), story(2)];
    await db.pool.query(`INSERT INTO docs SELECT (e->>'id')::int, e FROM jsonb_array_elements($1::jsonb) AS x(e)`, [jsonbParam(value)]);
    const { rows } = await db.pool.query('SELECT doc FROM docs ORDER BY id');
    expect(rows.map((r) => r.doc)).toEqual(value);
  });
});
