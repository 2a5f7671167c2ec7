import { Client } from 'pg';
import { WebSocket } from 'ws';
import { forEachTopicMessage, parseSseBlock } from '@newsroom/testing';

/** Helpers of the cluster, proxy, query-failover and reconnect-storm scenarios, on top of the fault harness. */

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Order per stream on the events topic: for each key (stream id), the `stream-version` headers in offset order,
 * first occurrences only (a republish after a crash may repeat a suffix, never reorder), are 1, 2, 3... with no
 * hole. Returns readable problems (empty when it holds) and the number of keys checked.
 */
export async function checkTopicStreamOrder(
  brokers: string[],
  topic: string,
  timeoutMs = 60000,
): Promise<{ problems: string[]; keys: number }> {
  const versions = new Map<string, number[]>();
  await forEachTopicMessage(
    brokers,
    topic,
    (m) => {
      const key = m.key?.toString() ?? '';
      const list = versions.get(key) ?? [];
      list.push(Number(m.headers['stream-version']?.toString()));
      versions.set(key, list);
    },
    timeoutMs,
  );
  const problems: string[] = [];
  for (const [key, list] of versions) {
    const firsts: number[] = [];
    const seen = new Set<number>();
    for (const v of list) {
      if (seen.has(v)) continue;
      seen.add(v);
      firsts.push(v);
    }
    const bad = firsts.findIndex((v, i) => v !== i + 1);
    if (bad >= 0)
      problems.push(
        `${key}: stream versions on ${topic} in order ${firsts.slice(Math.max(0, bad - 2), bad + 3).join(',')} (expected ${bad + 1} at ${bad})`,
      );
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
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}, timeoutMs = 10000): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
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

/**
 * A feed client that keeps dropping its connection and resuming: connect (SSE with Last-Event-ID, or WebSocket
 * with a subscribe message `after` the last position), read for a random while, then cut the connection
 * abruptly (abort / terminate, as a phone losing its network would), and again. Records every item it got.
 */
