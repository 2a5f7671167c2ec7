export * from './messaging.types';
export { KafkaClient, kafkaSasl } from './kafka-client';
export type { KafkaClientOptions, KafkaSasl } from './kafka-client';
export { ManagedConsumer, decodeHeaders } from './managed-consumer';
export * from './topics';
