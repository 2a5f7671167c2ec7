/** One measured number. Throughputs are per second; latencies in ms; memory in KiB. */
export interface Figure {
  id: FigureId;
  /** Infinity for a latency percentile that falls among frames never delivered (see `measures/latency`). */
  value: number;
  /** Conditions worth reading next to the number (clients, sizes, partial runs). */
  note?: string;
  /** Each measurement when the figure was taken more than once (A B A B); `value` is their mean. */
  samples?: number[];
}

type Unit = 'rows/s' | 'records/s' | 'events/s' | 'deliveries/s' | 'ms' | 'KiB' | 's' | '%';

interface FigureSpec {
  label: string;
  unit: Unit;
  kind: 'baseline' | 'ours' | 'context';
  group: GroupName;
}

export type GroupName = 'appends' | 'kafka' | 'pipeline' | 'fanout' | 'rebuild';
export const GROUPS: GroupName[] = ['appends', 'kafka', 'pipeline', 'fanout', 'rebuild'];

/** Every figure a run produces; the smoke test checks that each one is present. */
const FIGURES = {
  'pg.copy': {
    label: 'Postgres COPY into an events table with the store indexes, one session',
    unit: 'rows/s',
    kind: 'baseline',
    group: 'appends',
  },
  'pg.copy4': {
    label: 'Postgres COPY into an events table with the store indexes, 4 sessions at once',
    unit: 'rows/s',
    kind: 'baseline',
    group: 'appends',
  },
  'pg.inserts16': { label: 'Postgres single-row INSERTs, 16 clients', unit: 'rows/s', kind: 'baseline', group: 'appends' },
  'emmett.single16': { label: 'emmett-postgresql single appends, 16 clients', unit: 'events/s', kind: 'baseline', group: 'appends' },
  'emmett.batch100': { label: 'emmett-postgresql appends of 100 events, 4 clients', unit: 'events/s', kind: 'baseline', group: 'appends' },
  'appends.direct.single16': { label: 'PgEventStore single appends, 16 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.direct.batch100': { label: 'PgEventStore appends of 100 events, 4 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.http.single16': { label: 'POST /v1/events single, 16 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.http.batch100': { label: 'POST /v1/events batches of 100, 4 clients', unit: 'events/s', kind: 'ours', group: 'appends' },
  'appends.http.p99.short': {
    label: 'POST /v1/events single, p99 on a stream of 10 events (one writer)',
    unit: 'ms',
    kind: 'ours',
    group: 'appends',
  },
  'appends.http.p99.long': {
    label: 'POST /v1/events single, p99 on the longest stream of the curve (one writer)',
    unit: 'ms',
    kind: 'ours',
    group: 'appends',
  },
  'kafka.producerPerf': { label: 'Kafka ProducerPerformance (acks=all)', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafka.consumerPerf': { label: 'Kafka ConsumerPerformance', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafkajs.producer': { label: 'kafkajs sendBatch of 100 (acks=-1, one in flight)', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'kafkajs.consumer': { label: 'kafkajs consumer, no-op eachBatch', unit: 'records/s', kind: 'baseline', group: 'kafka' },
  'pg.upserts': { label: 'Postgres batched upserts into a feed-shaped table', unit: 'rows/s', kind: 'baseline', group: 'pipeline' },
  relay: { label: 'Relay: event store -> Kafka (pre-filled store)', unit: 'events/s', kind: 'ours', group: 'pipeline' },
  projector: {
    label: 'Projector: Kafka -> read models (pre-filled topic), committed events',
    unit: 'events/s',
    kind: 'ours',
    group: 'pipeline',
  },
  'projector.bulk': {
    label: "The projector's own rows bulk-upserted into copies of its tables (one statement per table)",
    unit: 'events/s',
    kind: 'baseline',
    group: 'pipeline',
  },
  'pipeline.sustained': {
    label: 'Whole pipeline, HTTP accept -> read model, sustained',
    unit: 'events/s',
    kind: 'ours',
    group: 'pipeline',
  },
  'e2e.sse100.p99': {
    label: 'End-to-end p99, HTTP accept -> SSE frame, 100 subscribers, 50 events/s',
    unit: 'ms',
    kind: 'ours',
    group: 'pipeline',
  },
  'e2e.sse100.delivered': { label: 'Frames delivered, 100 subscribers, 50 events/s', unit: '%', kind: 'context', group: 'pipeline' },
  'e2e.sse1000.p50': { label: 'End-to-end p50, 1,000 SSE subscribers, 50 events/s', unit: 'ms', kind: 'ours', group: 'pipeline' },
  'e2e.sse1000.p99': { label: 'End-to-end p99, 1,000 SSE subscribers, 50 events/s', unit: 'ms', kind: 'ours', group: 'pipeline' },
  'e2e.sse1000.delivered': { label: 'Frames delivered, 1,000 subscribers, 50 events/s', unit: '%', kind: 'context', group: 'pipeline' },
  'sse.bare.fanout': { label: 'Bare Node SSE broadcast', unit: 'deliveries/s', kind: 'baseline', group: 'fanout' },
  'sse.bare.fanoutP99': { label: 'Bare Node SSE broadcast, delivery p99', unit: 'ms', kind: 'baseline', group: 'fanout' },
  'sse.bare.idleKiB': { label: 'Bare Node SSE memory per idle connection', unit: 'KiB', kind: 'baseline', group: 'fanout' },
  'sse.fanout': { label: 'Query service SSE fan-out', unit: 'deliveries/s', kind: 'ours', group: 'fanout' },
  'sse.fanoutP99': { label: 'Query service SSE fan-out, delivery p99', unit: 'ms', kind: 'ours', group: 'fanout' },
  'sse.idleKiB': { label: 'Query service memory per idle SSE subscriber', unit: 'KiB', kind: 'ours', group: 'fanout' },
  rebuild: { label: 'Rebuild of the whole log through index builds and the swap', unit: 'events/s', kind: 'ours', group: 'rebuild' },
  'rebuild.seconds': { label: 'Rebuild time through the swap, for the log the run built', unit: 's', kind: 'ours', group: 'rebuild' },
  'rebuild.seconds1M': {
    label: 'Rebuild time through the swap for 1,000,000 events (measured, or scaled linearly from a smaller log)',
    unit: 's',
    kind: 'ours',
    group: 'rebuild',
  },
  'reports.idleP95': { label: 'Report p95 over the rebuilt read models, idle', unit: 'ms', kind: 'ours', group: 'rebuild' },
  'reports.loadP95': { label: 'Report p95 over the rebuilt read models, writing 500 events/s', unit: 'ms', kind: 'ours', group: 'rebuild' },
} satisfies Record<string, FigureSpec>;

export type FigureId = keyof typeof FIGURES;
export const FIGURE_IDS = Object.keys(FIGURES) as FigureId[];
export const figureSpec = (id: FigureId): FigureSpec => FIGURES[id];

/** A small table of one curve (a figure against a size or a count), as the results show it. */
export interface Curve {
  id: string;
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  note?: string;
}
