import { Logger } from '@nestjs/common';
import { FakeConsumer, fakeKafka } from './fake-kafka-consumer.fixture';
import { ManagedConsumer } from './managed.consumer';

/**
 * A consumer that joins and then fails every fetch (a record batch it cannot read) was replaced every 500 ms for
 * good: the backoff started again at each join. It now grows until the member handles a batch or stays joined 30 s.
 */
describe('ManagedConsumer: restarts of a member that joins and crashes', () => {
  const made: FakeConsumer[] = [];
  const kafka = fakeKafka(made);
  const crashLatest = () => made[made.length - 1].emit('crash', { payload: { error: new Error('cannot decompress a LZ4 record batch') } });
  const delays = (warn: jest.SpyInstance) =>
    warn.mock.calls
      .map((c) => /starting a new one in (\d+) ms/.exec(String(c[0]))?.[1])
      .filter((d): d is string => d !== undefined)
      .map(Number);

  beforeEach(() => {
    made.length = 0;
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => jest.useRealTimers());

  it('given a crash right after each join, then the delays double to 10 s; after 30 s joined, a crash starts again from 0.5 s', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const consumer = new ManagedConsumer(kafka, { groupId: 'g', topics: ['t'], handler: async () => undefined, replaceSilentAfterMs: 0 });
    await consumer.start();
    for (let i = 0; i < 7; i++) {
      crashLatest();
      expect(consumer.state).toBe('restarting');
      expect(consumer.lastError).toBe('cannot decompress a LZ4 record batch');
      await jest.advanceTimersByTimeAsync(10_000);
    }
    expect(delays(warn)).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    await jest.advanceTimersByTimeAsync(31_000);
    crashLatest();
    expect(delays(warn).at(-1)).toBe(500);
    await consumer.stop();
    warn.mockRestore();
  });
});
