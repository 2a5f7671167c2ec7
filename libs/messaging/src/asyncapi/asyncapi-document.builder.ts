import { z } from 'zod';
import { submissionJsonSchema } from '@newsroom/domain';
import { EVENT_DLQ_HEADERS, EVENT_HEADERS, SUBMISSION_DLQ_HEADERS, SUBMISSION_HEADERS, topicNames } from '../topics.config';
import { DEAD_LETTER_CUT_HEADERS, ORIGINAL_HEADER_PREFIX } from '../dead-letter.util';
import { STORE_ID_HEADER } from '../wire/wire-event.mapper';
import { wireEventSchema } from '../wire/wire-event.schema';
import { CLOUDEVENTS_HEADERS, CLOUDEVENTS_SPEC_VERSION } from '../wire/cloud-events.const';

/** What the document says about the deployment it describes. */
export interface AsyncApiOptions {
  /** The topic prefix (KAFKA_TOPIC_PREFIX); none by default. */
  prefix?: string;
  /** Broker host:port, one server each (default the local broker). */
  brokers?: readonly string[];
  /** Partitions of the events and submissions topics (KAFKA_EVENTS_PARTITIONS). */
  partitions?: number;
}

type Schema = Record<string, unknown>;

/** JSON Schema draft-07 (AsyncAPI's default schema format is a superset of it) from a zod schema. */
function jsonSchema(schema: z.ZodType): Schema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Schema;
  delete json.$schema;
  return json;
}

const text = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });

/** Headers as an object schema; every header is a string on the wire. */
const headers = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: { type: 'string' },
});

const EVENT_HEADER_SCHEMAS: Record<string, Schema> = {
  [EVENT_HEADERS.eventId]: text('The event id', { format: 'uuid' }),
  [EVENT_HEADERS.type]: text('The event type'),
  [EVENT_HEADERS.globalPosition]: text('Position in the whole log (decimal)', { pattern: '^[1-9][0-9]*$' }),
  [EVENT_HEADERS.schemaVersion]: text('Schema version of the data (decimal)'),
  [EVENT_HEADERS.streamVersion]: text('Version in the stream (decimal)'),
  [EVENT_HEADERS.correlationId]: text('Correlation id of the request that recorded it ("" when none)'),
  [EVENT_HEADERS.causationId]: text('Causation id ("" when none)'),
  [EVENT_HEADERS.partitionPrevPosition]: text(
    "Position of the log's previous event on the same partition (decimal; 0: none before it). A consumer that has not seen it there is missing an event the topic lost (read it from the store); absent when the relay does not know it",
    { pattern: '^(0|[1-9][0-9]*)$' },
  ),
  [STORE_ID_HEADER]: text('Identity of the event store the event came from (a projector of another store skips it)', { format: 'uuid' }),
  [CLOUDEVENTS_HEADERS.specversion]: text('CloudEvents spec version', { const: CLOUDEVENTS_SPEC_VERSION }),
  [CLOUDEVENTS_HEADERS.id]: text('CloudEvents id: the event id', { format: 'uuid' }),
  [CLOUDEVENTS_HEADERS.source]: text('CloudEvents source: urn:uuid:<store id>, or /newsroom/events', { format: 'uri-reference' }),
  [CLOUDEVENTS_HEADERS.type]: text('CloudEvents type: the event type', { examples: ['executive.departed'] }),
  [CLOUDEVENTS_HEADERS.time]: text('CloudEvents time: when the store recorded it (RFC 3339)', { format: 'date-time' }),
  [CLOUDEVENTS_HEADERS.subject]: text('CloudEvents subject: the event subject (its stream)'),
  [CLOUDEVENTS_HEADERS.contentType]: text('Media type of the value (CloudEvents datacontenttype)', { const: 'application/json' }),
};

const dlqOriginal =
  'The original message (value, key, headers) as it came (a header of the original named like one the dead letter ' +
  `adds, or like a *-truncated one, is kept as ${ORIGINAL_HEADER_PREFIX}<name>), plus:`;

/**
 * What every dead letter (events' and submissions') may carry besides the headers its service adds: the notes of
 * what was cut to fit the topic (deadLetterOf and fitDeadLetter in dead-letter.util.ts) and, under
 * `original-<name>`, a header of the original that the dead letter's own would have overwritten.
 */
const DEAD_LETTER_COMMON: Record<string, Schema> = {
  [DEAD_LETTER_CUT_HEADERS.value]: text(
    "Present when the value was cut to fit the topic: the original value's size in bytes (the value is its first bytes; the whole one is in the source topic)",
    { pattern: '^[0-9]+$' },
  ),
  [DEAD_LETTER_CUT_HEADERS.key]: text(
    "Present when the key was cut to its first 1024 bytes to fit the topic: the original key's size in bytes",
    { pattern: '^[0-9]+$' },
  ),
  [DEAD_LETTER_CUT_HEADERS.headers]: text(
    "Present when the original's headers were all dropped to fit the topic (the headers the service adds are kept): how many and their bytes",
    { pattern: '^[0-9]+ headers, [0-9]+ bytes$', examples: ['3 headers, 1048576 bytes'] },
  ),
};

