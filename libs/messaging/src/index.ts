export * from './messaging.types';
export { KafkaClient } from './kafka-client';
export type { KafkaClientOptions } from './kafka-client';
export { ManagedConsumer, decodeHeaders } from './managed-consumer';
export * from './topics';
