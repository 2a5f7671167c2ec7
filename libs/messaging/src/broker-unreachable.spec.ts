import { BrokerUnreachableNotice } from './broker-unreachable.util';

describe('BrokerUnreachableNotice: one line every 30 s while the broker is down, not two ERROR lines per retry (t29)', () => {
  const refused = 'Connection error: connect ECONNREFUSED 127.0.0.1:39092';
  const seed = `Failed to connect to seed broker, trying another broker from the list: ${refused}`;

  it('given a broker that refuses, then the first line is a notice naming the broker and what to do, the next ones in the window debug, and the next notice counts them', () => {
    let now = 1_000;
    const notice = new BrokerUnreachableNotice(['127.0.0.1:39092'], 30_000, () => now);
    const first = notice.take(refused);
    expect(first).toContain('Kafka unreachable at 127.0.0.1:39092 (Connection error: connect ECONNREFUSED 127.0.0.1:39092)');
    expect(first).toContain('`npm run kafka -- start`');
    expect(first).toContain('KAFKA_BROKERS');
    expect(first).not.toContain('since the last notice');
    for (let i = 0; i < 40; i++) {
      now += 500;
      expect(notice.take(i % 2 ? seed : refused)).toBeNull();
    }
    now += 10_000;
    expect(notice.take('Connection timeout')).toContain('40 more such line(s) since the last notice, at debug');
    expect(notice.take(refused)).toBeNull();
  });

  it('given any other kafkajs line, then it is not the notice’s (undefined): its own level stands', () => {
    const notice = new BrokerUnreachableNotice(['b:9092']);
    expect(notice.take('Response Metadata(key: 3, version: 6)')).toBeUndefined();
    expect(notice.take('Crash: KafkaJSProtocolError: The group coordinator is not available')).toBeUndefined();
    expect(notice.take('Crash: KafkaJSConnectionError: Connection error: connect ECONNREFUSED b:9092')).toContain(
      'Kafka unreachable at b:9092',
    );
  });

  it('given a consumer crash whose cause is a connection error wrapped as non-retriable or retries exceeded, then it is the notice too (one ERROR a restart before)', () => {
    let now = 0;
    const notice = new BrokerUnreachableNotice(['b:9092'], 30_000, () => now);
    expect(notice.take('Crash: KafkaJSNonRetriableError: Connection error: connect ECONNREFUSED b:9092')).toContain(
      'Kafka unreachable at b:9092',
    );
    now += 1_000;
    expect(notice.take('Crash: KafkaJSNumberOfRetriesExceeded: Connection timeout')).toBeNull();
    expect(notice.take('Crash: KafkaJSNonRetriableError: Failed to connect: broker at b:9092 is not available')).toBeNull();
    expect(notice.take('Crash: KafkaJSNonRetriableError: Topic authorization failed')).toBeUndefined();
  });
});
