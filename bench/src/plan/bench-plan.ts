/** Sizes and durations of one run. Full mode fits in 15 minutes on 2 cores; quick mode in 3. */
export interface BenchPlan {
  mode: 'quick' | 'full';
  scale: number;
  /** Wall-clock budget of the whole run; the rebuild (last) gets what is left of it. */
  budgetMs: number;
  /** Measuring window of each closed-loop throughput figure, after its warm-up. */
  measureMs: number;
  warmupMs: number;
  singleClients: number;
  batchSize: number;
  batchClients: number;
  upsertBatch: number;
  upsertSessions: number;
  copyRows: number;
  kafkaRecords: number;
  relayEvents: number;
  /** Longest the relay and the projector are timed over a pre-filled log (they stop early when done). */
  stageWindowMs: number;
  pipelineClients: number;
  pipelineMs: number;
  /** The pipeline writer pauses while more than this many accepted events are not yet in the read model. */
  pipelineMaxLag: number;
  latencyMs: number;
  subscribers: number;
  idleSubscribers: number;
  fanoutEvents: number;
  rebuildEvents: number;
  rebuildMaxMs: number;
  reportSamples: number;
  /** Longest each report phase (idle, under load) samples for. */
  reportPhaseMs: number;
  clientProcesses: number;
  /** Streams each single-append client cycles through (keeps streams short, like real subjects). */
  streamsPerClient: number;
}

const FULL: Omit<BenchPlan, 'mode' | 'scale'> = {
  budgetMs: 14 * 60_000,
  measureMs: 8_000,
  warmupMs: 1_500,
  singleClients: 16,
  batchSize: 100,
  batchClients: 4,
  upsertBatch: 500,
  upsertSessions: 3,
  copyRows: 150_000,
  kafkaRecords: 300_000,
  relayEvents: 100_000,
  stageWindowMs: 20_000,
  pipelineClients: 4,
  pipelineMs: 30_000,
  pipelineMaxLag: 2_000,
  latencyMs: 20_000,
  subscribers: 1_000,
  idleSubscribers: 10_000,
  fanoutEvents: 600,
  rebuildEvents: 1_000_000,
  rebuildMaxMs: 300_000,
  reportSamples: 300,
  reportPhaseMs: 45_000,
  clientProcesses: 4,
  streamsPerClient: 200,
};

const QUICK: Omit<BenchPlan, 'mode' | 'scale'> = {
  budgetMs: 170_000,
  measureMs: 2_000,
  warmupMs: 400,
  singleClients: 16,
  batchSize: 100,
  batchClients: 4,
  upsertBatch: 500,
  upsertSessions: 3,
  copyRows: 20_000,
  kafkaRecords: 30_000,
  relayEvents: 10_000,
  stageWindowMs: 4_000,
  pipelineClients: 4,
  pipelineMs: 5_000,
  pipelineMaxLag: 1_000,
  latencyMs: 4_000,
  subscribers: 200,
  idleSubscribers: 1_000,
  fanoutEvents: 300,
  rebuildEvents: 20_000,
  rebuildMaxMs: 20_000,
  reportSamples: 60,
  reportPhaseMs: 8_000,
  clientProcesses: 2,
  streamsPerClient: 50,
};

const SCALED: Array<keyof typeof FULL> = [
  'measureMs',
  'warmupMs',
  'copyRows',
  'kafkaRecords',
  'relayEvents',
  'stageWindowMs',
  'pipelineMs',
  'latencyMs',
  'subscribers',
  'idleSubscribers',
  'fanoutEvents',
  'rebuildEvents',
  'rebuildMaxMs',
  'reportSamples',
  'reportPhaseMs',
];

/** The plan for a mode; `scale` shrinks (or grows) sizes and durations, never below a floor that still measures. */
export function benchPlan(quick: boolean, scale: number, openFilesLimit: number, budgetMinutes?: number): BenchPlan {
  const base = { ...(quick ? QUICK : FULL) };
  for (const key of SCALED) base[key] = Math.max(key.endsWith('Ms') ? 300 : 20, Math.round(base[key] * scale));
  base.budgetMs = Math.round(base.budgetMs * Math.min(1, Math.max(scale, 0.3)));
  // A longer budget is for letting the rebuild finish the whole log: its window is then only what is left.
  if (budgetMinutes) {
    base.budgetMs = budgetMinutes * 60_000;
    base.rebuildMaxMs = base.budgetMs;
  }
  // Each client process holds its share of connections; the query process holds all of them.
  const fdRoom = Math.max(100, openFilesLimit - 500);
  base.idleSubscribers = Math.min(base.idleSubscribers, fdRoom);
  base.subscribers = Math.min(base.subscribers, fdRoom);
  return { mode: quick ? 'quick' : 'full', scale, ...base };
}
