import { randomBytes } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildAsyncApiDocument, IncomingMessage } from '@newsroom/messaging';
import { fitDeadLetter } from '../../../libs/messaging/src/dead-letter.util';
import { toDeadLetter } from '../src/submissions/consume-submissions/dead-letter.message';

// The dead letters ingest writes, held to the AsyncAPI document's submissionDeadLetter as a partner validates it
// (ajv with ajv-formats on the served JSON): every header ingest adds must be declared there, not left to
// "additionalProperties".
describe('submission dead letters against the AsyncAPI document', () => {
  const doc = JSON.parse(JSON.stringify(buildAsyncApiDocument())) as {
    components: { messages: { submissionDeadLetter: { headers: { properties: Record<string, unknown> } & object } } };
  };
  const schema = doc.components.messages.submissionDeadLetter.headers;
  const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(schema);
  const original: IncomingMessage = {
    topic: 'newsroom.submissions.v1',
    partition: 2,
    offset: '17',
    key: 'org:acme',
    value: Buffer.from('{}'),
    headers: { 'correlation-id': 'c-1' },
  };

  it.each([
    ['a few field errors', 3],
    ['more field errors than a dead letter lists (error-paths-omitted)', 250],
  ])('given %s, when dead-lettered, then every header is declared and the headers validate', (_, count) => {
    const errors = Array.from({ length: count }, (_, i) => ({ path: `data.f${i}`, message: 'unknown field' }));
    const { headers } = toDeadLetter(original, { status: 400, code: 'REQUEST.INVALID', message: 'The submission does not match', errors });
    // On the wire every header is bytes (the original ones as they came, repeated ones once a value): as a partner's
    // client reads them, as UTF-8 text, one value a header here.
    const text = (v: string | Buffer) => (typeof v === 'string' ? v : v.toString('utf8'));
    const read = Object.fromEntries(Object.entries(headers!).map(([name, v]) => [name, Array.isArray(v) ? text(v[0]) : text(v)]));
    const added = Object.keys(read).filter((h) => !(h in original.headers));
    expect(added.filter((h) => !(h in schema.properties))).toEqual([]);
    expect(validate(read) ? [] : validate.errors).toEqual([]);
    if (count > 100) expect(read).toHaveProperty('error-paths-omitted');
  });

  it("given an original with headers named like the dead letter's own and one cut to fit, then original-* and *-truncated are declared and validate", () => {
    const clashing: IncomingMessage = {
      ...original,
      headers: { 'error-code': 'mine', 'value-truncated': 'mine too', 'correlation-id': 'c-1' },
    };
    const letter = toDeadLetter(clashing, { status: 400, code: 'REQUEST.INVALID', message: 'The submission does not match' });
    // A budget the incompressible value does not fit: it is cut, and the cut said in value-truncated.
    letter.value = randomBytes(300_000);
    const { message } = fitDeadLetter(letter, 100_000);
    const read = Object.fromEntries(
      Object.entries(message.headers!).map(([name, v]) => [name, String(Array.isArray(v) ? v[0] : v)]),
    ) as Record<string, string>;
    expect(read).toMatchObject({ 'original-error-code': 'mine', 'original-value-truncated': 'mine too', 'value-truncated': '300000' });
    const declared = (h: string) => h in schema.properties || /^(original-)+.+$/.test(h);
    expect(Object.keys(read).filter((h) => !(h in clashing.headers) && !declared(h))).toEqual([]);
    expect(validate(read) ? [] : validate.errors).toEqual([]);
    // A renamed header is declared by the document's pattern, not only let through: its schema names it.
    expect(Object.keys((schema as { patternProperties?: object }).patternProperties ?? {})).toEqual(['^(original-)+.+$']);
  });
});
