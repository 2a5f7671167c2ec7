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

/** Each append of a point, timed on its own (one writer: the next starts when this one answered). */
type Writer = { append: (i: number) => Promise<void>; times: number[] };

/**
 * The writers take turns, one append each per round, in an order that rotates every round, until each has `samples`
 * or `budgetMs` has passed with at least three each; one warm-up append each first, not counted. Taking turns puts
 * every point under the same conditions: measured one after the other, the last points ran while the first fills'
 * checkpoint and autovacuum ran, and a p99 is the tenth-slowest of a thousand appends.
 */
async function interleaved(writers: Writer[], samples: number, budgetMs: number): Promise<void> {
  for (const w of writers) await w.append(0);
  const started = performance.now();
  for (let round = 1; writers.some((w) => w.times.length < samples); round++) {
    if (round > 3 && performance.now() - started >= budgetMs) break;
    for (let k = 0; k < writers.length; k++) {
      const w = writers[(round + k) % writers.length];
      if (w.times.length >= samples) continue;
      const t = performance.now();
      await w.append(round);
      w.times.push(performance.now() - t);
    }
  }
}

const pointOf = (times: number[]): LatencyPoint => ({ samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99) });

/** The fills' aftermath out of the way before timing: their dirty pages written, the tables vacuumed and analysed. */
async function settle(pool: Pool): Promise<void> {
  // CHECKPOINT needs a superuser or pg_checkpoint; without it a spread checkpoint may still overlap the points.
  await pool.query('CHECKPOINT').catch(() => undefined);
  await pool.query('VACUUM (ANALYZE) event_store.events, event_store.streams');
}

/**
 * Append latency against the length of the stream written to: for each length, two streams pre-filled in SQL with
 * that many events (events and stream row, as the store keeps them; set-up, not timed), then single appends to one
 * through PgEventStore (with the expected version) and to the other through POST /v1/events. Every length is filled
 * first, then the appends of all points take turns (`interleaved`), so a slow spell of the machine falls on every
 * length alike.
 */
export async function measureStreamLengths(options: {
  pool: Pool;
  http: HttpClient;
  lengths: number[];
  samples: number;
  pointMs: number;
}): Promise<Array<{ length: number; direct: LatencyPoint; http: LatencyPoint }>> {
  const store = new PgEventStore(options.pool);
  const direct: Writer[] = [];
  const http: Writer[] = [];
  for (const length of options.lengths) {
    await fillEventStore(options.pool, { events: length, streams: 1, scope: `lend${length}` });
    await fillEventStore(options.pool, { events: length, streams: 1, scope: `lenh${length}` });
    const directSubject = `person:bench-lend${length}-0`;
    const httpSubject = `person:bench-lenh${length}-0`;
    let version = length;
    direct.push({
      times: [],
      append: async (i) => {
        await store.append({
          streamId: directSubject,
          expectedVersion: version,
          events: [toAppend(benchEnvelope(length + i, directSubject), 'bench')],
        });
        version++;
      },
    });
    http.push({
      times: [],
      append: async (i) => {
        const res = await options.http.post('/v1/events', benchEnvelope(length + i, httpSubject));
        if (res.status !== 201)
          throw new Error(`POST /v1/events on a stream of ${length} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      },
    });
  }
  await settle(options.pool);
  // The store's points, then the HTTP ones: each group takes turns within itself, in the time the points had when
  // they were measured one after the other.
  await interleaved(direct, options.samples, options.pointMs * direct.length);
  await interleaved(http, options.samples, options.pointMs * http.length);
  return options.lengths.map((length, i) => ({ length, direct: pointOf(direct[i].times), http: pointOf(http[i].times) }));
}
