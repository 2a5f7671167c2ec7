export * from './proc.util';
export * from './pg-cluster.harness';
export * from './kafka-broker.harness';
export * from './fault-stack.harness';
export * from './load.harness';
export * from './resuming-sse.client';
export * from './oracle.util';
export * from './fault-world.harness';
