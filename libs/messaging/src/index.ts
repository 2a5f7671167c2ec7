export * from './messaging.types';
export { KafkaClient, KafkaClientOptions } from './kafka-client';
export { ManagedConsumer, decodeHeaders } from './managed-consumer';
export * from './topics';
