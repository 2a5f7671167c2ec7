export * from './messaging.types';
export { KafkaClient, kafkaSasl } from './kafka.client';
export type { KafkaClientOptions, KafkaSasl } from './kafka.client';
export { ManagedConsumer, decodeHeaders } from './managed.consumer';
export { deadLetterOf } from './dead-letter.util';
export * from './topics.config';
export { partitionOfKey, partitionPrevPosition, PartitionChain } from './partitioning.util';
export {
  STORE_ID_HEADER,
  toWireEvent,
  encodeWireValue,
  toWireMessage,
  encodeWireMessage,
  type EncodedWireMessage,
  decodeWireEvent,
  identifyMessage,
  headerPosition,
  wireMismatch,
  type WireEvent,
  type EventIdentity,
  type WireMismatch,
} from './wire/wire-event.mapper';
export { buildAsyncApiDocument, type AsyncApiOptions } from './asyncapi/asyncapi-document.builder';
export { CLOUDEVENTS_HEADERS, CLOUDEVENTS_SPEC_VERSION, cloudEventsSource } from './wire/cloud-events.const';
export { wireEventSchema } from './wire/wire-event.schema';
