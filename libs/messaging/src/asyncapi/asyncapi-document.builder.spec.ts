import { Parser } from '@asyncapi/parser';
import { EVENT_HEADERS, topicNames } from '../topics.config';
import { wireEventSchema } from '../wire/wire-event.schema';
import { buildAsyncApiDocument } from './asyncapi-document.builder';
import { CLOUDEVENTS_HEADERS } from '../wire/cloud-events.const';

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
    const doc = buildAsyncApiDocument();
    const key = doc.components.messages.submission.bindings.kafka.key.description;
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
});