export class StormClient {
  readonly positions: string[] = [];
  connections = 0;
  /** Connection attempts that did not get a stream (status or error), by reason. */
  readonly refused = new Map<string, number>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly baseUrl: string,
    readonly transport: 'sse' | 'ws',
    private readonly holdMs: [number, number] = [100, 1500],
  ) {}

  get lastPosition(): string | undefined {
    return this.positions[this.positions.length - 1];
  }

  /** Reconnects in a loop until stop(). */
  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        const [min, max] = this.holdMs;
        await this.session(min + Math.random() * (max - min));
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** One last connection, held until it has seen `position`. */
  async finish(position: string, timeoutMs = 30000): Promise<void> {
    await this.stop();
    const target = BigInt(position);
    const started = Date.now();
    while (!(this.lastPosition && BigInt(this.lastPosition) >= target)) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`${this.transport} client stopped at ${this.lastPosition} short of ${position}`);
      await this.session(Math.max(500, timeoutMs - (Date.now() - started)), target);
    }
  }

  private count(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }

  private session(holdMs: number, until?: bigint): Promise<void> {
    return this.transport === 'sse' ? this.sse(holdMs, until) : this.ws(holdMs, until);
  }

  private async sse(holdMs: number, until?: bigint): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), holdMs);
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.lastPosition) headers['last-event-id'] = this.lastPosition;
      const res = await fetch(`${this.baseUrl}/v1/feed/stream`, { headers, signal: controller.signal });
      if (!res.ok || !res.body) {
        this.count(String(res.status));
        await res.body?.cancel().catch(() => undefined);
        return;
      }
      this.connections++;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = parseSseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (!frame || (frame.event && frame.event !== 'message') || frame.id === undefined) continue;
          this.positions.push(frame.id);
          if (until !== undefined && BigInt(frame.id) >= until) return controller.abort();
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) this.count((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  private ws(holdMs: number, until?: bigint): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/v1/feed/ws`);
      let opened = false;
      const timer = setTimeout(() => ws.terminate(), holdMs);
      ws.on('open', () => {
        opened = true;
        this.connections++;
        ws.send(JSON.stringify({ after: this.lastPosition ?? '0' }));
      });
      ws.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString());
        if (frame.type !== 'item') return;
        this.positions.push(String(frame.position));
        if (until !== undefined && BigInt(frame.position) >= until) ws.terminate();
      });
      ws.on('unexpected-response', (_req, res) => {
        this.count(String(res.statusCode));
        ws.terminate();
      });
      ws.on('error', (error) => {
        if (!opened) this.count(error.message);
      });
      ws.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Each of `expected` once, in order: problems as readable sentences (empty when it holds). */
export function checkSequence(who: string, seen: string[], expected: string[]): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const p of seen) counts.set(p, (counts.get(p) ?? 0) + 1);
  const dupes = [...counts].filter(([, n]) => n > 1).map(([p]) => p);
  const missing = expected.filter((p) => !counts.has(p));
  let disorder = 0;
  for (let i = 1; i < seen.length; i++) if (BigInt(seen[i]) <= BigInt(seen[i - 1])) disorder++;
  if (dupes.length) problems.push(`${who}: ${dupes.length} items more than once (${dupes.slice(0, 5).join(',')})`);
  if (missing.length)
    problems.push(`${who}: ${missing.length} of ${expected.length} items never delivered (${missing.slice(0, 5).join(',')})`);
  if (disorder) problems.push(`${who}: ${disorder} items out of order`);
  return problems;
}

/**
 * Where the pipeline stands, for a failure message: store head, relay checkpoint, feed watermark, and what relay
 * and projector say on /health/ready, with the last lines they logged.
 */
export async function describePipeline(
  storeUrl: string,
  apps: Array<{ name: string; url: string; output: string[]; notable?: string[] }>,
): Promise<string> {
  const parts: string[] = [];
  const client = new Client({ connectionString: storeUrl });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT (SELECT coalesce(max(global_position), 0) FROM event_store.events)::text AS head,
              (SELECT string_agg(name || '=' || position, ',') FROM event_store.relay_checkpoints) AS relay,
              (SELECT position FROM read_model.feed_watermark WHERE id = 1)::text AS watermark`,
    );
    parts.push(`store head ${rows[0].head}, relay checkpoint ${rows[0].relay}, feed watermark ${rows[0].watermark}`);
    // What tells a stall's causes apart: which partitions' feed checkpoints stand still (a partition no fetcher
    // serves), the first position the feed lacks, and sessions waiting or idle in a transaction (a lock held).
    const feed = await client.query(
      `SELECT string_agg(partition || ':' || last_offset || '@' || last_position || ' ' ||
                         round(extract(epoch FROM now() - updated_at))::text || 's ago', ', ' ORDER BY partition) AS checkpoints,
              (SELECT min(e.global_position) FROM event_store.events e
                WHERE e.global_position > (SELECT position FROM read_model.feed_watermark WHERE id = 1)
                  AND NOT EXISTS (SELECT 1 FROM read_model.feed_items f WHERE f.position = e.global_position))::text AS missing
         FROM read_model.projection_checkpoints WHERE projection = 'feed'`,
    );
    parts.push(
      `feed checkpoints (partition:offset@position, last moved): ${feed.rows[0].checkpoints}; first position not in the feed: ${feed.rows[0].missing}`,
    );
    const sessions = await client.query(
      `SELECT application_name, state, wait_event_type, wait_event,
              round(extract(epoch FROM now() - coalesce(xact_start, query_start)))::int AS seconds, left(query, 100) AS query
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
        ORDER BY xact_start NULLS LAST LIMIT 8`,
    );
    parts.push(
      `sessions not idle: ${sessions.rows.length ? sessions.rows.map((r) => `[${r.application_name} ${r.state} ${r.wait_event_type ?? ''}/${r.wait_event ?? ''} ${r.seconds}s: ${String(r.query).replace(/\s+/g, ' ')}]`).join(' ') : 'none'}`,
    );
  } catch (error) {
    parts.push(`store: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const app of apps) {
    const res = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(5000) }).catch((e: Error) => e);
    const ready = res instanceof Error ? res.message : `${res.status} ${(await res.text()).slice(0, 600)}`;
    // The restarts the app counted (consumer replacements, the projector's watchdog), from its metrics.
    const metrics = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(5000) })
      .then(async (r) => (await r.text()).split('\n'))
      .catch(() => [] as string[]);
    const restarts = metrics.filter((l) => /^(messaging_consumer_restarts_total|projector_stall_restarts_total)/.test(l));
    if (restarts.length) parts.push(`${app.name} restarts: ${restarts.join('; ')}`);
    // kafkajs repeats its connection errors every few hundred ms: the app's own warnings (consumer restarts, the
    // watchdog) are listed apart so the tail does not hide what the service decided and when.
    const own = app.notable ?? [];
    parts.push(
      `${app.name} ready: ${ready}\n${app.name} own warnings (last ${Math.min(own.length, 25)}):\n${own.slice(-25).join('\n')}\n` +
        `${app.name} log tail: ${app.output.join('').slice(-1500)}`,
    );
  }
  return parts.join('\n');
}

/**
 * After the load stopped: waits until the relay (its checkpoint) and the projector (the feed watermark) each reach
 * the store's head, and says when each did (ms since `since`). Throws after `timeoutMs` with where they stand.
 */
export async function waitRelayAndProjector(
  storeUrl: string,
  since: number,
  timeoutMs: number,
): Promise<{ relayMs: number; projectorMs: number }> {
  const client = new Client({ connectionString: storeUrl });
  await client.connect();
  const started = Date.now();
  let relayMs = -1;
  let projectorMs = -1;
  let last = '';
  try {
    while (relayMs < 0 || projectorMs < 0) {
      const { rows } = await client.query(
        `SELECT (SELECT coalesce(max(global_position), 0) FROM event_store.events)::text AS head,
                (SELECT coalesce(max(position), 0) FROM event_store.relay_checkpoints)::text AS relay,
                (SELECT position FROM read_model.feed_watermark WHERE id = 1)::text AS watermark`,
      );
      const { head, relay, watermark } = rows[0];
      last = `head ${head}, relay checkpoint ${relay}, feed watermark ${watermark}`;
      if (relayMs < 0 && BigInt(relay) >= BigInt(head)) relayMs = Date.now() - since;
      if (projectorMs < 0 && watermark === head) projectorMs = Date.now() - since;
      if (Date.now() - started > timeoutMs) throw new Error(`not caught up within ${timeoutMs} ms: ${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return { relayMs, projectorMs };
}
