import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

/** Helpers of the cluster, proxy, query-failover and reconnect-storm scenarios, on top of the fault harness. */

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Order per stream on the events topic: for each key (stream id), the `stream-version` headers in offset order,
 * first occurrences only (a republish after a crash may repeat a suffix, never reorder), are 1, 2, 3... with no
 * hole. Returns readable problems (empty when it holds) and the number of keys checked.
 */
export async function checkTopicStreamOrder(brokers: string[], topic: string, timeoutMs = 60000): Promise<{ problems: string[]; keys: number }> {
  const kafka = new Kafka({ clientId: 'fault-order', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000 });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect().catch(() => undefined));
  const pending = new Map(ends.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  const versions = new Map<string, number[]>();
  if (pending.size) {
    const consumer = kafka.consumer({ groupId: `fault-order-${randomBytes(6).toString('hex')}` });
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const high = pending.get(batch.partition);
            if (high === undefined || BigInt(m.offset) >= high) continue;
            const key = m.key?.toString() ?? '';
            const list = versions.get(key) ?? [];
            list.push(Number(m.headers?.['stream-version']?.toString()));
            versions.set(key, list);
            if (BigInt(m.offset) + 1n >= high) pending.delete(batch.partition);
          }
          if (!pending.size) finished();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), timeoutMs)))]);
      clearTimeout(timer);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
  const problems: string[] = [];
  for (const [key, list] of versions) {
    const firsts: number[] = [];
    const seen = new Set<number>();
    for (const v of list) if (!seen.has(v)) seen.add(v), firsts.push(v);
    const bad = firsts.findIndex((v, i) => v !== i + 1);
    if (bad >= 0) problems.push(`${key}: stream versions on ${topic} in order ${firsts.slice(Math.max(0, bad - 2), bad + 3).join(',')} (expected ${bad + 1} at ${bad})`);
  }
  return { problems: problems.slice(0, 10), keys: versions.size };
}

/** Order per stream in the store and the feed read model: each subject's items by position carry versions 1..n. */
export async function checkStoreStreamOrder(storeUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: storeUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT stream_id FROM (
         SELECT stream_id, stream_version, row_number() OVER (PARTITION BY stream_id ORDER BY global_position) AS n FROM event_store.events
       ) s WHERE stream_version <> n GROUP BY stream_id LIMIT 10`,
    );
    return rows.map((r) => `${r.stream_id}: stream versions out of position order in the store`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One Prometheus metric from /metrics, summed over the label sets that match `labels`. */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10000) })).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => ls.includes(`${k}="${v}"`))) {
      sum += Number(m[3]);
      found = true;
    }
  }
  if (!found) throw new Error(`metric ${name} not found at ${url}/metrics`);
  return sum;
}
