import type { StoredEvent } from '@newsroom/event-store';
import {
  decodeWireEvent,
  encodeWireValue,
  identifyMessage,
  STORE_ID_HEADER,
  toWireEvent,
  toWireMessage,
  wireEventSchema,
  wireMismatch,
} from '@newsroom/messaging';

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
  data: { organization: 'org:acme', role: 'Chief Technology Officer', reason: 'resigned' },
  sources: [{ outlet: 'Example', language: 'fr' }],
  modality: 'reported',
  metadata: { correlationId: 'c-1', causationId: null, actor: 'test' },
  contentHash: 'h',
  ...overrides,
});

describe('wire format of newsroom.events.v1', () => {
  it('encodes the envelope byte for byte as consumers have always received it (key order included)', () => {
    expect(encodeWireValue(stored())).toBe(
      '{"id":"0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11","type":"executive.departed","subject":"person:jane","occurredAt":"2024-09",' +
        '"data":{"organization":"org:acme","role":"Chief Technology Officer","reason":"resigned"},"sources":[{"outlet":"Example","language":"fr"}],' +
        '"modality":"reported","streamVersion":3,"globalPosition":"42","recordedAt":"2026-11-29T06:12:30.123Z","schemaVersion":1,' +
        '"metadata":{"correlationId":"c-1","causationId":null,"actor":"test"}}',
    );
  });

  it('keys a message by its stream and places it by headers, with the store identity when known', () => {
    const message = toWireMessage(stored(), 'store-1');
    expect(message.key).toBe('person:jane');
    expect(message.value).toBe(encodeWireValue(stored()));
    expect(message.headers).toEqual({
      'event-id': '0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11',
      'event-type': 'executive.departed',
      'global-position': '42',
      'schema-version': '1',
      'stream-version': '3',
      'correlation-id': 'c-1',
      'causation-id': '',
      [STORE_ID_HEADER]: 'store-1',
      ce_specversion: '1.0',
      ce_id: '0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11',
      ce_source: 'urn:uuid:store-1',
      ce_type: 'executive.departed',
      ce_time: '2026-11-29T06:12:30.123Z',
      ce_subject: 'person:jane',
      'content-type': 'application/json',
    });
    expect(toWireMessage(stored()).headers).not.toHaveProperty(STORE_ID_HEADER);
    // Without a store identity the source is the backbone itself.
    expect(toWireMessage(stored()).headers).toMatchObject({ ce_source: '/newsroom/events' });
  });

  it('is a CloudEvents 1.0 binary-mode message whose value fits the documented envelope schema', () => {
    expect(wireEventSchema.safeParse(JSON.parse(encodeWireValue(stored()))).error).toBeUndefined();
    expect(Object.keys(toWireEvent(stored()))).toEqual(Object.keys(wireEventSchema.shape));
  });

  it('decodes what it encodes, and refuses what is not an envelope', () => {
    const e = stored();
    expect(decodeWireEvent(Buffer.from(encodeWireValue(e)))).toEqual(toWireEvent(e));
    expect(decodeWireEvent('{"id":"x","type":"t","globalPosition":7}')).toMatchObject({ globalPosition: '7', schemaVersion: 1 });
    expect(() => decodeWireEvent('[1]')).toThrow(/not an event envelope/);
    expect(() => decodeWireEvent('{"id":"x","type":"t","globalPosition":"-1"}')).toThrow(/global position/);
    expect(() => decodeWireEvent('garbage')).toThrow();
  });

  it('places an undecodable message by its headers', () => {
    const message = toWireMessage(stored());
    expect(identifyMessage('garbage', message.headers)).toEqual({ position: '42', id: stored().eventId, type: 'executive.departed' });
  });

  it('vouches only for what the relay would publish for the record', () => {
    const e = stored();
    expect(wireMismatch(encodeWireValue(e), e)).toBeNull();
    // Same members in another order or spacing: the same event.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(toWireEvent(e)).reverse()), null, 2);
    expect(wireMismatch(Buffer.from(reordered), e)).toBeNull();
    expect(wireMismatch(encodeWireValue({ ...e, data: { ...(e.data as object), role: 'Forged' } }), e)).toBe('content-mismatch');
    expect(wireMismatch(encodeWireValue({ ...e, eventId: '11111111-2f59-4f0e-9a57-5d0e7f3b1c11' }), e)).toBe('id-mismatch');
    expect(wireMismatch('not json', e)).toBe('content-mismatch');
  });
});
