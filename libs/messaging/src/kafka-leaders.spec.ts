import { waitForPartitionLeaders } from './kafka.client';

type Metadata = { topics: { name: string; partitions: { partitionId: number; leader: number }[] }[] };
const protocolError = (type: string) => Object.assign(new Error(`broker says ${type}`), { type });
const led = (name: string, leaders: number[]): Metadata => ({
  topics: [{ name, partitions: leaders.map((leader, partitionId) => ({ partitionId, leader })) }],
});

/** An admin whose fetchTopicMetadata answers, in turn, each of `answers` (an Error is thrown), then the last one. */
function adminAnswering(answers: (Metadata | Error)[]) {
  let calls = 0;
  const admin = {
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { admin: admin as never, calls: () => calls };
}

describe('waitForPartitionLeaders: a topic just created is usable only once each partition has a leader', () => {
  it('waits out a broker that does not know the topic yet, then partitions without a leader', async () => {
    const { admin, calls } = adminAnswering([
      protocolError('UNKNOWN_TOPIC_OR_PARTITION'),
      protocolError('LEADER_NOT_AVAILABLE'),
      led('t', [1, -1, 1]),
      led('t', [1, 1, 1]),
    ]);
    await waitForPartitionLeaders(admin, [{ topic: 't', partitions: 3 }], 5_000, 1);
    expect(calls()).toBe(4);
  });

  it('counts a topic with fewer partitions than asked as not ready', async () => {
    const { admin, calls } = adminAnswering([led('t', [1]), led('t', [1, 1])]);
    await waitForPartitionLeaders(admin, [{ topic: 't', partitions: 2 }], 5_000, 1);
    expect(calls()).toBe(2);
  });

  it('waits out the settling error kafkajs wraps once its own retries run out', async () => {
    const wrapped = Object.assign(new Error('retries exceeded'), { cause: protocolError('LEADER_NOT_AVAILABLE') });
    const { admin, calls } = adminAnswering([wrapped, led('t', [1])]);
    await waitForPartitionLeaders(admin, [{ topic: 't', partitions: 1 }], 5_000, 1);
    expect(calls()).toBe(2);
  });

  it('throws any other error at once', async () => {
    const { admin, calls } = adminAnswering([protocolError('TOPIC_AUTHORIZATION_FAILED')]);
    await expect(waitForPartitionLeaders(admin, [{ topic: 't', partitions: 1 }], 5_000, 1)).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(calls()).toBe(1);
  });

  it('gives up after its bound, saying what was still missing', async () => {
    const { admin } = adminAnswering([led('t', [-1])]);
    await expect(waitForPartitionLeaders(admin, [{ topic: 't', partitions: 1 }], 30, 5)).rejects.toThrow(
      /created but not led after 30 ms \(partitions without a leader in t\)/,
    );
  });
});
