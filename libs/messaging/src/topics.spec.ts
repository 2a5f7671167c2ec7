import { loadConfig, commonEnvSchema } from '@newsroom/platform';
import { topicDurability } from './topics.config';

describe('topicDurability', () => {
  it('defaults to one replica and min.insync.replicas 1 (a single broker)', () => {
    expect(topicDurability(loadConfig(commonEnvSchema, {}))).toEqual({ replicationFactor: 1, config: { 'min.insync.replicas': '1' } });
  });

  it('takes KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS (3 and 2 on a three-broker cluster)', () => {
    const config = loadConfig(commonEnvSchema, { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(topicDurability(config)).toEqual({ replicationFactor: 3, config: { 'min.insync.replicas': '2' } });
  });

  it('never asks for more in-sync replicas than there are replicas (the broker would refuse every write)', () => {
    const config = loadConfig(commonEnvSchema, { KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(topicDurability(config).config['min.insync.replicas']).toBe('1');
  });
});
