/** Sizes and durations of one run. Full mode fits in 15 minutes on 2 cores; quick mode in about 4. */
export interface BenchPlan {
  mode: 'quick' | 'full';
  scale: number;
  /** Wall-clock budget of the whole run; the rebuild (last) sizes its log to what is left of it. */
  budgetMs: number;
  /** Measuring window of each closed-loop throughput figure, after its warm-up (each is taken twice, A B A B). */
  measureMs: number;
  warmupMs: number;
  /**
   * Untimed load an app takes right after the bench starts it, before its first timed run: a fresh process runs
   * unoptimised code at first: a fresh ingest ramped from 750 to 2,250 single appends/s over its first 7 s, and the
   * first of its two timed runs came out 18-25% below the second, where the baselines' first runs, in the bench's
   * own warm process, moved either way (-9% to +7%). A deployed service is warm.
   */
  appWarmupMs: number;
  singleClients: number;
  batchSize: number;
  batchClients: number;
  /** COPY sessions at once for the baseline of batched appends (the batch clients' count: same session count). */
  copySessions: number;
  upsertBatch: number;
  upsertSessions: number;
  copyRows: number;
  kafkaRecords: number;
  relayEvents: number;
  /** Longest the relay and the projector are timed over a pre-filled log (they stop early when done). */
  stageWindowMs: number;
  /** Lengths of the streams the append-latency curve writes to (pre-filled in SQL). */
  streamLengths: number[];
  /** Sequential appends per point of that curve, and the longest a point may take (at least 3 appends). */
  lengthSamples: number;
  lengthPointMs: number;
  /** Events per projector chunk (instances curve, and the point on the rebuilt log). */
  projectorChunk: number;
  projectorInstances: number[];
  pipelineClients: number;
  pipelineMs: number;
  /** The pipeline writer pauses while more than this many accepted events are not yet in the read model. */
  pipelineMaxLag: number;
  /** End-to-end latency: a fixed write rate (events/s), at each subscriber count, for `latencyMs`. */
  e2eRate: number;
  e2eSubscribers: number[];
  latencyMs: number;
  /** The step sweep after each fixed-rate run: rates (events/s) per subscriber count, until one breaks. */
  sweepRates: number[][];
  sweepStepMs: number;
  /** Longest wait for the last frames after writing stops; a frame later than that counts as never delivered. */
  deliveryWaitMs: number;
  /** Fan-out burst (subscribers x items) and idle memory. */
  subscribers: number;
  idleSubscribers: number;
  fanoutEvents: number;
  /** Live delivery curve: subscriber counts (SSE and WebSocket), items/s committed, for how long. */
  liveSubscribers: number[];
  liveRate: number;
  liveMs: number;
  rebuildEvents: number;
  reportSamples: number;
  /** Longest each report phase (idle, under load) samples for. */
  reportPhaseMs: number;
  /** The fixed write rate of the report-under-load phase (issue 15: 500 events/s). */
  reportLoadRate: number;
  clientProcesses: number;
  /** Streams each single-append client cycles through (keeps streams short, like real subjects). */
  streamsPerClient: number;
}

type Sizes = Omit<BenchPlan, 'mode' | 'scale'>;

const FULL: Sizes = {
  budgetMs: 14 * 60_000,
  measureMs: 4_000,
  warmupMs: 1_000,
  appWarmupMs: 8_000,
  singleClients: 16,
  batchSize: 100,
  batchClients: 4,
  copySessions: 4,
  upsertBatch: 500,
  upsertSessions: 3,
  copyRows: 150_000,
  kafkaRecords: 300_000,
  relayEvents: 100_000,
  stageWindowMs: 25_000,
  streamLengths: [10, 1_000, 100_000],
  lengthSamples: 1_000,
  lengthPointMs: 10_000,
  projectorChunk: 20_000,
  projectorInstances: [1, 2, 3],
  pipelineClients: 4,
  pipelineMs: 20_000,
  pipelineMaxLag: 2_000,
  e2eRate: 50,
  e2eSubscribers: [100, 1_000],
  latencyMs: 15_000,
  sweepRates: [
    [200, 800, 2_000],
    [100, 200, 400],
  ],
  sweepStepMs: 5_000,
  deliveryWaitMs: 10_000,
  subscribers: 1_000,
  idleSubscribers: 10_000,
  fanoutEvents: 600,
  liveSubscribers: [100, 1_000, 10_000],
  liveRate: 50,
  liveMs: 4_000,
  rebuildEvents: 1_000_000,
  reportSamples: 300,
  reportPhaseMs: 20_000,
  reportLoadRate: 500,
  clientProcesses: 4,
  streamsPerClient: 200,
};

