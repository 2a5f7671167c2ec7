import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createTestDatabase, withClient } from '../test-database.harness';
import { isAck, isClientError, LoadGenerator, Submission } from './load.harness';
import { sleep } from './proc.util';
import { ResumingSseSubscriber } from './resuming-sse.client';

/**
 * The oracle of issue 10 ("nothing stalls, nothing is lost"), as functions returning `{ problems, stats }`:
 * `problems` is a list of readable sentences (empty when the property holds), so a test asserts
 * `expect(result.problems).toEqual([])` and a failure prints what is wrong; `stats` are counts to report.
 *
 *  (a) checkStore: every event answered 2xx is in the store exactly once; nothing else is, unless retried.
 *  (b) checkKafka: every stored event reached the events topic at least once, at its position.
 *  (c) checkReadModels: once the projector caught up (waitCaughtUp), every read model table equals a rebuild
 *      of the store's log (the product's ProjectionRebuilder, run on a fresh database), row for row.
 *  (d) checkSubscriber: a resuming live subscriber saw each matching item exactly once, in position order.
 */
export interface OracleResult<S = Record<string, number>> {
  problems: string[];
  stats: S;
}

const MAX_LISTED = 10;
const list = (items: string[]) =>
  items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(', ')} … (+${items.length - MAX_LISTED})` : items.join(', ');

/** Stored events (id and position) in position order. */
export async function storedEvents(storeUrl: string): Promise<Array<{ id: string; position: string }>> {
  return withClient(
    storeUrl,
    async (c) =>
      (await c.query(`SELECT event_id::text AS id, global_position::text AS position FROM event_store.events ORDER BY global_position`))
        .rows,
  );
}

export async function storeHead(storeUrl: string): Promise<string> {
  return withClient(storeUrl, async (c) =>
    String((await c.query(`SELECT coalesce(max(global_position), 0)::text AS head FROM event_store.events`)).rows[0].head),
  );
}

// ------------------------------------------------------------------------------------------------------ (a)

export interface StoreStats {
  stored: number;
  acknowledged: number;
  attempted: number;
  storedWithoutAck: number;
  [k: string]: number;
}

/**
 * (a) Every event answered 2xx is in the store exactly once (by id), at the position it was answered with;
 * nothing answered 4xx is; an event never answered 2xx may be stored only if the client retried it (same id);
 * the store holds no event the load did not send, except `otherIds` (events the test wrote another way) or
 * all unknown ones when `allowUnknown`.
 */
export async function checkStore(
  storeUrl: string,
  load: LoadGenerator | Iterable<Submission>,
  options: { otherIds?: Iterable<string>; allowUnknown?: boolean } = {},
): Promise<OracleResult<StoreStats>> {
  const submissions = new Map<string, Submission>();
  for (const s of load instanceof LoadGenerator ? load.submissions.values() : load) if (s.attempts.length) submissions.set(s.id, s);
  const others = new Set(options.otherIds ?? []);
  const rows = await storedEvents(storeUrl);
  const count = new Map<string, number>();
  const positionOf = new Map<string, string>();
  for (const r of rows) {
    count.set(r.id, (count.get(r.id) ?? 0) + 1);
    positionOf.set(r.id, r.position);
  }
  const lost: string[] = [];
  const duplicated: string[] = [];
  const after4xx: string[] = [];
  const notRetried: string[] = [];
  const moved: string[] = [];
  let acknowledged = 0;
  let storedWithoutAck = 0;
  for (const s of submissions.values()) {
    const n = count.get(s.id) ?? 0;
    const acks = s.attempts.filter((a) => isAck(a.outcome));
    if (n > 1) duplicated.push(`${s.id} ×${n}`);
    if (acks.length) {
      acknowledged++;
      if (n === 0) lost.push(`${s.id} (answered ${acks[0].outcome} at ${new Date(acks[0].at).toISOString()})`);
      const answered = acks.find((a) => a.globalPosition !== undefined)?.globalPosition;
      if (n > 0 && answered !== undefined && String(answered) !== positionOf.get(s.id))
        moved.push(`${s.id} answered position ${answered}, stored at ${positionOf.get(s.id)}`);
    } else if (n > 0) {
      storedWithoutAck++;
      if (s.attempts.every((a) => isClientError(a.outcome))) after4xx.push(`${s.id} (${s.attempts.map((a) => a.outcome).join(',')})`);
      else if (s.attempts.length < 2) notRetried.push(`${s.id} (${s.attempts.map((a) => a.outcome).join(',')})`);
    }
  }
  const unknown = options.allowUnknown
    ? []
    : rows.filter((r) => !submissions.has(r.id) && !others.has(r.id)).map((r) => `${r.id}@${r.position}`);
  const problems: string[] = [];
  if (lost.length) problems.push(`${lost.length} events answered 2xx are not in the store: ${list(lost)}`);
  if (duplicated.length) problems.push(`${duplicated.length} events are stored more than once: ${list(duplicated)}`);
  if (moved.length) problems.push(`${moved.length} events are stored at another position than answered: ${list(moved)}`);
  if (after4xx.length) problems.push(`${after4xx.length} events answered only 4xx are in the store: ${list(after4xx)}`);
  if (notRetried.length)
    problems.push(`${notRetried.length} events never answered 2xx and never retried are in the store: ${list(notRetried)}`);
  if (unknown.length) problems.push(`${unknown.length} events in the store were never sent by this test: ${list(unknown)}`);
  return { problems, stats: { stored: rows.length, acknowledged, attempted: submissions.size, storedWithoutAck } };
}

// ------------------------------------------------------------------------------------------------------ (b)

export interface KafkaStats {
  stored: number;
  messages: number;
  distinct: number;
  redelivered: number;
  notInStore: number;
  [k: string]: number;
}

/**
 * (b) Every stored event is on the events topic at least once, with its position in the `global-position` header.
 * Reads the whole topic from the beginning with a fresh consumer group (up to the high watermarks taken first).
 * Messages of events the store does not hold are counted in `stats.notInStore` (a problem only with `strict`).
 */
export async function checkKafka(
  storeUrl: string,
  brokers: string[],
  topic: string,
  options: { timeoutMs?: number; strict?: boolean } = {},
): Promise<OracleResult<KafkaStats>> {
  const stored = await storedEvents(storeUrl);
  const seen = await readTopic(brokers, topic, options.timeoutMs ?? 60000);
  const missing: string[] = [];
  const wrongPosition: string[] = [];
  for (const e of stored) {
    const positions = seen.byId.get(e.id);
    if (!positions) missing.push(`${e.id}@${e.position}`);
    else if (!positions.includes(e.position)) wrongPosition.push(`${e.id} stored at ${e.position}, on Kafka at ${positions.join('/')}`);
  }
  const storedIds = new Set(stored.map((e) => e.id));
  const foreign = [...seen.byId.keys()].filter((id) => !storedIds.has(id));
  const problems: string[] = [];
  if (missing.length) problems.push(`${missing.length} of ${stored.length} stored events never reached ${topic}: ${list(missing)}`);
  if (wrongPosition.length) problems.push(`${wrongPosition.length} events are on Kafka with another position: ${list(wrongPosition)}`);
  if (options.strict && foreign.length) problems.push(`${foreign.length} events on ${topic} are not in the store: ${list(foreign)}`);
  let redelivered = 0;
  for (const positions of seen.byId.values()) redelivered += positions.length - 1;
  return {
    problems,
    stats: { stored: stored.length, messages: seen.messages, distinct: seen.byId.size, redelivered, notInStore: foreign.length },
  };
}

/** Every message of a topic (event-id and global-position headers), read from the beginning up to the current end. */
/** Whatever the message, with its partition: what a reader of a whole topic is handed. */
export type TopicMessage = {
  partition: number;
  offset: string;
  key: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
};

/**
 * Reads a topic from the beginning up to its end as it is now (the high watermark of each partition when the
 * call starts), with a consumer group of its own, handing each message to `onMessage` in offset order per
 * partition. Throws when the end is not reached within `timeoutMs`.
 */
export async function forEachTopicMessage(
  brokers: string[],
  topic: string,
  onMessage: (m: TopicMessage) => void,
  timeoutMs = 60000,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'fault-oracle',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
  });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Array<{ partition: number; high: string; low: string }>;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const pending = new Map(ends.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  if (!pending.size) return;
  const consumer = kafka.consumer({
    groupId: `fault-oracle-${randomBytes(6).toString('hex')}`,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
  });
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const high = pending.get(batch.partition);
          if (high === undefined || BigInt(m.offset) >= high) continue;
          onMessage({ partition: batch.partition, offset: m.offset, key: m.key, headers: m.headers ?? {} });
          if (BigInt(m.offset) + 1n >= high) pending.delete(batch.partition);
        }
        if (!pending.size) finished();
      },
    });
    const expired = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms (partitions left: ${[...pending.keys()].join(',')})`),
          ),
        timeoutMs,
      );
    });
    await Promise.race([done, expired]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/** Every message of the topic as it is now: how many, and the positions each event id was published at. */
export async function readTopic(
  brokers: string[],
  topic: string,
  timeoutMs = 60000,
): Promise<{ messages: number; byId: Map<string, string[]> }> {
  const byId = new Map<string, string[]>();
  let messages = 0;
  await forEachTopicMessage(
    brokers,
    topic,
    (m) => {
      messages++;
      const id = m.headers['event-id']?.toString() ?? '';
      const position = m.headers['global-position']?.toString() ?? '';
      const positions = byId.get(id);
      if (positions) positions.push(position);
      else byId.set(id, [position]);
    },
    timeoutMs,
  );
  return { messages, byId };
}

// ------------------------------------------------------------------------------------------------------ (c)

/**
 * Waits until the projector has caught up: the feed watermark (every event at or below it is projected, in every
 * read model, since a batch is one transaction) equals the store's head, or reaches `atLeast` when given (while a
 * load still runs). Returns the wait in ms.
 */
export async function waitCaughtUp(storeUrl: string, timeoutMs = 60000, atLeast?: string): Promise<number> {
  const started = Date.now();
  let last = '';
  for (;;) {
    try {
      const row = await withClient(
        storeUrl,
        async (c) =>
          (
            await c.query(
              `SELECT (SELECT coalesce(max(global_position), 0) FROM event_store.events)::text AS head, (SELECT position FROM read_model.feed_watermark WHERE id = 1)::text AS watermark`,
            )
          ).rows[0],
      );
      last = `watermark ${row.watermark}, head ${row.head}`;
      if (atLeast !== undefined ? BigInt(row.watermark) >= BigInt(atLeast) : row.watermark === row.head) return Date.now() - started;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the projector did not catch up within ${timeoutMs} ms (${last})`);
    await sleep(200);
  }
}

export interface ReadModelStats {
  tables: number;
  rows: number;
  rebuiltRows: number;
  events: number;
  liveFailures: number;
  [k: string]: number;
}

/**
 * (c) Every read model table equals a rebuild from the store. Copies the store's log into a fresh database on the
 * same server, runs the product's ProjectionRebuilder there, and compares every read_model table row for row
 * (as jsonb, without `ignoreColumns`, in a deterministic order). Also names feed items whose event is not in the
 * store (ghosts). Call waitCaughtUp first.
 */
export async function checkReadModels(
  storeUrl: string,
  options: { ignoreColumns?: string[]; label?: string } = {},
): Promise<OracleResult<ReadModelStats>> {
  const ignore = options.ignoreColumns ?? ['updated_at'];
  const server = new URL(storeUrl);
  server.pathname = '/postgres';
  const rebuilt = await createTestDatabase(options.label ?? 'oracle', server.toString());
  // Loaded here, not with the module: every file importing @newsroom/testing paid for TypeORM and the projections.
  const [{ DataSource }, { createProjections, PROJECTION_NAMES, ProjectionRebuilder }, { dataSourceOptions }] = await Promise.all([
    import('typeorm'),
    import('@newsroom/projections'),
    import('../../../../infra/postgres/data-source'),
  ]);
  // Read model tables of every projection (base names, in `read_model`).
  const readModelTables = createProjections().flatMap((p) => [...(p.tables ?? [])]);
  const ds = new DataSource(dataSourceOptions(rebuilt.url, { extra: { max: 6 } }));
  const problems: string[] = [];
  const stats: ReadModelStats = { tables: readModelTables.length, rows: 0, rebuiltRows: 0, events: 0, liveFailures: 0 };
  try {
    stats.events = await copyLog(storeUrl, rebuilt.url);
    await ds.initialize();
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'oracle', partitions: [0] });
    await withClient(storeUrl, async (live) => {
      await withClient(rebuilt.url, async (fresh) => {
        for (const table of readModelTables) {
          const sql = `SELECT (to_jsonb(t) - $1::text[])::text AS r FROM read_model.${table} t ORDER BY 1`;
          const a = (await live.query(sql, [ignore])).rows.map((r) => r.r as string);
          const b = (await fresh.query(sql, [ignore])).rows.map((r) => r.r as string);
          stats.rows += a.length;
          stats.rebuiltRows += b.length;
          const diff = diffSorted(a, b);
          if (diff.onlyLive.length || diff.onlyRebuilt.length) {
            const show = (rows: string[]) => rows.slice(0, 2).map((r) => (r.length > 240 ? `${r.slice(0, 240)}…` : r));
            problems.push(
              `read_model.${table} differs from a rebuild (${a.length} rows live, ${b.length} rebuilt): ` +
                `${diff.onlyLive.length} only live ${JSON.stringify(show(diff.onlyLive))}; ${diff.onlyRebuilt.length} only rebuilt ${JSON.stringify(show(diff.onlyRebuilt))}`,
            );
          }
        }
        problems.push(...(await ghostProblems(live)));
        stats.liveFailures = Number((await live.query(`SELECT count(*)::int AS n FROM read_model.projection_failures`)).rows[0].n);
        const rebuiltFailures = Number((await fresh.query(`SELECT count(*)::int AS n FROM read_model.projection_failures`)).rows[0].n);
        if (stats.liveFailures !== rebuiltFailures)
          problems.push(`the live projector set aside ${stats.liveFailures} events (projection_failures), a rebuild ${rebuiltFailures}`);
      });
    });
  } finally {
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    await rebuilt.drop().catch(() => undefined);
  }
  return { problems, stats };
}

/** Feed items of events the store does not hold (e.g. an old store's events replayed from Kafka after a reset). */
async function ghostProblems(live: Client): Promise<string[]> {
  const ghosts = (
    await live.query(
      `SELECT f.position::text AS p, f.event_id::text AS id FROM read_model.feed_items f WHERE NOT EXISTS (SELECT 1 FROM event_store.events e WHERE e.event_id = f.event_id) ORDER BY f.position`,
    )
  ).rows;
  return ghosts.length
    ? [`${ghosts.length} feed items are of events the store does not hold (ghosts): ${list(ghosts.map((g) => `${g.id}@${g.p}`))}`]
    : [];
}

/** The ghost part of (c) alone: usable when the projector has not caught up (and the full comparison would only show lag). */
export async function checkGhosts(storeUrl: string): Promise<OracleResult<{ ghosts: number }>> {
  const problems = await withClient(storeUrl, ghostProblems);
  return { problems, stats: { ghosts: problems.length ? Number(problems[0].split(' ')[0]) : 0 } };
}

/** Copies event_store.events as is (same positions and columns) into another migrated database. */
async function copyLog(fromUrl: string, toUrl: string, pageSize = 2000): Promise<number> {
  let copied = 0;
  await withClient(fromUrl, (from) =>
    withClient(toUrl, async (to) => {
      for (let after = '0'; ;) {
        const { rows } = await from.query(
          `SELECT json_agg(e ORDER BY e.global_position)::text AS page, count(*)::int AS n, max(e.global_position)::text AS last
           FROM (SELECT * FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT $2) e`,
          [after, pageSize],
        );
        if (!rows[0].n) return;
        await to.query(
          `INSERT INTO event_store.events OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::event_store.events, $1::json)`,
          [rows[0].page],
        );
        copied += rows[0].n;
        after = rows[0].last;
      }
    }),
  );
  return copied;
}

/** Rows only in `a` and only in `b`, both sorted (multiset difference). */
function diffSorted(a: string[], b: string[]): { onlyLive: string[]; onlyRebuilt: string[] } {
  const onlyLive: string[] = [];
  const onlyRebuilt: string[] = [];
  let i = 0;
  let j = 0;
  // Sorted by Postgres collation; compare with a map to stay independent of JS ordering.
  const counts = new Map<string, number>();
  for (; i < a.length; i++) counts.set(a[i], (counts.get(a[i]) ?? 0) + 1);
  for (; j < b.length; j++) {
    const n = counts.get(b[j]) ?? 0;
    if (n > 0) counts.set(b[j], n - 1);
    else onlyRebuilt.push(b[j]);
  }
  for (const [row, n] of counts) for (let k = 0; k < n; k++) onlyLive.push(row);
  return { onlyLive, onlyRebuilt };
}

// ------------------------------------------------------------------------------------------------------ (d)

/** Positions of the feed items matching `query` after `after` (GET /v1/feed, page by page). */
export async function feedPositions(queryUrl: string, query = '', after = '0', headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let cursor = after; ;) {
    const p = new URLSearchParams(query);
    p.set('after', cursor);
    p.set('limit', '1000');
    const res = await fetch(`${queryUrl}/v1/feed?${p.toString()}`, { headers });
    if (!res.ok) throw new Error(`GET /v1/feed answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { items: Array<{ position: string }>; next: string };
    out.push(...page.items.map((i) => String(i.position)));
    if (!page.items.length) return out;
    if (String(page.next) === cursor) throw new Error(`GET /v1/feed did not move past ${cursor}`);
    cursor = String(page.next);
  }
}

export interface SubscriberStats {
  seen: number;
  expected: number;
  connections: number;
  [k: string]: number;
}

/**
 * (d) The subscriber saw each expected position exactly once and in increasing order, across its reconnects.
 * `expected`: the matching positions (e.g. feedPositions with the same filter once caught up).
 */
export function checkSubscriber(subscriber: ResumingSseSubscriber, expected: string[]): OracleResult<SubscriberStats> {
  const seen = subscriber.items;
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const s of seen) counts.set(s.position, (counts.get(s.position) ?? 0) + 1);
  const dupes = [...counts]
    .filter(([, n]) => n > 1)
    .map(
      ([p, n]) =>
        `${p} ×${n} (connections ${seen
          .filter((s) => s.position === p)
          .map((s) => s.connection)
          .join(',')})`,
    );
  const disorder: string[] = [];
  for (let i = 1; i < seen.length; i++)
    if (BigInt(seen[i].position) <= BigInt(seen[i - 1].position)) disorder.push(`${seen[i - 1].position} then ${seen[i].position}`);
  const want = new Set(expected);
  const missing = expected.filter((p) => !counts.has(p));
  const extra = [...counts.keys()].filter((p) => !want.has(p));
  if (dupes.length) problems.push(`${dupes.length} items were delivered more than once: ${list(dupes)}`);
  if (disorder.length) problems.push(`${disorder.length} items arrived out of position order: ${list(disorder)}`);
  if (missing.length) problems.push(`${missing.length} of ${expected.length} matching items were never delivered: ${list(missing)}`);
  if (extra.length) problems.push(`${extra.length} delivered items are not in the feed: ${list(extra)}`);
  return { problems, stats: { seen: seen.length, expected: expected.length, connections: subscriber.connections.length } };
}

