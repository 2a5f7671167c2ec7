import { EventToAppend, StoredEvent } from '@newsroom/event-store';
import { chunkByBytes, eventRecordBytes, publishBudgetBytes, recordBytes, topicMaxMessageBytes } from '@newsroom/platform';
import { eventToAppend } from '@newsroom/testing';
import { toWireMessage } from '@newsroom/messaging';

/** The append as the relay later reads it back, with every server field at its widest. */
const stored = (subject: string, e: EventToAppend): StoredEvent => ({
  ...e,
  streamId: subject,
  globalPosition: '9223372036854775807',
  streamVersion: 2147483647,
  recordedAt: '2026-11-29T06:12:30.123Z',
});

describe('event size: what ingest measures bounds the record the relay publishes', () => {
  const cases: Array<[string, EventToAppend]> = [
    ['small', eventToAppend()],
    [
      'long subject and ids',
      eventToAppend({ metadata: { correlationId: 'c'.repeat(128), causationId: 'k'.repeat(128), actor: 'a'.repeat(64) } }),
    ],
    [
      'large data, multibyte text',
      eventToAppend({ data: { note: 'é€😀'.repeat(20000) }, sources: [{ outlet: 'Ünïcode', language: 'fr', quote: 'ß'.repeat(2000) }] }),
    ],
    ['null causation, no occurredAt', eventToAppend({ occurredAt: null, occurredStart: null, occurredEnd: null })],
  ];

  it.each(cases)('%s', (_name, e) => {
    const subject = `person:${'s'.repeat(90)}`;
    // What the relay sends: with the store-id header (a uuid) every message carries.
    const real = recordBytes(toWireMessage(stored(subject, e), '00000000-0000-4000-8000-000000000000'));
    const measured = eventRecordBytes({ subject, ...e }, e.metadata);
    expect(measured).toBeGreaterThanOrEqual(real);
    // ... and not wastefully: the reserve is a small, fixed amount.
    expect(measured - real).toBeLessThan(1024);
    // Counted from the JSON the writer made of data, sources and metadata (which the store then sends): the same.
    const json = { data: JSON.stringify(e.data), sources: JSON.stringify(e.sources), metadata: JSON.stringify(e.metadata) };
    expect(eventRecordBytes({ subject, ...e }, e.metadata, json)).toBe(measured);
  });

  it('keeps one event at the limit inside one produce request and one topic batch', () => {
    const max = 1024 * 1024;
    expect(publishBudgetBytes(max)).toBeGreaterThanOrEqual(max);
    expect(publishBudgetBytes(max) + 61).toBeLessThanOrEqual(topicMaxMessageBytes(max));
  });

  it('splits in order into runs within the budget, an oversized item alone', () => {
    const sizes = [400, 400, 400, 1500, 100, 100];
    const runs = chunkByBytes(sizes, 1000, (n) => n);
    expect(runs).toEqual([[400, 400], [400], [1500], [100, 100]]);
  });
});
