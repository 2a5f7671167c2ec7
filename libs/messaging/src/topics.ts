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

/** Header names carried on newsroom.events.v1 (PRODUCT.md). */
export const EVENT_HEADERS = {
  eventId: 'event-id',
  type: 'event-type',
  globalPosition: 'global-position',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  streamVersion: 'stream-version',
} as const;
