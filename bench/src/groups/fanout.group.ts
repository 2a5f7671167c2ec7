import { measureFanout, measureIdleMemory } from '../measures/sse.measure';
import { BareSseServer } from '../sse/bare-sse';
import { benchEnvelope, benchSubject } from '../support/event-shape';
import { feedRowOf, upsertFeedRows } from '../support/feed-rows';
import { round } from '../support/stats';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * The query service's SSE fan-out against a bare Node SSE server, same subscriber counts, same items: memory per
 * idle subscriber, then live fan-out throughput. Our items enter the way the projector's do: rows committed to
 * the feed read model, the watermark moved, a NOTIFY; the query service's tail does the rest.
 */
export async function fanoutGroup(ctx: GroupContext): Promise<void> {
  const { plan } = ctx;
  const { db, env } = await benchStack(ctx, 'fanout', 4);
  const query = await ctx.startApp('query', {
    ...env,
    FEED_MAX_SUBSCRIBERS: String(Math.max(20_000, plan.idleSubscribers + 100)),
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

  const events = plan.fanoutEvents;
  const rows = Array.from({ length: events }, (_, i) => feedRowOf(benchEnvelope(i, benchSubject('fan', i)), i + 1));
  const inject = async () => {
    const recordedAt = new Date().toISOString();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await upsertFeedRows(
        client,
        'read_model.feed_items',
        rows.map((r) => ({ ...r, recordedAt })),
        false,
      );
      await client.query('UPDATE read_model.feed_watermark SET position = $1, updated_at = now() WHERE id = 1', [events]);
      await client.query(`SELECT pg_notify('newsroom_feed', $1)`, [String(events)]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const fan = {
    subscribers: plan.subscribers,
    processes: plan.clientProcesses,
    events,
    timeoutMs: plan.mode === 'quick' ? 20_000 : 90_000,
  };
  const oursFan = await measureFanout({ url: `${stream}?after=0`, inject, ...fan });
  ctx.add('sse.fanout', oursFan.deliveriesPerSecond, describe(oursFan, fan));
  const bareFan = await measureFanout({ url: bare.url, inject: () => bare.broadcast(events), ...fan });
  ctx.add('sse.bare.fanout', bareFan.deliveriesPerSecond, describe(bareFan, fan));
}

function describe(r: Awaited<ReturnType<typeof measureFanout>>, fan: { subscribers: number; events: number }): string {
  const partial = r.delivered < r.expected ? `; only ${r.delivered} of ${r.expected} delivered before the timeout` : '';
  const dropped = r.closedByServer ? `; ${r.closedByServer} subscribers dropped by the server` : '';
  return `${fan.subscribers} subscribers x ${fan.events} items in ${Math.round(r.ms)} ms; delivery p99 ${r.p99} ms${partial}${dropped}`;
}
