import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';

/** A stand-in for a kafkajs consumer (ManagedConsumer's unit tests): joins when run, then says nothing unless the test makes it. */
export class FakeConsumer extends EventEmitter {
  readonly events = {
    CONNECT: 'connect',
    DISCONNECT: 'disconnect',
    GROUP_JOIN: 'group_join',
    FETCH: 'fetch',
    HEARTBEAT: 'heartbeat',
    END_BATCH_PROCESS: 'end_batch_process',
    CRASH: 'crash',
    STOP: 'stop',
  };
  disconnected = false;
  async connect(): Promise<void> {
    this.emit(this.events.CONNECT);
  }
  async subscribe(): Promise<void> {}
  async run(): Promise<void> {
    this.emit(this.events.GROUP_JOIN, { payload: { duration: 40, memberAssignment: { t: [0, 1] } } });
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
    this.emit(this.events.DISCONNECT);
  }
}

/** A kafkajs client whose consumers are FakeConsumers, each kept in `made` in the order made. */
export function fakeKafka(made: FakeConsumer[]): Kafka {
  return {
    consumer: () => {
      const c = new FakeConsumer();
      made.push(c);
      return c;
    },
  } as unknown as Kafka;
}
