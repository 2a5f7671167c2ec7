import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { StoredEvent } from '@newsroom/event-store';
import { EVENT_DLQ_HEADERS, EVENT_HEADERS, SUBMISSION_DLQ_HEADERS, topicNames } from '../topics.config';
import { toWireMessage } from '../wire/wire-event.mapper';
import { wireEventSchema } from '../wire/wire-event.schema';
import { buildAsyncApiDocument } from './asyncapi-document.builder';
import { CLOUDEVENTS_HEADERS } from '../wire/cloud-events.const';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is plain JSON walked at any depth
type Json = Record<string, any>;

/** The document as a partner reads it (JSON), and ajv with ajv-formats as a partner validates with it. */
function partnerView() {
  const doc = JSON.parse(JSON.stringify(buildAsyncApiDocument())) as Json;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  // The messages' $refs point into the document: give ajv its components under the document's own address.
  ajv.addSchema({ components: doc.components }, 'asyncapi.json');
  const resolve = (schema: Json) => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"asyncapi.json#/components/')) as Json;
  const check = (schema: Json, value: unknown) => {
    const validate = ajv.compile(resolve(schema));
    return validate(value) ? [] : validate.errors;
  };
  return { doc, check };
}

const stored = (overrides: Partial<StoredEvent> = {}): StoredEvent => ({
  globalPosition: '42',
  eventId: '0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11',
  streamId: 'person:jane',
  streamVersion: 3,
  type: 'executive.departed',
  schemaVersion: 1,
  occurredAt: '2024-09',
  occurredStart: '2024-09-01T00:00:00.000Z',
  occurredEnd: '2024-10-01T00:00:00.000Z',
  recordedAt: '2026-11-29T06:12:30.123Z',
  data: { organization: 'org:acme', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
  sources: [{ outlet: 'Example', language: 'fr' }],
  modality: 'reported',
  metadata: { correlationId: 'c-1', causationId: null, actor: 'key:desk' },
  contentHash: 'h',
  ...overrides,
});

// Diagnostic severities of the parser (Spectral's): 0 error, 1 warning, 2 information, 3 hint.
const ERROR: number = 0;

describe('AsyncAPI document of the Kafka topics', () => {
  it('is a valid AsyncAPI 3 document: the parser reports no error', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(buildAsyncApiDocument()));
    const errors = diagnostics.filter((d) => (d.severity as number) === ERROR).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    // Other diagnostics are hints (3.0.0 is not the latest 3.x; no contact, license or tags): anything else fails.
    const warnings = diagnostics.filter((d) => (d.severity as number) !== ERROR).map((d) => `${d.code} ${d.path.join('.')}`);
    expect(
      warnings.filter(
        (w) =>
          !/^(asyncapi-(latest-version|document-resolved|info-contact|info-license|operation-description|tags)|asyncapi3-(tags|operation-description))/.test(
            w,
          ),
      ),
    ).toEqual([]);
  });

  it('describes every topic with its real name, message and headers', async () => {
    const { document } = await new Parser().parse(JSON.stringify(buildAsyncApiDocument({ prefix: 'test-' })));
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual(Object.values(topicNames('test-')).sort());
    const events = document!
      .channels()
      .all()
      .find((c) => c.address() === 'test-newsroom.events.v1')!;
    const [message] = events.messages().all();
    const headerNames = Object.keys(message.headers()!.properties() ?? {});
    expect(headerNames).toEqual(
      expect.arrayContaining([...Object.values(EVENT_HEADERS), 'store-id', ...Object.values(CLOUDEVENTS_HEADERS)]),
    );
    expect(Object.keys(message.payload()!.properties() ?? {})).toEqual(Object.keys(wireEventSchema.shape));
  });

  it('says what the key of a submission does: one key keeps order, different keys may be recorded in any order', () => {
    const { doc } = partnerView();
    const key: string = doc.components.messages.submission.bindings.kafka.key.description;
    // It said "Any; the subject keeps one stream in order", and 40 submissions of one subject under 40 keys were
    // recorded out of order: partitions are read concurrently.
    expect(key).not.toMatch(/^Any/);
    expect(key).toMatch(/^The subject \(recommended\)/);
    expect(key).toMatch(/different keys \(or none\) may be recorded in any order/);
    expect(key).toMatch(/expectedVersion/);
    expect(doc.channels.submissions.description).toMatch(/only when they share one key: use the subject as the key/);
    // The events topic's key is the subject, set by the relay: a stream stays on one partition, in order.
    expect(doc.components.messages.storyEvent.bindings.kafka.key.description).toMatch(/^The subject/);
  });

  it('lists every header of a submission dead letter, error-paths-omitted among them', () => {
    const { doc, check } = partnerView();
    const message = doc.components.messages.submissionDeadLetter;
    expect(Object.keys(message.headers.properties).sort()).toEqual(
      [...Object.values(SUBMISSION_DLQ_HEADERS), 'headers-truncated', 'key-truncated', 'value-truncated'].sort(),
    );
    expect(message.headers.properties['error-paths-omitted']).toMatchObject({ type: 'string', pattern: '^[1-9][0-9]*$' });
    expect(message.headers.required).not.toContain('error-paths-omitted');
    const deadLetter = {
      'correlation-id': 'c-1',
      'error-code': 'REQUEST.INVALID',
      'error-message': 'The submission does not match the schema.',
      'error-status': '400',
      'error-paths': JSON.stringify([{ path: 'occurredAt', message: 'required' }]),
      'error-paths-omitted': '412',
      'source-topic': 'newsroom.submissions.v1',
      'source-partition': '3',
      'source-offset': '17',
    };
    expect(check(message.headers, deadLetter)).toEqual([]);
    expect(check(message.headers, { ...deadLetter, 'error-paths-omitted': 'many' })).not.toEqual([]);
    const { 'error-status': _status, ...withoutStatus } = deadLetter;
    expect(check(message.headers, withoutStatus)).not.toEqual([]);
  });

  it('lists the dlq-* headers of an event dead letter next to the original event headers', () => {
    const { doc } = partnerView();
    const message = doc.components.messages.eventDeadLetter;
    expect(Object.keys(message.headers.properties)).toEqual(
      expect.arrayContaining([...Object.values(EVENT_HEADERS), ...Object.values(EVENT_DLQ_HEADERS), ...Object.values(CLOUDEVENTS_HEADERS)]),
    );
    expect(message.headers.required.sort()).toEqual(Object.values(EVENT_DLQ_HEADERS).sort());
  });

  it('describes the relay message as sent: every header it sets declared, the value with metadata.inferred valid', () => {
    const { doc, check } = partnerView();
    const event = stored({
      metadata: {
        correlationId: 'c-1',
        causationId: null,
        actor: 'key:desk',
        inferred: [{ path: 'occurredAt', note: 'month from other reporting' }],
      },
    });
    const message = toWireMessage(event, '8d0f5a3e-1c2b-4d5e-8f90-a1b2c3d4e5f6');
    const headers: Record<string, string> = { ...(message.headers as Record<string, string>), [EVENT_HEADERS.partitionPrevPosition]: '41' };
    const storyEvent = doc.components.messages.storyEvent;
    expect(Object.keys(headers).filter((h) => !(h in storyEvent.headers.properties))).toEqual([]);
    expect(check(storyEvent.headers, headers)).toEqual([]);
    // Every header the relay always sets is required, so a consumer may count on it.
    const { [EVENT_HEADERS.streamVersion]: _v, ...withoutVersion } = headers;
    expect(check(storyEvent.headers, withoutVersion)).not.toEqual([]);
    expect(storyEvent.headers.required).not.toContain(EVENT_HEADERS.partitionPrevPosition);
    expect(storyEvent.headers.required).not.toContain('store-id');

    const metadata = doc.components.schemas.WireEvent.properties.metadata;
    expect(metadata.properties.inferred).toMatchObject({
      type: 'array',
      maxItems: 20,
      items: { type: 'object', required: ['path', 'note'], properties: { path: { type: 'string' }, note: { type: 'string' } } },
    });
    const value = JSON.parse(String(message.value)) as Json;
    expect(check(storyEvent.payload, value)).toEqual([]);
    const badInferred = { ...value, metadata: { ...event.metadata, inferred: [{ path: 'data.role' }] } };
    expect(check(storyEvent.payload, badInferred)).not.toEqual([]);
  });

  it('holds a submission to the shapes the service accepts: a bad date, tag, url or function name fails the payload', () => {
    const { doc, check } = partnerView();
    const payload = doc.components.messages.submission.payload;
    const valid = {
      type: 'headcount.reported',
      subject: 'org:acme',
      occurredAt: '2024-10',
      data: { total: 10, byFunction: { research: 4 } },
      sources: [{ outlet: 'Example', language: 'fr', url: 'https://exemple.fr/été' }],
    };
    expect(check(payload, valid)).toEqual([]);
    expect(doc.components.schemas.Submission.description).toMatch(/necessary, not sufficient/);
    for (const invalid of [
      { ...valid, occurredAt: '2024-13' },
      { ...valid, sources: [{ outlet: 'Example', language: 'not a tag!' }] },
      { ...valid, sources: [{ outlet: 'Example', language: 'fr', url: 'javascript:alert(1)' }] },
      { ...valid, data: { total: 10, byFunction: { Total: 4 } } },
    ])
      expect(check(payload, invalid)).not.toEqual([]);
  });
});
