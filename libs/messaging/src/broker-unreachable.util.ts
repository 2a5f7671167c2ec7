/**
 * kafkajs's lines about a broker it cannot reach (connection refused, timed out), each retried by kafkajs itself; a
 * consumer's crash for that reason too, whatever kafkajs wrapped the connection error in (a consumer that found no
 * broker for its group crashes with `KafkaJSNonRetriableError: Connection error: ...`), since it restarts by itself.
 */
const UNREACHABLE =
  /^(Connection error: |Connection timeout|Failed to connect to seed broker|Failed to connect to broker, reconnecting|Crash: KafkaJS\w+: (Connection error: |Connection timeout|Failed to connect))/;

/**
 * While the broker is down, kafkajs writes two ERROR lines, with a stack, at every retry of every producer, consumer
 * and admin: about 390 in a minute of `npm start` output (t29), and no line said what was wrong or what to do. This
 * keeps one line every `everyMs` (the first at once), at WARN, saying the broker is unreachable, how many such lines
 * it kept at debug since the last, and what to check; the others go to debug. A line about anything else is not
 * this notice's (undefined).
 */
export class BrokerUnreachableNotice {
  private lastAt = -Infinity;
  private held = 0;

  constructor(
    private readonly brokers: readonly string[],
    private readonly everyMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The WARN line for this kafkajs message, null to write it at debug, undefined when it is not about reaching a broker. */
  take(message: string): string | null | undefined {
    if (!UNREACHABLE.test(message)) return undefined;
    const at = this.now();
    if (at - this.lastAt < this.everyMs) {
      this.held += 1;
      return null;
    }
    const held = this.held;
    this.lastAt = at;
    this.held = 0;
    const since = held ? `; ${held} more such line(s) since the last notice, at debug` : '';
    return (
      `Kafka unreachable at ${this.brokers.join(',')} (${message}): the services retry by themselves, and writes are ` +
      `kept in Postgres and published once it is back${since}. Is the broker running? (\`npm run kafka -- start\` starts ` +
      `the development one; otherwise check KAFKA_BROKERS)`
    );
  }
}
