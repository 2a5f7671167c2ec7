import { Consumer, Kafka } from 'kafkajs';
import { KafkaClient } from '@newsroom/messaging';
import { pollUntil, TEST_KAFKA_BROKERS, testKafka, testTopics } from '@newsroom/testing';

/**
 * kafkajs 2.2.4 with autoCommit on commits offsets after every batch, whatever autoCommitInterval says: a round trip
 * to the broker between each batch and the next fetch. A managed member commits at most once a second, and what it
 * handled since when it stops, so the next member starts after it.
 */
describe('ManagedConsumer: offsets committed at most once a second, and on stop', () => {
  const { topics } = testTopics('consumer-commits');
  const topic = topics.events;
  const groupId = `${topic}.group`;
  let kafka: KafkaClient;
  const admin = new Kafka({ clientId: 'consumer-commits-admin', brokers: TEST_KAFKA_BROKERS, logLevel: 0 }).admin();

  beforeAll(async () => {
    kafka = testKafka('consumer-commits');
    await kafka.ensureTopics([{ topic, partitions: 1 }]);
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await kafka.deleteTopics([topic]).catch(() => undefined);
    await kafka.close();
  });

  const committed = async (): Promise<string> => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry.partitions[0].offset;
  };

  it('handles a batch at a time and commits at most once a second, then commits the last one when stopped', async () => {
    const handled: string[] = [];
    const member = kafka.consumer({
      groupId,
      topics: [topic],
      handler: async (batch) => void handled.push(...batch.messages.map((m) => m.offset)),
    });
    await member.start();
    await pollUntil(async () => member.state === 'running', { what: 'the member to join' });
    const commits: number[] = [];
    const inner = (member as unknown as { consumer: Consumer }).consumer;
    inner.on(inner.events.COMMIT_OFFSETS, () => void commits.push(Date.now()));

    // One message every 60 ms for about 2.4 s: each comes alone in a batch of its own.
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      await kafka.publish(topic, [{ key: 'k', value: `m${i}` }]);
      await new Promise((r) => setTimeout(r, 60));
    }
    await pollUntil(async () => handled.length === 40, { what: 'every message handled' });
    const seconds = (Date.now() - started) / 1000;
    // kafkajs' autoCommit would have committed after each of the (about 40) batches.
    expect(commits.length).toBeGreaterThanOrEqual(1);
    expect(commits.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    for (let i = 1; i < commits.length; i++) expect(commits[i] - commits[i - 1]).toBeGreaterThanOrEqual(900);

    // The last messages came after the last commit: stop() commits them, so a new member starts after them.
    await member.stop();
    expect(await committed()).toBe('40');
    const again: string[] = [];
    const next = kafka.consumer({ groupId, topics: [topic], handler: async (b) => void again.push(...b.messages.map((m) => m.offset)) });
    await next.start();
    try {
      await pollUntil(async () => next.state === 'running', { what: 'the next member to join' });
      await kafka.publish(topic, [{ key: 'k', value: 'after' }]);
      await pollUntil(async () => again.length > 0, { what: 'the next member to handle the new message' });
      expect(again).toEqual(['40']);
    } finally {
      await next.stop();
    }
  });
});
