import {
  createTestDatabase,
  RunningApp,
  startApp,
  TestDatabase,
  testApiKey,
  TEST_KAFKA_BROKERS,
  testKafka,
  testTopics,
} from '@newsroom/testing';

/** The four apps as real processes on one fresh database and their own topics. */
export interface TestStack {
  db: TestDatabase;
  key: string;
  readKey: string;
  apps: Record<'ingest' | 'relay' | 'projector' | 'query', RunningApp>;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackPlace {
  /** Postgres server URL the stack's fresh database is made on (default: the shared test server). */
  serverUrl?: string;
  /** Kafka brokers (default: the shared test broker). */
  brokers?: string[];
}

export async function startStack(label: string, extraEnv: Record<string, string> = {}, place: StackPlace = {}): Promise<TestStack> {
  const brokers = place.brokers ?? TEST_KAFKA_BROKERS;
  const db = await createTestDatabase(label, place.serverUrl);
  const { prefix, topics } = testTopics(label);
  const key = testApiKey();
  const readKey = testApiKey();
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    NEWSROOM_API_KEYS: `${key}:write,${readKey}:read`,
    PROJECTOR_GROUP_ID: `projector-${prefix}`,
    INGEST_SUBMISSIONS_GROUP_ID: `submissions-${prefix}`,
    RELAY_IDLE_WAIT_MS: '200',
    FEED_POLL_MS: '200',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    ...extraEnv,
  };
  const apps = {} as TestStack['apps'];
  try {
    // The relay creates the topics, so it goes first; the rest start side by side.
    apps.relay = await startApp('relay', env);
    // Settled, not Promise.all: when one fails to start, the others that did are stopped below, not left running.
    const started = await Promise.allSettled((['ingest', 'projector', 'query'] as const).map((name) => startApp(name, env)));
    for (const result of started) if (result.status === 'fulfilled') apps[result.value.name] = result.value;
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await Promise.all(Object.values(apps).map((a) => a.stop()));
    await db.drop();
    throw error;
  }
  return {
    db,
    key,
    readKey,
    apps,
    env,
    stop: async () => {
      await Promise.all(Object.values(apps).map((a) => a.stop()));
      const kafka = testKafka('e2e-cleanup', brokers);
      await kafka.deleteTopics(Object.values(topics)).catch(() => undefined);
      await kafka.close();
      await db.drop();
    },
  };
}

/** An RFC 9457 problem as the apps answer it (PRODUCT.md): a stable code and, for bad input, one error per field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** POST /v1/events with one envelope, and the corrections and retractions endpoints: 201 created, 200 duplicate. */
export interface Recorded {
  id: string;
  status: 'created' | 'duplicate';
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
}

/** One item of a batch's answer: created or duplicate with its position, or rejected with its problem. */
export interface BatchItemResult {
  index: number;
  id: string | null;
  status: 'created' | 'duplicate' | 'rejected';
  globalPosition?: string;
  streamVersion?: number;
  error?: Pick<Problem, 'status' | 'code' | 'errors'> & { message?: string };
}

/** POST /v1/events with `{events: [...]}` (200): one result per item, in order, and the counts. */
export interface BatchAnswer {
  results: BatchItemResult[];
  created: number;
  duplicates: number;
  rejected: number;
}

/**
 * POSTs `body` (a string is sent as is) and answers the status, the headers and the body parsed as JSON (the text
 * when it is not JSON). `T` is the body the caller expects for this request; the test's assertions check it.
 */
export async function post<T = unknown>(
  url: string,
  body: unknown,
  key?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as T, headers: res.headers };
}

/**
 * What e2e files that walk a story step by step share, against the stack `of()` gives once started: a read that must
 * answer 200 (its JSON), and one event that must be created (201) with `source` as its one source.
 */
export function storySteps(of: () => TestStack, source: Record<string, unknown>) {
  return {
    get: async <T>(path: string): Promise<T> => {
      const res = await fetch(`${of().apps.query.url}${path}`);
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    },
    record: async (envelope: Record<string, unknown>) => {
      const stack = of();
      const res = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, { ...envelope, sources: [source] }, stack.key);
      expect(res.status).toBe(201);
      return res.body;
    },
  };
}
