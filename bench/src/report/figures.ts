/** One measured number. Throughputs are per second; latencies in ms; memory in KiB. */
export interface Figure {
  id: FigureId;
  value: number;
  /** Conditions worth reading next to the number (clients, sizes, partial runs). */
  note?: string;
}

type Unit = 'rows/s' | 'records/s' | 'events/s' | 'deliveries/s' | 'ms' | 'KiB';

interface FigureSpec {
  label: string;
  unit: Unit;
  kind: 'baseline' | 'ours' | 'context';
  group: GroupName;
}

export type GroupName = 'appends' | 'kafka' | 'pipeline' | 'fanout' | 'rebuild';
export const GROUPS: GroupName[] = ['appends', 'kafka', 'pipeline', 'fanout', 'rebuild'];

/** Every figure a run produces; the smoke test checks that each one is present and finite. */
const FIGURES = {
  'pg.copy': { label: 'Postgres COPY into an events table with the store indexes', unit: 'rows/s', kind: 'baseline', group: 'appends' },
  'pg.inserts16': { label: 'Postgres single-row INSERTs, 16 clients', unit: 'rows/s', kind: 'baseline', group: 'appends' },
  'emmett.single16': { label: 'emmett-postgresql single appends, 16 clients', unit: 'events/s', kind: 'baseline', group: 'appends' },
  'emmett.batch100': { label: 'emmett-postgresql appends of 100 events', unit: 'events/s', kind: 'baseline', group: 'appends' },
  'appends.direct.single16': { label: 'PgEventStore single appends, 16 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.direct.batch100': { label: 'PgEventStore appends of 100 events', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.http.single16': { label: 'POST /v1/events single, 16 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.http.batch100': { label: 'POST /v1/events batches of 100', unit: 'events/s', kind: 'ours', group: 'appends' },
  'kafka.producerPerf': { label: 'Kafka ProducerPerformance (acks=all)', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafka.consumerPerf': { label: 'Kafka ConsumerPerformance', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafkajs.producer': { label: 'kafkajs sendBatch of 100 (acks=-1, one in flight)', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafkajs.consumer': { label: 'kafkajs consumer, no-op eachBatch', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'pg.upserts': { label: 'Postgres batched upserts into a feed-shaped table', unit: 'rows/s', kind: 'baseline', group: 'pipeline' },
  relay: { label: 'Relay: event store -> Kafka (pre-filled store)', unit: 'events/s', kind: 'ours', group: 'pipeline' },
  projector: { label: 'Projector: Kafka -> read models (pre-filled topic)', unit: 'events/s', kind: 'ours', group: 'pipeline' },
  'pipeline.sustained': {
    label: 'Whole pipeline, HTTP accept -> read model, sustained',
    unit: 'events/s',
    kind: 'ours',
    group: 'pipeline',
  },
  'e2e.rate': {
    label: 'Write rate during the latency run (half the sustained rate)',
    unit: 'events/s',
    kind: 'context',
    group: 'pipeline',
  },
  'e2e.p50': { label: 'End-to-end latency p50, HTTP accept -> SSE delivery', unit: 'ms', kind: 'ours', group: 'pipeline' },
  'e2e.p95': { label: 'End-to-end latency p95', unit: 'ms', kind: 'ours', group: 'pipeline' },
  'e2e.p99': { label: 'End-to-end latency p99', unit: 'ms', kind: 'ours', group: 'pipeline' },
  'sse.bare.fanout': { label: 'Bare Node SSE broadcast', unit: 'deliveries/s', kind: 'baseline', group: 'fanout' },
  'sse.bare.idleKiB': { label: 'Bare Node SSE memory per idle connection', unit: 'KiB', kind: 'baseline', group: 'fanout' },
  'sse.fanout': { label: 'Query service SSE fan-out', unit: 'deliveries/s', kind: 'ours', group: 'fanout' },
  'sse.idleKiB': { label: 'Query service memory per idle SSE subscriber', unit: 'KiB', kind: 'ours', group: 'fanout' },
  rebuild: { label: 'Rebuild: fold the log into fresh read-model tables', unit: 'events/s', kind: 'ours', group: 'rebuild' },
  'reports.idleP95': { label: 'Report p95, idle', unit: 'ms', kind: 'ours', group: 'rebuild' },
  'reports.loadP95': { label: 'Report p95, under write load', unit: 'ms', kind: 'ours', group: 'rebuild' },
} satisfies Record<string, FigureSpec>;

export type FigureId = keyof typeof FIGURES;
export const FIGURE_IDS = Object.keys(FIGURES) as FigureId[];
export const figureSpec = (id: FigureId): FigureSpec => FIGURES[id];
