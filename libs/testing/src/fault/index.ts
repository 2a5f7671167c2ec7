export * from './proc';
export * from './pg-cluster';
export * from './kafka-broker';
export * from './fault-stack';
export * from './load';
export * from './resuming-sse';
export * from './oracle';
export * from './fault-world';
