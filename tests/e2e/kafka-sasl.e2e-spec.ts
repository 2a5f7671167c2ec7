import { KafkaClient, topicNames } from '@newsroom/messaging';
import {
  createTestDatabase,
  departedEnvelope,
  KafkaBroker,
  pollUntil,
  RunningApp,
  startApp,
  TestDatabase,
  testApiKey,
  testTopics,
} from '@newsroom/testing';
import { post } from './stack.harness';

/**
 * Issue 11, point 3: a broker anyone can reach lets anyone write submissions with no key or forge the events
 * topic. With KAFKA_SASL=true (infra/kafka/kafka.sh) clients must log in (SCRAM-SHA-512) and each user may do only
 * what its ACLs allow: `producer` writes submissions and nothing else, only `relay` writes the events topic. The
 * apps run against that broker with their own users.
 */
jest.setTimeout(240_000);

describe('Kafka with SASL users and ACLs (issue 11)', () => {
  const { prefix } = testTopics('sasl');
  const topics = topicNames(prefix);
  const groups = { projector: `projector-${prefix}`, ingest: `submissions-${prefix}` };
  let broker: KafkaBroker;
  let db: TestDatabase;
  const apps: RunningApp[] = [];
  const clients: KafkaClient[] = [];
  let ingestUrl = '';
  let queryUrl = '';
  const key = testApiKey();

  const client = (user?: string, password?: string) => {
    const c = new KafkaClient({
      clientId: `sasl-test-${user ?? 'anonymous'}`,
      brokers: broker.brokers,
      connectionTimeoutMs: 3000,
      ...(user ? { sasl: { mechanism: 'scram-sha-512' as const, username: user, password: password ?? broker.password(user) } } : {}),
    });
    clients.push(c);
    return c;
  };
  /** null when it worked, else what went wrong (with the broker's error codes of an aggregate error). */
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: Error & { type?: string; errors?: Array<{ type?: string }> }) =>
        `${e.type ?? ''} ${e.name} ${e.message} ${(e.errors ?? []).map((x) => x.type).join(' ')}`,
    );

  beforeAll(async () => {
    [broker, db] = await Promise.all([
      KafkaBroker.start('sasl', {
        KAFKA_SASL: 'true',
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_PROJECTOR_GROUP: groups.projector,
        KAFKA_INGEST_GROUP: groups.ingest,
      }),
      createTestDatabase('sasl'),
    ]);
    const env = (user: string) => ({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD: broker.password(user),
      NEWSROOM_API_KEYS: `${key}:write`,
      PROJECTOR_GROUP_ID: groups.projector,
      INGEST_SUBMISSIONS_GROUP_ID: groups.ingest,
      RELAY_IDLE_WAIT_MS: '200',
      FEED_POLL_MS: '200',
    });
    // The relay creates the events topics, so it goes first.
    apps.push(await startApp('relay', env('relay')));
    const started = await Promise.all([
      startApp('ingest', env('ingest')),
      startApp('projector', env('projector')),
      startApp('query', env('query')),
    ]);
    apps.push(...started);
    ingestUrl = started[0].url;
    queryUrl = started[2].url;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(apps.map((a) => a.stop()));
    await broker?.destroy();
    await db?.drop();
  });

  it('refuses a client that does not log in, or logs in with a wrong password', async () => {
    expect(await failure(client().ping())).not.toBeNull();
    expect(await failure(client('producer', 'not-the-password-at-all').ping())).toMatch(/SASL|[Aa]uthentication/);
  });

  it('lets the producer user write submissions only: the events topic answers TOPIC_AUTHORIZATION_FAILED', async () => {
    const producer = client('producer');
    await pollUntil(async () => (await failure(producer.topicOffsets(topics.submissions))) === null, {
      timeoutMs: 60000,
      what: 'ingest to create the submissions topic',
    });
    const forged = { key: 'person:x', value: JSON.stringify({ ...departedEnvelope(), globalPosition: '1000000000000000' }) };
    expect(await failure(producer.publish(topics.events, [forged]))).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
    expect(await failure(producer.publish(topics.eventsDlq, [forged]))).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
    // Only the relay writes the events topic: not even the other services' users.
    for (const user of ['ingest', 'projector', 'query']) {
      expect({ user, error: await failure(client(user).publish(topics.events, [forged])) }).toEqual({
        user,
        error: expect.stringMatching(/TOPIC_AUTHORIZATION_FAILED|not authorized/i),
      });
    }
    // A submission goes through, and ingest (its own user) records it.
    const envelope = departedEnvelope();
    await producer.publish(topics.submissions, [{ key: envelope.subject, value: JSON.stringify(envelope) }]);
    await pollUntil(async () => (await fetch(`${ingestUrl}/v1/events/${envelope.id}`)).status === 200, {
      timeoutMs: 60000,
      what: 'the Kafka submission recorded by ingest',
    });
    // The same user can neither create topics nor read the events topic.
    expect(await failure(producer.ensureTopics([{ topic: `${prefix}other`, partitions: 1 }]))).toMatch(
      /AUTHORIZATION_FAILED|not authorized/i,
    );
    expect(await failure(producer.topicOffsets(topics.events))).toMatch(/AUTHORIZATION_FAILED|not authorized/i);
  });

  it("runs the pipeline with each app's own user: an event written over HTTP reaches the feed", async () => {
    const envelope = departedEnvelope();
    const created = await post(`${ingestUrl}/v1/events`, envelope, key);
    expect(created.status).toBe(201);
    const item = await pollUntil(
      async () =>
        ((await (await fetch(`${queryUrl}/v1/feed?after=0`)).json()) as { items: Array<{ eventId: string }> }).items.find(
          (i) => i.eventId === envelope.id,
        ),
      { timeoutMs: 60000, what: 'the event in GET /v1/feed' },
    );
    expect(item).toBeTruthy();
    const ready = await fetch(`${queryUrl}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
