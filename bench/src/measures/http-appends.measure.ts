import { benchEnvelope, benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { closedLoop, LoadResult } from '../support/load';
import { AppendTiming } from './store-appends.measure';

/** Runs so far in this process: each run writes streams of its own (a measurement is taken twice, A B A B). */
let runs = 0;

/** POST /v1/events with one envelope, `clients` keep-alive connections at once, each on streams of its own. */
export async function measureHttpSingles(
  ingestUrl: string,
  key: string,
  clients: number,
  streamsPerClient: number,
  timing: AppendTiming,
): Promise<LoadResult> {
  const http = new HttpClient(ingestUrl, { authorization: `Bearer ${key}` }, clients);
  const run = runs++;
  try {
    return await closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
      const subject = benchSubject(`hs${run}r${w}`, i % streamsPerClient);
      const res = await http.post('/v1/events', benchEnvelope(w * 1_000_000 + i, subject));
      if (res.status !== 201) throw new Error(`POST /v1/events answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      return 1;
    });
  } finally {
    http.close();
  }
}

/** POST /v1/events with {events: [batch envelopes of one new subject]}, `clients` at once. */
export async function measureHttpBatches(
  ingestUrl: string,
  key: string,
  clients: number,
  batch: number,
  timing: AppendTiming,
): Promise<LoadResult> {
  const http = new HttpClient(ingestUrl, { authorization: `Bearer ${key}` }, clients);
  const run = runs++;
  try {
    return await closedLoop({ concurrency: clients, ...timing }, async (w, i) => {
      const created = await postBatch(http, benchSubject(`hb${run}r${w}`, i), batch, i * batch);
      return created.count;
    });
  } finally {
    http.close();
  }
}

/** Posts one batch; resolves with how many were created and the highest position they got. */
export async function postBatch(
  http: HttpClient,
  subject: string,
  batch: number,
  seed: number,
): Promise<{ count: number; maxPosition: bigint }> {
  const events = Array.from({ length: batch }, (_, j) => benchEnvelope(seed + j, subject));
  const res = await http.post<{ results: Array<{ status: string; globalPosition?: string }> }>('/v1/events', { events });
  if (res.status !== 200) throw new Error(`POST /v1/events (batch) answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  let maxPosition = 0n;
  let count = 0;
  for (const r of res.body.results) {
    if (r.status !== 'created') throw new Error(`a batch item was ${r.status}: ${JSON.stringify(r).slice(0, 300)}`);
    count++;
    const p = BigInt(r.globalPosition!);
    if (p > maxPosition) maxPosition = p;
  }
  return { count, maxPosition };
}
