import { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import { fillEventStore } from '../support/event-fill';
import { benchEnvelope, toAppend } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { percentile } from '../support/stats';

export interface LatencyPoint {
  samples: number;
  p50: number;
  p99: number;
}

/**
 * Sequential appends (one writer, one event each) until `samples` were taken or `pointMs` has passed with at least
 * three; the first append is a warm-up, not counted.
 */
async function sequential(append: (i: number) => Promise<void>, samples: number, pointMs: number): Promise<LatencyPoint> {
  await append(0);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 1; times.length < samples && (times.length < 3 || performance.now() - started < pointMs); i++) {
    const t = performance.now();
    await append(i);
    times.push(performance.now() - t);
  }
  return { samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * Append latency against the length of the stream written to: for each length, a stream pre-filled in SQL with
 * that many events (events and stream row, as the store keeps them; set-up, not timed), then single appends to it
 * through PgEventStore (with the expected version) and, on a stream of its own of the same length, through
 * POST /v1/events.
 */
export async function measureStreamLengths(options: {
  pool: Pool;
  http: HttpClient;
  lengths: number[];
  samples: number;
  pointMs: number;
}): Promise<Array<{ length: number; direct: LatencyPoint; http: LatencyPoint }>> {
  const store = new PgEventStore(options.pool);
  const out: Array<{ length: number; direct: LatencyPoint; http: LatencyPoint }> = [];
  for (const length of options.lengths) {
    await fillEventStore(options.pool, { events: length, streams: 1, scope: `lend${length}` });
    await fillEventStore(options.pool, { events: length, streams: 1, scope: `lenh${length}` });
    const directSubject = `person:bench-lend${length}-0`;
    const httpSubject = `person:bench-lenh${length}-0`;
    let version = length;
    const direct = await sequential(
      async (i) => {
        await store.append({
          streamId: directSubject,
          expectedVersion: version,
          events: [toAppend(benchEnvelope(length + i, directSubject), 'bench')],
        });
        version++;
      },
      options.samples,
      options.pointMs,
    );
    const http = await sequential(
      async (i) => {
        const res = await options.http.post('/v1/events', benchEnvelope(length + i, httpSubject));
        if (res.status !== 201)
          throw new Error(`POST /v1/events on a stream of ${length} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      },
      options.samples,
      options.pointMs,
    );
    out.push({ length, direct, http });
  }
  return out;
}
