import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { FeedItemRow } from '@newsroom/projections';
import { measureDelivery, settle } from '../measures/delivery.measure';
import { FanoutResult, measureFanout, measureIdleMemory } from '../measures/sse.measure';
import { BareSseServer } from '../sse/bare-sse';
import { SseClients } from '../sse/sse-clients';
import { benchEnvelope, benchSubject } from '../support/event-shape';
import { feedRowOf, upsertFeedRows } from '../support/feed-rows';
import { round } from '../support/stats';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * Items enter the query service the way the projector's do: rows committed to the feed read model, the watermark
 * moved, a NOTIFY, in one transaction; the query service's tail does the rest. Positions continue from the last.
 */
class FeedInjector {
  private position = 0;
  private readonly template: FeedItemRow[] = Array.from({ length: 100 }, (_, i) =>
    feedRowOf(benchEnvelope(i, benchSubject('fan', i)), i + 1),
  );

  constructor(private readonly pool: Pool) {}

  get watermark(): number {
    return this.position;
  }

  async commit(count: number): Promise<number> {
    const recordedAt = new Date().toISOString();
    const rows = Array.from({ length: count }, (_, i) => ({
      ...this.template[i % this.template.length],
      position: String(this.position + i + 1),
      eventId: randomUUID(),
      recordedAt,
    }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < rows.length; i += 1000) await upsertFeedRows(client, 'read_model.feed_items', rows.slice(i, i + 1000), false);
      this.position += count;
      await client.query('UPDATE read_model.feed_watermark SET position = $1, updated_at = now() WHERE id = 1', [this.position]);
      await client.query(`SELECT pg_notify('newsroom_feed', $1)`, [String(this.position)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return count;
  }
}

/**
 * The query service's live feed against a bare Node SSE server: memory per idle subscriber; the fan-out burst
 * (subscribers x items at once), ours and bare alternating A B A B; then the live delivery curve, SSE and
 * WebSocket, at each subscriber count of the plan, items committed at a fixed rate.
 */
export async function fanoutGroup(ctx: GroupContext): Promise<void> {
  const { plan } = ctx;
  const { db, env } = await benchStack(ctx, 'fanout', 4);
  const query = await ctx.startApp('query', {
    ...env,
    FEED_MAX_SUBSCRIBERS: String(Math.max(20_000, plan.idleSubscribers + 100, ...plan.liveSubscribers.map((n) => n + 100))),
  });
  const bare = await BareSseServer.start();
  ctx.onCleanup(() => bare.stop());
  const settleMs = plan.mode === 'quick' ? 1_500 : 4_000;
  const stream = `${query.url}/v1/feed/stream`;

  const idle = { count: plan.idleSubscribers, processes: plan.clientProcesses, settleMs };
  const ours = await measureIdleMemory({ url: stream, pid: query.pid, ...idle });
  ctx.add(
    'sse.idleKiB',
    ours.kib,
    `${idle.count} idle subscribers; query RSS ${round(ours.before / 1024)} -> ${round(ours.after / 1024)} MiB`,
  );
  const bareIdle = await measureIdleMemory({ url: bare.url, pid: bare.pid, ...idle });
  ctx.add(
    'sse.bare.idleKiB',
    bareIdle.kib,
    `${idle.count} idle connections; RSS ${round(bareIdle.before / 1024)} -> ${round(bareIdle.after / 1024)} MiB`,
  );

  const injector = new FeedInjector(db.pool);
  const events = plan.fanoutEvents;
  const fan = {
    subscribers: plan.subscribers,
    processes: plan.clientProcesses,
    events,
    timeoutMs: plan.mode === 'quick' ? 20_000 : 60_000,
  };
  const runs: { ours: FanoutResult[]; bare: FanoutResult[] } = { ours: [], bare: [] };
  for (let pass = 0; pass < 2; pass++) {
    const after = injector.watermark;
    runs.ours.push(
      await measureFanout({ url: `${stream}?after=${after}`, inject: () => injector.commit(events).then(() => undefined), ...fan }),
    );
    runs.bare.push(await measureFanout({ url: bare.url, inject: () => bare.broadcast(events), ...fan }));
    ctx.log(`fan-out pass ${pass + 1}: ours ${describe(runs.ours[pass], fan)}; bare ${describe(runs.bare[pass], fan)}`);
  }
  const mean = (xs: number[]) => (xs.some((x) => x === Infinity) ? Infinity : xs.reduce((a, b) => a + b, 0) / xs.length);
  const both = (rs: FanoutResult[], pick: (r: FanoutResult) => number) => rs.map(pick);
  ctx.add(
    'sse.fanout',
    mean(both(runs.ours, (r) => r.deliveriesPerSecond)),
    describe(runs.ours[0], fan),
    both(runs.ours, (r) => r.deliveriesPerSecond),
  );
  ctx.add(
    'sse.fanoutP99',
    mean(both(runs.ours, (r) => r.p99)),
    describe(runs.ours[0], fan),
    both(runs.ours, (r) => r.p99),
  );
  ctx.add(
    'sse.bare.fanout',
    mean(both(runs.bare, (r) => r.deliveriesPerSecond)),
    describe(runs.bare[0], fan),
    both(runs.bare, (r) => r.deliveriesPerSecond),
  );
  ctx.add(
    'sse.bare.fanoutP99',
    mean(both(runs.bare, (r) => r.p99)),
    describe(runs.bare[0], fan),
    both(runs.bare, (r) => r.p99),
  );

  const rows: Array<Array<string | number | null>> = [];
  const wsUrl = `${query.url.replace(/^http/, 'ws')}/v1/feed/ws`;
  for (const transport of ['SSE', 'WebSocket'] as const) {
    for (const subscribers of plan.liveSubscribers) {
      const after = String(injector.watermark);
      const clients =
        transport === 'SSE'
          ? await SseClients.open(`${stream}?after=${after}`, subscribers, plan.clientProcesses)
          : await SseClients.open(wsUrl, subscribers, plan.clientProcesses, JSON.stringify({ after }));
      try {
        await settle(clients);
        const r = await measureDelivery({
          clients,
          subscribers,
          ratePerSecond: plan.liveRate,
          durationMs: plan.liveMs,
          deliveryWaitMs: plan.deliveryWaitMs,
          write: (n) => injector.commit(n),
        });
        rows.push([
          transport,
          subscribers,
          ms(r.p50),
          ms(r.p99),
          `${round(r.deliveredPercent, 2)}%`,
          `${r.delivered} of ${r.expected}`,
          r.closedByServer,
        ]);
      } finally {
        await clients.close();
      }
    }
  }
  ctx.curve({
    id: 'live-delivery',
    title: 'Live delivery against the number of subscribers, SSE and WebSocket (query service)',
    note: `${plan.liveRate} items/s committed to the feed read model for ${round(plan.liveMs / 1000)} s (in the projector's way: rows, watermark, NOTIFY), latency from the item's recordedAt to its arrival; frames not in within ${round(plan.deliveryWaitMs / 1000)} s of the last commit count as never delivered (∞).`,
    columns: ['transport', 'subscribers', 'p50 ms', 'p99 ms', 'delivered', 'frames', 'dropped by the server'],
    rows,
  });
}

const ms = (x: number) => (Number.isFinite(x) ? Math.round(x) : x === Infinity ? '∞' : 'n/a');

function describe(r: FanoutResult, fan: { subscribers: number; events: number }): string {
  const partial = r.delivered < r.expected ? `; only ${r.delivered} of ${r.expected} delivered before the timeout` : '';
  const dropped = r.closedByServer ? `; ${r.closedByServer} subscribers dropped by the server` : '';
  return `${fan.subscribers} subscribers x ${fan.events} items in ${Math.round(r.ms)} ms; delivery p99 ${ms(r.p99)} ms${partial}${dropped}`;
}
