import { getPostgreSQLEventStore, PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import { BenchEnvelope, benchEnvelope, benchSubject, toAppend } from '../support/event-shape';
import { closedLoop, LoadResult } from '../support/load';

export interface AppendTiming {
  warmupMs: number;
  measureMs: number;
}

/** Runs so far in this process: each run writes streams of its own (a measurement is taken twice, A B A B). */
let runs = 0;

/** Each client cycles through streams of its own, tracking their versions like a writer that read them. */
function streamCycler(scope: string, streamsPerClient: number) {
  const versions = new Map<string, number>();
  const run = runs++;
  return (worker: number, iteration: number) => {
    const subject = benchSubject(`${scope}${run}r${worker}`, iteration % streamsPerClient);
    const version = versions.get(subject) ?? 0;
    return { subject, version, done: () => versions.set(subject, version + 1), index: worker * 1_000_000 + iteration };
  };
}

/** PgEventStore.append of one event with an expected version, from `clients` connections at once. */
export async function measureStoreSingles(
  pool: Pool,
  clients: number,
  streamsPerClient: number,
  timing: AppendTiming,
): Promise<LoadResult> {
  const store = new PgEventStore(pool);
  const next = streamCycler('ds', streamsPerClient);
  return closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
    const s = next(w, i);
    await store.append({ streamId: s.subject, expectedVersion: s.version, events: [toAppend(benchEnvelope(s.index, s.subject), 'bench')] });
    s.done();
    return 1;
  });
}

/** PgEventStore.append of `batch` events to a new stream (expected version 0), `clients` at once. */
export async function measureStoreBatches(pool: Pool, clients: number, batch: number, timing: AppendTiming): Promise<LoadResult> {
  const store = new PgEventStore(pool);
  const run = runs++;
  return closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
    const subject = benchSubject(`db${run}r${w}`, i);
    const events = Array.from({ length: batch }, (_, j) => toAppend(benchEnvelope(i * batch + j, subject), 'bench'));
    await store.append({ streamId: subject, expectedVersion: 0, events });
    return batch;
  });
}

/** The same event for emmett: type, data (our data, sources and dates) and metadata. */
function emmettEvent(e: BenchEnvelope) {
  return {
    type: e.type,
    data: { subject: e.subject, occurredAt: e.occurredAt, ...e.data, sources: e.sources, modality: e.modality },
    metadata: { eventId: e.id, correlationId: e.id, causationId: null, actor: 'bench' },
  };
}

/** emmett-postgresql on the same database, its schema created before timing, with a pool as large as ours. */
export async function openEmmett(url: string, poolMax: number): Promise<{ store: PostgresEventStore; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: url, max: poolMax, application_name: 'bench-emmett' });
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, pool } });
  await store.schema.migrate();
  return {
    store,
    close: async () => {
      await store.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

export async function measureEmmettSingles(
  store: PostgresEventStore,
  clients: number,
  streamsPerClient: number,
  timing: AppendTiming,
): Promise<LoadResult> {
  const next = streamCycler('es', streamsPerClient);
  return closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
    const s = next(w, i);
    await store.appendToStream(s.subject, [emmettEvent(benchEnvelope(s.index, s.subject))], {
      expectedStreamVersion: s.version === 0 ? STREAM_DOES_NOT_EXIST : BigInt(s.version),
    });
    s.done();
    return 1;
  });
}

export async function measureEmmettBatches(
  store: PostgresEventStore,
  clients: number,
  batch: number,
  timing: AppendTiming,
): Promise<LoadResult> {
  const run = runs++;
  return closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
    const subject = benchSubject(`eb${run}r${w}`, i);
    const events = Array.from({ length: batch }, (_, j) => emmettEvent(benchEnvelope(i * batch + j, subject)));
    await store.appendToStream(subject, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    return batch;
  });
}
