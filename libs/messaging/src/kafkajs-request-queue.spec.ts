import { kafkaIdleLoopPatch, PATCHED_KAFKAJS_VERSION, patchKafkajsIdleLoop, requireFromKafkajs as req } from './kafkajs-request-queue.util';
import { KafkaClient } from './kafka.client';

/** kafkajs' own RequestQueue, the class every broker connection holds (what the patch changes). */
const RequestQueue = req('./src/network/requestQueue/index.js') as new (options: object) => {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: { entry: { correlationId: number }; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
};

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const queue = (maxInFlightRequests: number | null = null) =>
  new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'b:9092',
    logger: silent,
  });
const request = (correlationId: number, sent: number[]) => ({
  entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => undefined, reject: () => undefined },
  expectResponse: true,
  sendRequest: () => sent.push(correlationId),
});

describe('kafkajs RequestQueue: no 1 ms timer loop on an idle connection (tulios/kafkajs#1556)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is patched on the kafkajs this repository pins, once, by importing the messaging library', () => {
    expect(KafkaClient).toBeDefined();
    // Another kafkajs version fails here: look at its RequestQueue again before moving the pin.
    expect(req('./package.json').version).toBe(PATCHED_KAFKAJS_VERSION);
    expect(kafkaIdleLoopPatch).toBe('patched');
    expect(patchKafkajsIdleLoop()).toBe('already patched');
  });

  it('schedules nothing once a connection has nothing pending (kafkajs 2.2.4 rescheduled itself every millisecond)', () => {
    const q = queue();
    const sent: number[] = [];
    const checks = jest.spyOn(q, 'checkPendingRequests');
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
    jest.advanceTimersByTime(1000);
    // The one check is the answer's own; unpatched, a second of idleness made about a thousand more.
    expect(checks).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('still sends a request held back by a broker throttle when the throttle ends', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(30);
    q.push(request(7, sent));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(29);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(15);
    expect(sent).toEqual([7]);
    q.fulfillRequest({ correlationId: 7, payload: null, size: 0 });
    jest.advanceTimersByTime(1000);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('still sends requests queued behind the in-flight limit, as answers come back', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    q.push(request(3, sent));
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    q.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
    q.fulfillRequest({ correlationId: 3, payload: null, size: 0 });
    expect(sent).toEqual([1, 2, 3]);
    jest.advanceTimersByTime(1000);
    expect(q.pending).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });
});