/** `original-<name>`, `original-original-<name>`...: an original header renamed so the dead letter's own does not overwrite it. */
const ORIGINAL_HEADERS: Schema = {
  [`^(${ORIGINAL_HEADER_PREFIX})+.+$`]: text(
    `A header of the original message named like one the dead letter adds (or like a *-truncated one), kept as ${ORIGINAL_HEADER_PREFIX}<name> with its value as it came (the prefix repeated while that name is taken too)`,
  ),
};

/** A dead letter's headers: its service's, the cut notes, the renamed originals, and the original's other headers. */
const deadLetterHeaders = (properties: Record<string, Schema>, required: string[]): Schema => ({
  ...headers({ ...properties, ...DEAD_LETTER_COMMON }, required),
  patternProperties: ORIGINAL_HEADERS,
});

/**
 * What the key of a submission does. Ingest reads the topic's partitions concurrently, each in order: messages under
 * one key share a partition and are recorded in the order sent; messages under different keys (or none) may be
 * recorded in any order, whatever their subject.
 */
const SUBMISSION_ORDER =
  "A subject's submissions are recorded in the order sent only when they share one key: use the subject as the key " +
  '(recommended). Messages under different keys go to different partitions, which are read concurrently, so they may ' +
  'be recorded in any order; an expectedVersion chain needs one key (and a topic that keeps its partition count).';
const SUBMISSION_KEY =
  'The subject (recommended). Any key is accepted, but only messages under one key are recorded in the order sent; ' +
  "messages under different keys (or none) may be recorded in any order, so keep a subject's submissions under one key, " +
  'as an expectedVersion chain needs.';

/**
 * The AsyncAPI 3.0 document of the backbone's Kafka side: every topic, its messages (payload schemas generated
 * from the same zod schemas the services validate with) and headers (from the same constants the services set).
 */
