import { departedEnvelope, headcountEnvelope } from '@newsroom/testing';
import { IncomingMessage } from '@newsroom/messaging';
import { parseSubmissionMessage, submissionIdFor } from './submission.message';

const message = (value: unknown, headers: Record<string, string> = {}, offset = '7'): IncomingMessage => ({
  topic: 'newsroom.submissions.v1',
  partition: 2,
  offset,
  key: 'k',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers,
});

describe('a Kafka submission message', () => {
  it('given a valid envelope with trace headers, when parsed, then they become its metadata with a kafka actor', () => {
    const envelope = departedEnvelope();
    const parsed = parseSubmissionMessage(message(envelope, { 'correlation-id': 'corr-1', 'causation-id': 'cause-1' }));
    expect(parsed).toMatchObject({
      ok: true,
      submission: { id: envelope.id, subject: envelope.subject },
      meta: { correlationId: 'corr-1', causationId: 'cause-1', actor: 'kafka:newsroom.submissions.v1' },
    });
  });

  it('given an envelope without id, when parsed twice from the same offset, then it gets the same id both times', () => {
    const { id: _id, ...envelope } = departedEnvelope();
    const first = parseSubmissionMessage(message(envelope));
    const again = parseSubmissionMessage(message(envelope));
    const elsewhere = parseSubmissionMessage(message(envelope, {}, '8'));
    if (!first.ok || !again.ok || !elsewhere.ok) throw new Error('expected valid');
    expect(first.submission.id).toBe(again.submission.id);
    expect(first.submission.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(elsewhere.submission.id).not.toBe(first.submission.id);
    expect(first.meta.correlationId).toBe(first.submission.id);
  });

  it('given the same position, when the id is derived, then it is a stable UUIDv5', () => {
    expect(submissionIdFor({ topic: 't', partition: 0, offset: '0' })).toBe(submissionIdFor({ topic: 't', partition: 0, offset: '0' }));
  });

  it('given a name twice in one object, when parsed, then it is rejected with the path, as over HTTP', () => {
    const twice = JSON.stringify(departedEnvelope()).replace('"data":{', '"data":{"reason":"fired",');
    expect(parseSubmissionMessage(message(twice))).toMatchObject({
      ok: false,
      rejection: {
        status: 400,
        code: 'REQUEST.MALFORMED_JSON',
        errors: [{ path: 'data.reason', message: expect.stringContaining('given twice') }],
      },
    });
  });

  it('given a number more precise than a double carries, when parsed, then it is refused with its path as invalid, and named for the retry look-up', () => {
    const envelope = headcountEnvelope(1);
    const parsed = parseSubmissionMessage(message(JSON.stringify(envelope).replace('"total":1', '"total":4.0000000000000001')));
    expect(parsed).toMatchObject({
      ok: false,
      rejection: {
        status: 400,
        code: 'REQUEST.INVALID',
        errors: [{ path: 'data.total', message: expect.stringContaining('would be read as 4') }],
      },
      replayOf: { eventId: envelope.id },
    });
  });

  it('given a value that is not JSON, when parsed, then it is rejected as malformed JSON with status 400', () => {
    expect(parseSubmissionMessage(message('{"type":'))).toMatchObject({
      ok: false,
      rejection: { status: 400, code: 'REQUEST.MALFORMED_JSON' },
    });
  });

  // Found by tests/e2e/fuzz-kafka: the bytes were decoded with U+FFFD in place of the bad ones and recorded.
  it('given a value with bytes that are not UTF-8 inside a text field, when parsed, then it is rejected as malformed', () => {
    const [before, after] = JSON.stringify(
      departedEnvelope({ data: { organization: 'org:openai', role: 'ROLE', roleCategory: 'c-suite', reason: 'resigned' } }),
    ).split('ROLE');
    const bytes = { ...message({}), value: Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]) };
    expect(parseSubmissionMessage(bytes)).toMatchObject({
      ok: false,
      rejection: { status: 400, code: 'REQUEST.MALFORMED_JSON', message: 'message value is not valid UTF-8' },
    });
    // Valid multi-byte UTF-8 is fine.
    const ok = {
      ...message({}),
      value: Buffer.from(
        JSON.stringify(
          departedEnvelope({
            data: { organization: 'org:openai', role: 'Directrice générale 🚀', roleCategory: 'c-suite', reason: 'resigned' },
          }),
        ),
      ),
    };
    expect(parseSubmissionMessage(ok)).toMatchObject({ ok: true, submission: { data: { role: 'Directrice générale 🚀' } } });
  });

  it('given an envelope with a float amount, when parsed, then it is rejected with the field path', () => {
    const bad = {
      ...departedEnvelope(),
      type: 'revenue.reported',
      subject: 'org:openai',
      data: { money: { amount: 1.5, currency: 'USD' }, period: '2024', basis: 'actual' },
    };
    const parsed = parseSubmissionMessage(message(bad));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.rejection.code).toBe('REQUEST.INVALID');
    expect(parsed.rejection.errors!.map((e) => e.path)).toContain('data.money.amount');
  });

  it('given a trace header with forbidden characters, when parsed, then it is not trusted', () => {
    const parsed = parseSubmissionMessage(message(departedEnvelope(), { 'correlation-id': 'bad id\n', 'causation-id': 'x'.repeat(200) }));
    if (!parsed.ok) throw new Error('expected valid');
    expect(parsed.meta.causationId).toBeNull();
    expect(parsed.meta.correlationId).toBe(parsed.submission.id);
  });

  // Found by a partner's integration test: the reasons did not say what was wrong.
  it('given a batch {"events": [...]}, when parsed, then the refusal says Kafka takes one envelope per message', () => {
    expect(parseSubmissionMessage(message({ events: [departedEnvelope(), departedEnvelope()] }))).toMatchObject({
      ok: false,
      rejection: {
        status: 400,
        code: 'REQUEST.INVALID',
        message: expect.stringMatching(/^Kafka takes one envelope per message/),
        errors: [{ path: 'events' }],
      },
    });
  });

  it('given a tombstone (null value), when parsed, then the refusal says a null value is not a submission', () => {
    const tombstone = { ...message('x'), value: Buffer.alloc(0), raw: { key: Buffer.from('k'), value: null, headers: {} } };
    expect(parseSubmissionMessage(tombstone)).toMatchObject({
      ok: false,
      rejection: { code: 'REQUEST.MALFORMED_JSON', message: expect.stringMatching(/^a null value \(tombstone\) is not a submission/) },
    });
  });

  it('given an envelope after a UTF-8 BOM (EF BB BF), when parsed, then it is accepted as over HTTP', () => {
    const envelope = departedEnvelope();
    const bom = { ...message({}), value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(envelope))]) };
    expect(parseSubmissionMessage(bom)).toMatchObject({ ok: true, submission: { id: envelope.id } });
  });
});