// ------------------------------------------------------------------------------------------------------ all

export interface OracleRun {
  storeUrl: string;
  brokers: string[];
  /** The events topic. */
  topic: string;
  load: LoadGenerator | Iterable<Submission>;
  /** For (d): the query URL and the subscribers with the filter they used (`query`) and where they started (`after`). */
  queryUrl?: string;
  subscribers?: Array<{ subscriber: ResumingSseSubscriber; query?: string; after?: string }>;
  otherIds?: Iterable<string>;
  allowUnknown?: boolean;
  catchUpTimeoutMs?: number;
}

/**
 * The whole oracle after a scenario: waits for the projector to catch up, then (a), (b), (c) and (d). Problems are
 * prefixed with their letter; stats gathered under their letter; `caughtUpMs` is the wait for the catch-up.
 * A catch-up that never comes is itself a problem (a stall), reported and not thrown, so (a) and (b) still run.
 */
export async function checkAll(run: OracleRun): Promise<{ problems: string[]; stats: Record<string, unknown>; caughtUpMs: number }> {
  const problems: string[] = [];
  const stats: Record<string, unknown> = {};
  let caughtUpMs = -1;
  try {
    caughtUpMs = await waitCaughtUp(run.storeUrl, run.catchUpTimeoutMs ?? 60000);
  } catch (error) {
    problems.push(`(c) ${(error as Error).message}`);
  }
  const a = await checkStore(run.storeUrl, run.load, { otherIds: run.otherIds, allowUnknown: run.allowUnknown });
  problems.push(...a.problems.map((p) => `(a) ${p}`));
  stats.a = a.stats;
  const b = await checkKafka(run.storeUrl, run.brokers, run.topic);
  problems.push(...b.problems.map((p) => `(b) ${p}`));
  stats.b = b.stats;
  if (caughtUpMs >= 0) {
    const c = await checkReadModels(run.storeUrl);
    problems.push(...c.problems.map((p) => `(c) ${p}`));
    stats.c = c.stats;
  } else {
    problems.push(...(await checkGhosts(run.storeUrl)).problems.map((p) => `(c) ${p}`));
  }
  if (run.subscribers?.length && run.queryUrl && caughtUpMs >= 0) {
    const head = await storeHead(run.storeUrl);
    const d: SubscriberStats[] = [];
    for (const [k, { subscriber, query, after }] of run.subscribers.entries()) {
      const expected = await feedPositions(run.queryUrl, query ?? '', after ?? '0');
      if (expected.length) await subscriber.waitFor(expected[expected.length - 1], 30000).catch(() => undefined);
      else await sleep(500);
      await subscriber.stop();
      const r = checkSubscriber(subscriber, expected);
      problems.push(...r.problems.map((p) => `(d) subscriber ${k}${query ? ` (${query})` : ''}: ${p}`));
      d.push(r.stats);
    }
    stats.d = d;
    stats.head = head;
  }
  return { problems, stats, caughtUpMs };
}
