import { foldIntoFreshTables, rebuildCommandOf, runRebuildCommand } from '../measures/rebuild.measure';
import { chooseReportPath, completeFeedFromLog, completeLeadershipFromLog, p95, sampleReport } from '../measures/reports.measure';
import { postBatch } from '../measures/http-appends.measure';
import { fillEventStore } from '../support/event-fill';
import { benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { pacedLoop } from '../support/load';
import { round } from '../support/stats';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * The big log: a store of `rebuildEvents` events (1,000,000 in a full run), rebuilt into fresh read-model tables
 * (time-boxed to what is left of the run's budget), then report latency over it, idle and under write load.
 */
export async function rebuildGroup(ctx: GroupContext): Promise<void> {
  const { plan, config } = ctx;
  const s = await benchStack(ctx, 'rebuild', 4);
  const head = plan.rebuildEvents;
  const filling = performance.now();
  await fillEventStore(s.db.pool, {
    events: head,
    streams: Math.max(2_000, Math.floor(head / 50)),
    scope: 'rb',
    onProgress: (n) => n % 200_000 === 0 && ctx.log(`filled ${n} of ${head} events`),
  });
  ctx.log(`event store filled with ${head} events in ${round((performance.now() - filling) / 1000)} s`);

  // Kept for what follows the rebuild: completing the feed and leadership models in SQL when the window closed
  // first (about 130 s for a million events here), four apps, the two report phases.
  const reserveMs = plan.mode === 'quick' ? 25_000 : 180_000;
  const windowMs = Math.max(5_000, Math.min(plan.rebuildMaxMs, ctx.remainingMs() - reserveMs));
  const command = rebuildCommandOf(config.rebuildCommand, ctx.profiles('self') ? ctx.input.profile!.dir : null);
  const run = command
    ? await runRebuildCommand(command, ctx.appEnv(s.env), head, windowMs, (l) => ctx.log(l))
    : await foldIntoFreshTables(s.db, head, windowMs);
  const part = run.complete
    ? `${run.events} events`
    : `${run.events} of ${head} events (the ${round(windowMs / 1000, 0)} s window closed first)`;
  ctx.add('rebuild', run.rate, `${part} in ${round(run.ms / 1000)} s; ${run.how}`);
  const added = await completeFeedFromLog(s.db.pool, head, (l) => ctx.log(l));
  const appointments = await completeLeadershipFromLog(s.db.pool, head, (l) => ctx.log(l));
  if (added > 0 || appointments > 0) {
    ctx.note(
      `reports: ${added} feed rows and ${appointments} leadership rows past the rebuild's reach were written straight from the log in SQL, so the reports ran over all ${head} events`,
    );
  }

  // The write stack on the big log: the relay starts at the head, the projector on a fresh topic.
  await s.db.pool.query(
    `INSERT INTO event_store.relay_checkpoints (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
    [s.topics.names.events, head],
  );
  await ctx.startApp('relay', s.env);
  const [ingest, query] = await Promise.all([
    ctx.startApp('ingest', s.env),
    ctx.startApp('query', s.env),
    ctx.startApp('projector', s.env),
  ]);
  const reader = new HttpClient(query.url, {}, 1);
  const writer = new HttpClient(ingest.url, { authorization: `Bearer ${s.key}` }, 16);
  ctx.onCleanup(() => reader.close());
  ctx.onCleanup(() => writer.close());

  const path = await chooseReportPath(reader, config.reportPath, true);
  await sampleReport(reader, path, 10);
  // Each phase is bounded in time too, so a slow report shortens its sample instead of overrunning the run.
  const phaseMs = Math.max(10_000, Math.min(plan.reportPhaseMs, (ctx.remainingMs() - 20_000) / 2));
  const idle = await sampleReport(reader, path, plan.reportSamples, phaseMs);
  const at = `${path} over ${head} events`;
  ctx.add('reports.idleP95', p95(idle), `${idle.length} sequential requests, ${at}`);

  const rate = Math.max(50, (ctx.input.known['pipeline.sustained'] ?? 200) / 2);
  let sampling = true;
  let seq = 0;
  const load = pacedLoop(
    { ratePerSecond: rate, durationMs: 10 * 60_000, maxBatch: 100, maxInFlight: 8, tickMs: 50, stopWhen: () => !sampling },
    async (n) => {
      await postBatch(writer, benchSubject('rl', seq++), n, seq * 100);
    },
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const loaded = await sampleReport(reader, path, plan.reportSamples, phaseMs).finally(() => (sampling = false));
  const written = await load;
  if (written.errors) throw new Error(`the write load failed ${written.errors} times: ${written.firstError}`);
  ctx.add(
    'reports.loadP95',
    p95(loaded),
    `${loaded.length} sequential requests while writing ${round(rate, 0)} events/s over HTTP (${written.sent} written), ${at}`,
  );
}
