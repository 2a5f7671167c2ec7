/** Topic names of PRODUCT.md; prefixable so test runs never collide. */
export interface TopicNames {
  events: string;
  eventsDlq: string;
  submissions: string;
  submissionsDlq: string;
}

export function topicNames(prefix = ''): TopicNames {
  return {
    events: `${prefix}newsroom.events.v1`,
    eventsDlq: `${prefix}newsroom.events.dlq.v1`,
    submissions: `${prefix}newsroom.submissions.v1`,
    submissionsDlq: `${prefix}newsroom.submissions.dlq.v1`,
  };
}

/**
 * How durable the topics an app creates are: from KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS, with the
 * topic's other settings (its size limits) merged into the same config.
 */
export function topicDurability(
  config: { KAFKA_REPLICATION_FACTOR: number; KAFKA_MIN_INSYNC_REPLICAS: number },
  settings: Record<string, string> = {},
): {
  replicationFactor: number;
  config: Record<string, string>;
} {
  const minInsync = Math.min(config.KAFKA_MIN_INSYNC_REPLICAS, config.KAFKA_REPLICATION_FACTOR);
  return { replicationFactor: config.KAFKA_REPLICATION_FACTOR, config: { ...settings, 'min.insync.replicas': String(minInsync) } };
}

/** Header names carried on newsroom.events.v1 (PRODUCT.md). */
export const EVENT_HEADERS = {
  eventId: 'event-id',
  type: 'event-type',
  globalPosition: 'global-position',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  streamVersion: 'stream-version',
  /** The position of the log's previous event on the same partition ('0': none); absent when the relay does not know it. */
  partitionPrevPosition: 'partition-prev-position',
} as const;

/** Trace headers an external producer may set on newsroom.submissions.v1; they become the event's metadata. */
export const SUBMISSION_HEADERS = {
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

/** Headers ingest adds to a rejected submission on newsroom.submissions.dlq.v1 (the original's headers are kept). */
export const SUBMISSION_DLQ_HEADERS = {
  code: 'error-code',
  message: 'error-message',
  status: 'error-status',
  paths: 'error-paths',
  /** How many field errors `error-paths` left out (bounded as a problem's are); only when it left some out. */
  pathsOmitted: 'error-paths-omitted',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;

/** Headers a projector adds to an event it gave up on, on newsroom.events.dlq.v1 (the original's headers are kept). */
export const EVENT_DLQ_HEADERS = {
  projection: 'dlq-projection',
  error: 'dlq-error',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
} as const;
