/**
 * CloudEvents 1.0 in Kafka binary content mode (the Kafka protocol binding, section 3.2): the event's attributes as
 * `ce_`-prefixed headers, the data as the message value, its media type as `content-type`. Off-the-shelf consumers
 * (Knative, Dapr, the CloudEvents SDKs) read these without knowing our envelope.
 */
export const CLOUDEVENTS_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** `ce_source` of the events: the event store they were recorded in (its identity), else the backbone itself. */
export const cloudEventsSource = (storeId: string | null): string => (storeId ? `urn:uuid:${storeId}` : '/newsroom/events');
