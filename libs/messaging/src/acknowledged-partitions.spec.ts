import { Partitioners, type RecordMetadata } from 'kafkajs';
import { PartitionsChosen, recordingPartitioner, UnacknowledgedSendError, unacknowledgedPartitions } from './acknowledged-partitions.util';

const partitionMetadata = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: partitionId + 1,
  partitionErrorCode: 0,
  replicas: [],
  isr: [],
}));
const ack = (partition: number, errorCode = 0): RecordMetadata => ({ topicName: 't', partition, errorCode });

/** Keys that the default partitioner puts on partitions 0, 1 and 2 of a three-partition topic. */
function keysByPartition(): Map<number, string> {
  const partitioner = Partitioners.DefaultPartitioner();
  const found = new Map<number, string>();
  for (let i = 0; found.size < 3; i++) {
    const key = `k${i}`;
    const p = partitioner({ topic: 't', partitionMetadata, message: { key, value: 'v' } });
    if (!found.has(p)) found.set(p, key);
  }
  return found;
}

describe('the acknowledgement guard of a send', () => {
  const keys = keysByPartition();
  const message = (partition: number) => ({ key: keys.get(partition)!, value: `to ${partition}` });

  it('given the recording partitioner, then it returns what the default partitioner returns and keeps it per message', () => {
    const chosen: PartitionsChosen = new WeakMap();
    const recording = recordingPartitioner(Partitioners.DefaultPartitioner, chosen)();
    const messages = [message(0), message(2), message(1)];
    const partitions = messages.map((m) => recording({ topic: 't', partitionMetadata, message: m }));
    expect(partitions).toEqual([0, 2, 1]);
    expect(messages.map((m) => chosen.get(m))).toEqual([0, 2, 1]);
  });

  it('given an answer acknowledging every partition written to, then nothing is missing', () => {
    const chosen: PartitionsChosen = new WeakMap();
    const messages = [message(0), message(1), message(1)];
    messages.forEach((m, i) => chosen.set(m, [0, 1, 1][i]));
    expect(unacknowledgedPartitions('t', messages, chosen, [ack(1), ack(0)])).toEqual([]);
  });

  it('given an answer without a partition (kafkajs skipped it on a retry), then that partition is missing', () => {
    const chosen: PartitionsChosen = new WeakMap();
    const messages = [message(0), message(1), message(2)];
    messages.forEach((m, i) => chosen.set(m, i));
    // The first attempt's answer from the broker leading 0 and 2; partition 1's leader failed and then moved to it.
    expect(unacknowledgedPartitions('t', messages, chosen, [ack(0), ack(2)])).toEqual([1]);
  });

  it('given an acknowledgement with an error code or for another topic, then it does not count', () => {
    const chosen: PartitionsChosen = new WeakMap();
    const messages = [message(0), message(1)];
    messages.forEach((m, i) => chosen.set(m, i));
    expect(unacknowledgedPartitions('t', messages, chosen, [ack(0, 6), { ...ack(1), topicName: 'other' }])).toEqual([0, 1]);
  });

  it('given a message whose partition was never chosen, then it counts as not sent (-1)', () => {
    expect(unacknowledgedPartitions('t', [message(0)], new WeakMap(), [ack(0)])).toEqual([-1]);
  });

  it('given the error, then it is retriable and names the topic, the partitions and the size of the send', () => {
    const error = new UnacknowledgedSendError('t', [1, 2], 40);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('partition(s) 1, 2 of t for a send of 40 message(s)');
  });
});