const QUICK: Sizes = {
  budgetMs: 240_000,
  measureMs: 1_200,
  warmupMs: 300,
  appWarmupMs: 1_000,
  singleClients: 16,
  batchSize: 100,
  batchClients: 4,
  copySessions: 4,
  upsertBatch: 500,
  upsertSessions: 3,
  copyRows: 20_000,
  kafkaRecords: 30_000,
  relayEvents: 10_000,
  stageWindowMs: 5_000,
  streamLengths: [10, 1_000, 10_000],
  lengthSamples: 40,
  lengthPointMs: 1_000,
  projectorChunk: 3_000,
  // Quick runs check that the curve works; the full run has 1, 2, 3.
  projectorInstances: [1, 2],
  pipelineClients: 4,
  pipelineMs: 4_000,
  pipelineMaxLag: 1_000,
  e2eRate: 50,
  e2eSubscribers: [50, 200],
  latencyMs: 3_000,
  sweepRates: [[], [200]],
  sweepStepMs: 1_500,
  deliveryWaitMs: 4_000,
  subscribers: 200,
  idleSubscribers: 1_000,
  fanoutEvents: 300,
  liveSubscribers: [50, 200, 1_000],
  liveRate: 50,
  liveMs: 1_500,
  rebuildEvents: 20_000,
  reportSamples: 60,
  reportPhaseMs: 6_000,
  reportLoadRate: 500,
  clientProcesses: 2,
  streamsPerClient: 50,
};

const SCALED = [
  'measureMs',
  'warmupMs',
  'appWarmupMs',
  'copyRows',
  'kafkaRecords',
  'relayEvents',
  'stageWindowMs',
  'lengthSamples',
  'lengthPointMs',
  'projectorChunk',
  'pipelineMs',
  'latencyMs',
  'sweepStepMs',
  'deliveryWaitMs',
  'subscribers',
  'idleSubscribers',
  'fanoutEvents',
  'liveMs',
  'rebuildEvents',
  'reportSamples',
  'reportPhaseMs',
] as const satisfies ReadonlyArray<keyof Sizes>;

/** The plan for a mode; `scale` shrinks (or grows) sizes and durations, never below a floor that still measures. */
export function benchPlan(quick: boolean, scale: number, openFilesLimit: number, budgetMinutes?: number): BenchPlan {
  const base: Sizes = { ...(quick ? QUICK : FULL) };
  for (const key of SCALED) base[key] = Math.max(key.endsWith('Ms') ? 300 : 20, Math.round(base[key] * scale));
  const counts = (xs: number[], floor: number) => xs.map((x) => Math.max(floor, Math.round(x * scale)));
  // The shortest stream stays at 10 events: the curve's reference point.
  base.streamLengths = base.streamLengths.map((x, i) => (i === 0 ? x : Math.max(20 * i, Math.round(x * scale))));
  base.e2eSubscribers = counts(base.e2eSubscribers, 10);
  base.liveSubscribers = counts(base.liveSubscribers, 10);
  base.budgetMs = Math.round(base.budgetMs * Math.min(1, Math.max(scale, 0.3)));
  // A longer budget leaves the rebuild a bigger log (it is sized to what is left of the budget).
  if (budgetMinutes) base.budgetMs = budgetMinutes * 60_000;
  // Each client process holds its share of connections; the query process holds all of them.
  const fdRoom = Math.max(100, openFilesLimit - 500);
  base.idleSubscribers = Math.min(base.idleSubscribers, fdRoom);
  base.subscribers = Math.min(base.subscribers, fdRoom);
  base.liveSubscribers = base.liveSubscribers.map((n) => Math.min(n, fdRoom));
  base.e2eSubscribers = base.e2eSubscribers.map((n) => Math.min(n, fdRoom));
  return { mode: quick ? 'quick' : 'full', scale, ...base };
}
