import { postBatch } from '../measures/http-appends.measure';
import { foldIntoFreshTables, rebuildCommandOf, runRebuildCommand } from '../measures/rebuild.measure';
import { measureProjectorChunk } from '../measures/relay-projector.measure';
import { chooseReportPath, p95, sampleReport } from '../measures/reports.measure';
import { waitGroupStable } from '../support/bench-kafka';
import { fillEventStore } from '../support/event-fill';
import { benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { pacedLoop } from '../support/load';
import { round } from '../support/stats';
import { cpuCurve, snapshotCpu, trackCpu } from '../support/cpu-accounting';
import { ABSOLUTE_TARGETS } from '../report/ratios';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * What one event costs this group before the reports, in ms, used only to size the log to the time left: filling
 * it in SQL (0.03-0.06 ms on the 2-core machine) and rebuilding it through the swap (0.14 ms on a quiet day, 0.29 ms
 * on a slow one: 0.3 in all left a log of 760,000 events that day no time to finish), with room for a slow day.
 * Sizing, not a figure: the figures are what the rebuild then takes, and a smaller log is scaled and says so.
 */
const MS_PER_EVENT = 0.45;
const TARGET_LOG = 1_000_000;

/**
 * The big log: a store of events generated in SQL, sized to what is left of the run's budget (the plan's size,
 * 1,000,000 in a full run, when it fits), rebuilt through the projector's rebuild command, index builds and swap
 * included; then a projector chunk on the rebuilt log, and report latency over what the rebuild built, idle and
 * while writing at a fixed rate. If the rebuild does not finish, the reports are not measured.
 */
export async function rebuildGroup(ctx: GroupContext): Promise<void> {
  const { plan, config } = ctx;
  const s = await benchStack(ctx, 'rebuild', 4);
  // Kept for what follows the rebuild: four apps, a projector chunk, the two report phases, the clean-up.
  const afterMs = 25_000 + plan.projectorChunk / 2 + 2 * plan.reportPhaseMs;
  const fits = Math.floor((ctx.remainingMs() - afterMs) / MS_PER_EVENT / 10_000) * 10_000;
  const head = Math.max(Math.min(plan.rebuildEvents, 10_000), Math.min(plan.rebuildEvents, fits));
  ctx.note(
    head < plan.rebuildEvents
      ? `rebuild: the log was sized to ${head} events (the plan's ${plan.rebuildEvents} would not fit the ${round(ctx.remainingMs() / 1000, 0)} s left of the budget)`
      : `rebuild: a log of ${head} events`,
  );
  const filling = performance.now();
  await fillEventStore(s.db.pool, {
    events: head,
    streams: Math.max(2_000, Math.floor(head / 50)),
    scope: 'rb',
    onProgress: (n) => n % 200_000 === 0 && ctx.log(`filled ${n} of ${head} events`),
  });
  ctx.log(`event store filled with ${head} events in ${round((performance.now() - filling) / 1000)} s`);

  // The window leaves the reports their minimum; past it the rebuild is stopped and counted as not finished. A
  // quick run's small log gets a generous floor (its budget is mostly spent by then; a loaded machine is slow).
  const windowMs = Math.max(plan.mode === 'quick' ? 90_000 : 30_000, ctx.remainingMs() - (afterMs - plan.reportPhaseMs));
  const command = rebuildCommandOf(config.rebuildCommand, ctx.profiles('self') ? ctx.input.profile!.dir : null);
  // Read every half second: the command and its Postgres backends exit inside the window.
  const rebuildCpu = trackCpu();
  const run = await (
    command ? runRebuildCommand(command, ctx.appEnv(s.env), head, windowMs, (l) => ctx.log(l)) : foldIntoFreshTables(s.db, head, windowMs)
  ).finally(() => rebuildCpu.stop());
  const rebuildLine = ABSOLUTE_TARGETS.find((t) => t.figure === 'rebuild.seconds1M')!;
  ctx.curve(
    cpuCurve('rebuild', 'the rebuild, from start to exit', rebuildCpu.from, rebuildCpu.stop(), {
      events: run.events,
      target: { rate: Math.round(TARGET_LOG / rebuildLine.target.value), name: `${rebuildLine.name} in ${rebuildLine.target.value} s` },
    }),
  );
  const part = run.complete
    ? `${run.events} events`
    : `${run.events} of ${head} events (the ${round(windowMs / 1000, 0)} s window closed first)`;
  ctx.add('rebuild', run.rate, `${part} in ${round(run.ms / 1000)} s, from start to exit; ${run.how}`);
  ctx.add('rebuild.seconds', run.complete ? run.ms / 1000 : Infinity, `${head} events; ${run.how}`);
  ctx.add(
    'rebuild.seconds1M',
    run.complete ? (run.ms / 1000) * (TARGET_LOG / head) : Infinity,
    head === TARGET_LOG
      ? 'measured'
      : `scaled linearly from the ${head}-event log (${round(run.ms / 1000)} s): the budget did not fit a million`,
  );
  if (!run.complete) throw new Error('the rebuild did not finish within its window, so the reports over what it builds were not measured');

  // The write stack on the rebuilt log: the relay starts at the head (a fresh topic), the projector after the swap.
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

  if (!(await waitGroupStable(config.kafkaBrokers, s.env.PROJECTOR_GROUP_ID, 1, 30_000)))
    ctx.note('the projector group was not stable after 30 s; the chunk on the rebuilt log includes its join');
  const chunk = await measureProjectorChunk({
    pool: s.db.pool,
    topic: s.topics.names.events,
    chunk: plan.projectorChunk,
    fill: () => fillEventStore(s.db.pool, { events: plan.projectorChunk, streams: 200, scope: 'rbchunk' }),
    // The topic is fresh from the rebuild's head on: it holds what was appended after it.
    published: async () =>
      Number((await s.db.pool.query('SELECT max(global_position) AS head FROM event_store.events')).rows[0].head) - head,
    windowMs: plan.stageWindowMs,
  });
  ctx.curve({
    id: 'projector-log-size',
    title: 'Projector rate against the size of the log',
    columns: ['events already in the read models', 'events timed', 'events/s'],
    rows: [[head, chunk.events, chunk.rate]],
  });

  const path = await chooseReportPath(reader, config.reportPath);
  await sampleReport(reader, path, 10);
  // Each phase is bounded in time too, so a slow report shortens its sample instead of overrunning the run.
  const phaseMs = Math.max(5_000, Math.min(plan.reportPhaseMs, (ctx.remainingMs() - 10_000) / 2));
  const idleFrom = snapshotCpu();
  const idle = await sampleReport(reader, path, plan.reportSamples, phaseMs);
  ctx.curve(cpuCurve('reports-idle', 'reports, idle', idleFrom, snapshotCpu()));
  const at = `${path} over the read models the rebuild of ${head} events built`;
  ctx.add('reports.idleP95', p95(idle), `${idle.length} sequential requests, ${at}`);

  const rate = plan.reportLoadRate;
  let sampling = true;
  let seq = 0;
  const load = pacedLoop(
    { ratePerSecond: rate, durationMs: 10 * 60_000, maxBatch: 100, maxInFlight: 8, tickMs: 50, stopWhen: () => !sampling },
    async (n) => {
      await postBatch(writer, benchSubject('rl', seq++), n, seq * 100);
    },
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const started = performance.now();
  const loadFrom = snapshotCpu();
  const loaded = await sampleReport(reader, path, plan.reportSamples, phaseMs).finally(() => (sampling = false));
  ctx.curve(cpuCurve('reports-load', `reports while writing ${rate} events/s`, loadFrom, snapshotCpu()));
  const seconds = (performance.now() - started + 1_000) / 1000;
  const written = await load;
  if (written.errors) throw new Error(`the write load failed ${written.errors} times: ${written.firstError}`);
  ctx.add(
    'reports.loadP95',
    p95(loaded),
    `${loaded.length} sequential requests while writing a fixed ${rate} events/s over HTTP (${written.sent} written in ${round(seconds)} s${written.skipped ? `, ${written.skipped} not sent: the writer fell behind` : ''}), ${at}`,
  );
}