export function buildAsyncApiDocument(options: AsyncApiOptions = {}) {
  const topics = topicNames(options.prefix ?? '');
  const brokers = options.brokers?.length ? options.brokers : ['127.0.0.1:9092'];
  const partitions = options.partitions ?? 6;
  const key = (description: string) => ({ kafka: { key: { type: 'string', description }, bindingVersion: '0.5.0' } });
  const channel = (address: string, description: string, message: string, parts: number) => ({
    address,
    description,
    messages: { [message]: { $ref: `#/components/messages/${message}` } },
    bindings: { kafka: { partitions: parts, bindingVersion: '0.5.0' } },
  });
  const op = (action: 'send' | 'receive', channelName: string, message: string, summary: string) => ({
    action,
    summary,
    channel: { $ref: `#/channels/${channelName}` },
    messages: [{ $ref: `#/channels/${channelName}/messages/${message}` }],
  });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Newsroom event backbone: Kafka topics',
      version: '1.0.0',
      description:
        'Story events recorded in the event store are published by the relay to newsroom.events.v1 (CloudEvents binary mode: ' +
        'ce_* headers, the envelope as value); external producers submit envelopes on newsroom.submissions.v1. ' +
        'Topic names take the KAFKA_TOPIC_PREFIX of the deployment.',
    },
    defaultContentType: 'application/json',
    servers: Object.fromEntries(
      brokers.map((host, i) => [
        `broker${i + 1}`,
        { host, protocol: 'kafka', description: 'Kafka broker (SASL/SCRAM-SHA-512 when KAFKA_SASL=true)' },
      ]),
    ),
    channels: {
      events: channel(topics.events, 'Every recorded event, in order per stream (key = subject).', 'storyEvent', partitions),
      eventsDlq: channel(topics.eventsDlq, 'Events a projector gave up on.', 'eventDeadLetter', 1),
      submissions: channel(
        topics.submissions,
        'Envelopes submitted by external producers; ingest records them. ' + SUBMISSION_ORDER,
        'submission',
        partitions,
      ),
      submissionsDlq: channel(topics.submissionsDlq, 'Submissions ingest rejected, with the error in headers.', 'submissionDeadLetter', 1),
    },
    operations: {
      publishEvents: op('send', 'events', 'storyEvent', 'The relay publishes each recorded event once, in log order.'),
      consumeEvents: op('receive', 'events', 'storyEvent', 'Projectors (and any CloudEvents consumer) read the events.'),
      deadLetterEvents: op('send', 'eventsDlq', 'eventDeadLetter', 'A projector dead-letters an event it cannot apply.'),
      submit: op('send', 'submissions', 'submission', 'An external producer submits an envelope, keyed by its subject.'),
      consumeSubmissions: op('receive', 'submissions', 'submission', 'Ingest validates and records each submission.'),
      deadLetterSubmissions: op('send', 'submissionsDlq', 'submissionDeadLetter', 'Ingest dead-letters a rejected submission.'),
    },
    components: {
      schemas: {
        WireEvent: jsonSchema(wireEventSchema),
        Submission: jsonSchemaOf(submissionJsonSchema({ target: 'draft-7' })),
      },
      messages: {
        storyEvent: {
          name: 'storyEvent',
          title: 'A recorded story event',
          contentType: 'application/json',
          // The relay sets every header on every message but two: partition-prev-position (when it knows the
          // partition count) and store-id (when the store has an identity).
          headers: headers(EVENT_HEADER_SCHEMAS, [
            ...Object.values(EVENT_HEADERS).filter((h) => h !== EVENT_HEADERS.partitionPrevPosition),
            ...Object.values(CLOUDEVENTS_HEADERS),
          ]),
          payload: { $ref: '#/components/schemas/WireEvent' },
          bindings: key('The subject (stream id): a stream stays on one partition, in order'),
        },
        eventDeadLetter: {
          name: 'eventDeadLetter',
          title: 'An event a projector gave up on',
          description: dlqOriginal + ' the dlq-* headers.',
          contentType: 'application/json',
          headers: deadLetterHeaders(
            {
              ...EVENT_HEADER_SCHEMAS,
              [EVENT_DLQ_HEADERS.projection]: text('The projections that failed, comma-separated ("*" when the message could not be read)'),
              [EVENT_DLQ_HEADERS.error]: text('Why (at most 1000 characters)'),
              [EVENT_DLQ_HEADERS.sourceTopic]: text('Topic of the original'),
              [EVENT_DLQ_HEADERS.sourcePartition]: text('Partition of the original (decimal)'),
              [EVENT_DLQ_HEADERS.sourceOffset]: text('Offset of the original (decimal)'),
            },
            Object.values(EVENT_DLQ_HEADERS),
          ),
          payload: {
            description:
              'The original value as received (normally a WireEvent; anything when it could not be read; none (null) when its compressed batch could not be decompressed, dlq-error saying why).',
          },
          bindings: key('The original key'),
        },
        submission: {
          name: 'submission',
          title: 'A submitted story event',
          contentType: 'application/json',
          headers: headers({
            [SUBMISSION_HEADERS.correlationId]: text(
              'Becomes the event metadata correlationId when it matches [A-Za-z0-9._:-]{1,128} (otherwise, or without it, the event id stands in)',
            ),
            [SUBMISSION_HEADERS.causationId]: text(
              'Becomes the event metadata causationId when it matches [A-Za-z0-9._:-]{1,128} (otherwise, or without it, none)',
            ),
          }),
          payload: { $ref: '#/components/schemas/Submission' },
          bindings: key(SUBMISSION_KEY),
        },
        submissionDeadLetter: {
          name: 'submissionDeadLetter',
          title: 'A rejected submission',
          description: dlqOriginal + ' the error headers.',
          contentType: 'application/json',
          headers: deadLetterHeaders(
            {
              [SUBMISSION_DLQ_HEADERS.code]: text('Stable error code, e.g. REQUEST.INVALID'),
              [SUBMISSION_DLQ_HEADERS.message]: text('What is wrong (at most 2000 characters)'),
              [SUBMISSION_DLQ_HEADERS.status]: text('The HTTP status the same request would get (decimal)'),
              [SUBMISSION_DLQ_HEADERS.paths]: text(
                "JSON array of {path, message} field errors, bounded as an HTTP problem's are (at most 100 and 8 kB of them)",
              ),
              [SUBMISSION_DLQ_HEADERS.pathsOmitted]: text(
                'How many field errors error-paths left out (decimal); only when it left some out',
                {
                  pattern: '^[1-9][0-9]*$',
                },
              ),
              [SUBMISSION_DLQ_HEADERS.sourceTopic]: text('Topic of the original'),
              [SUBMISSION_DLQ_HEADERS.sourcePartition]: text('Partition of the original (decimal)'),
              [SUBMISSION_DLQ_HEADERS.sourceOffset]: text('Offset of the original (decimal)'),
            },
            // Every one but error-paths-omitted is set on every dead letter.
            Object.values(SUBMISSION_DLQ_HEADERS).filter((h) => h !== SUBMISSION_DLQ_HEADERS.pathsOmitted),
          ),
          payload: {
            description:
              "The original value as received (it may not be JSON); none (null) when the record's compressed batch could not be read (error-code REQUEST.UNREADABLE_BATCH: over the 64 MiB a batch may decompress to, or corrupt), its key and headers then absent too.",
          },
          bindings: key('The original key'),
        },
      },
    },
  };
}

function jsonSchemaOf(schema: Schema): Schema {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
