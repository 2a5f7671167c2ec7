import { Logger } from '@nestjs/common';
import { FakeConsumer, fakeKafka } from './fake-kafka-consumer.fixture';
import { ManagedConsumer } from './managed.consumer';

describe('ManagedConsumer: a joined member that falls silent', () => {
  const made: FakeConsumer[] = [];
  const kafka = fakeKafka(made);
  const member = (replaceSilentAfterMs: number) =>
    new ManagedConsumer(kafka, { groupId: 'g', topics: ['t'], handler: async () => undefined, replaceSilentAfterMs });
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  beforeEach(() => {
    made.length = 0;
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => jest.useRealTimers());

  it('given no fetch, heartbeat or batch for replaceSilentAfterMs, then it is replaced by a new member, once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const consumer = member(90_000);
    await consumer.start();
    expect(consumer.state).toBe('running');
    await jest.advanceTimersByTimeAsync(15_000);
    // Silent but not for long: readiness says stalled, the member is kept (it may be rejoining).
    expect(consumer.state).toBe('stalled');
    await jest.advanceTimersByTimeAsync(70_000);
    expect(made).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(11_000);
    await flush();
    expect(made[0].disconnected).toBe(true);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^consumer stopped \(no sign of life for 9\d{4} ms\)/),
      // The new member's join, at warn after a restart: the two lines bound the outage in the log.
      'joined the group in 40 ms after 1 restart(s): t [0,1]',
    ]);
    expect(made).toHaveLength(2);
    expect(consumer.state).toBe('running');
    await consumer.stop();
    warn.mockRestore();
  });

  it('given a member that heartbeats, then it is never replaced however long it runs', async () => {
    const consumer = member(90_000);
    await consumer.start();
    for (let t = 0; t < 300_000; t += 3_000) {
      made[0].emit(made[0].events.HEARTBEAT);
      await jest.advanceTimersByTimeAsync(3_000);
    }
    expect(made).toHaveLength(1);
    expect(consumer.state).toBe('running');
    await consumer.stop();
  });

  it('given replaceSilentAfterMs 0, then a silent member is kept (readiness still says stalled)', async () => {
    const consumer = member(0);
    await consumer.start();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(made).toHaveLength(1);
    expect(consumer.state).toBe('stalled');
    await consumer.stop();
    expect(made[0].disconnected).toBe(true);
  });
});
