import { logLevel } from 'kafkajs';
import { kafkajsLogLevel } from './kafka.client';

// kafkajs' own table of protocol errors: the messages its connection logs come from it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => Error };
const answer = (code: number) => ({ message: 'Response Metadata(key: 3, version: 6)', error: createErrorFromCode(code).message });

describe('kafkajs log levels: a broker settling its metadata is not an error', () => {
  it.each([
    [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
    [5, 'LEADER_NOT_AVAILABLE'],
    [6, 'NOT_LEADER_FOR_PARTITION'],
    [14, 'GROUP_LOAD_IN_PROGRESS'],
    [15, 'GROUP_COORDINATOR_NOT_AVAILABLE'],
    [16, 'NOT_COORDINATOR_FOR_GROUP'],
  ])('an answer of code %d (%s), which kafkajs retries, is written at DEBUG', (code) => {
    expect(kafkajsLogLevel(logLevel.ERROR, answer(code))).toBe(logLevel.DEBUG);
  });

  it("a topic creation's errors are DEBUG: kafkajs takes TOPIC_ALREADY_EXISTS as done, and rejects on the others", () => {
    expect(kafkajsLogLevel(logLevel.ERROR, { message: 'Response CreateTopics(key: 19, version: 3)', error: 'Topic creation errors' })).toBe(
      logLevel.DEBUG,
    );
  });

  it("a consumer's crash on a settling answer is a WARN (the ManagedConsumer replaces it); on any other, an ERROR", () => {
    const crash = (code: number) => ({ message: `Crash: KafkaJSProtocolError: ${createErrorFromCode(code).message}`, groupId: 'g' });
    expect(kafkajsLogLevel(logLevel.ERROR, crash(14))).toBe(logLevel.WARN); // GROUP_LOAD_IN_PROGRESS, seen at a first start
    expect(kafkajsLogLevel(logLevel.ERROR, crash(15))).toBe(logLevel.WARN);
    expect(kafkajsLogLevel(logLevel.ERROR, crash(30))).toBe(logLevel.ERROR); // GROUP_AUTHORIZATION_FAILED
    expect(kafkajsLogLevel(logLevel.ERROR, { message: 'Crash: KafkaJSConnectionError: Connection error: connect ECONNREFUSED' })).toBe(
      logLevel.ERROR,
    );
  });

  it('other error answers, and errors that are not answers, stay ERROR', () => {
    expect(kafkajsLogLevel(logLevel.ERROR, answer(29))).toBe(logLevel.ERROR); // TOPIC_AUTHORIZATION_FAILED
    expect(kafkajsLogLevel(logLevel.ERROR, answer(10))).toBe(logLevel.ERROR); // MESSAGE_TOO_LARGE
    expect(
      kafkajsLogLevel(logLevel.ERROR, { message: 'Crash: KafkaJSNumberOfRetriesExceeded', error: createErrorFromCode(3).message }),
    ).toBe(logLevel.ERROR);
  });

  it('keeps the level of entries that are not errors', () => {
    expect(kafkajsLogLevel(logLevel.WARN, answer(3))).toBe(logLevel.WARN);
    expect(kafkajsLogLevel(logLevel.INFO, { message: 'Starting' })).toBe(logLevel.INFO);
  });
});
