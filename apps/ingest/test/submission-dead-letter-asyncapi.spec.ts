import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildAsyncApiDocument, IncomingMessage } from '@newsroom/messaging';
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
});
