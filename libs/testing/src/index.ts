export * from './test-database';
export * from './poll-until';
export * from './kafka';
export * from './sse-client';
export * from './fixtures';
export * from './stack-processes';
export * from './browser';
export * from './fault';
