import { commonEnvSchema, loadConfig } from '@newsroom/platform';
import { kafkaSasl } from './kafka.client';

describe("kafkaSasl: a service's Kafka login from its settings", () => {
  it('is none by default (a broker without SASL)', () => {
    expect(kafkaSasl(loadConfig(commonEnvSchema, {}))).toBeUndefined();
  });

  it('takes KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD', () => {
    const config = loadConfig(commonEnvSchema, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'relay',
      KAFKA_SASL_PASSWORD: 'a-relay-password',
    });
    expect(kafkaSasl(config)).toEqual({ mechanism: 'scram-sha-512', username: 'relay', password: 'a-relay-password' });
  });

  it('refuses a mechanism without a user or a password rather than connect anonymously', () => {
    expect(() => kafkaSasl(loadConfig(commonEnvSchema, { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'relay' }))).toThrow(
      /KAFKA_SASL_PASSWORD/,
    );
    expect(() => kafkaSasl(loadConfig(commonEnvSchema, { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'x' }))).toThrow(
      /KAFKA_SASL_USERNAME/,
    );
    expect(() => loadConfig(commonEnvSchema, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow();
  });
});
