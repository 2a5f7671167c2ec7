import { Pool } from 'pg';
import { RUN_COLUMNS, runEndsSql } from '@newsroom/projections';
import { BENCH_ORGS } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { percentile } from '../support/stats';

const LEADERSHIP_REPORT = '/v1/reports/leadership?organization={org}';
const FEED_STAND_IN = '/v1/feed?organization={org}&limit=100';

/**
 * `auto`: the leadership report once the query service answers it and its read model was fully rebuilt, the
 * feed filtered by organization (the stand-in) before that. Anything else is used as given.
 */
export async function chooseReportPath(http: HttpClient, setting: string, readModelsComplete: boolean): Promise<string> {
  if (setting !== 'auto') return setting;
  if (!readModelsComplete) return FEED_STAND_IN;
  const probe = await http.get(LEADERSHIP_REPORT.replace('{org}', encodeURIComponent(BENCH_ORGS[1]))).catch(() => null);
  return probe?.status === 200 ? LEADERSHIP_REPORT : FEED_STAND_IN;
}

/**
 * Sequential GETs of the report, each for an organization picked at random, until `samples` were taken or
 * `withinMs` has passed (whichever comes first); latencies in ms.
 */
export async function sampleReport(http: HttpClient, template: string, samples: number, withinMs = Infinity): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + withinMs;
  for (let i = 0; i < samples && performance.now() < until; i++) {
    const org = BENCH_ORGS[Math.floor(Math.random() * BENCH_ORGS.length)];
    const started = performance.now();
    const res = await http.get(template.replace('{org}', encodeURIComponent(org)));
    if (res.status !== 200) throw new Error(`GET ${template} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    out.push(performance.now() - started);
  }
  return out;
}

export const p95 = (samples: number[]) => percentile(samples, 95);

/**
 * When the rebuild's window closed before the head, the feed read model is completed straight from the log in
 * SQL (headlines simplified), so the reports still run over the whole log; the watermark is set to the head.
 */
export async function completeFeedFromLog(pool: Pool, head: number, log: (line: string) => void): Promise<number> {
  const { rows } = await pool.query('SELECT coalesce(max(position), 0) AS max, count(*) AS n FROM read_model.feed_items');
  let from = Number(rows[0].max);
  const had = Number(rows[0].n);
  for (; from < head; from += 100_000) {
    await pool.query(
      `INSERT INTO read_model.feed_items (position, event_id, type, subject, organizations, occurred_at, occurred_start,
         occurred_end, recorded_at, headline_en, headline_fr, data, sources, modality, status, correlation_id)
       SELECT e.global_position, e.event_id, e.type, e.stream_id, ARRAY[e.data->>'organization'], e.occurred_at,
         e.occurred_start, e.occurred_end, e.recorded_at, e.stream_id || ' appointed ' || (e.data->>'role'),
         e.stream_id || ' nommé ' || (e.data->>'role'), e.data, e.sources, e.modality, 'current', e.metadata->>'correlationId'
       FROM event_store.events e WHERE e.global_position > $1 AND e.global_position <= $2
       ON CONFLICT (position) DO NOTHING`,
      [from, Math.min(head, from + 100_000)],
    );
    log(`feed read model completed up to ${Math.min(head, from + 100_000)}`);
  }
  await pool.query('UPDATE read_model.feed_watermark SET position = GREATEST(position, $1), updated_at = now() WHERE id = 1', [head]);
  await pool.query('ANALYZE read_model.feed_items');
  return head - had;
}

/**
 * The same for the leadership read model (the report the bench measures): appointments past the rebuild's reach
 * written from the log in SQL as the projection would store them (bench events are never amended), then its
 * `leadership_runs` computed in one pass, as a rebuild completes them.
 */
export async function completeLeadershipFromLog(pool: Pool, head: number, log: (line: string) => void): Promise<number> {
  const { rows } = await pool.query('SELECT coalesce(max(fact_position), 0) AS max, count(*) AS n FROM read_model.leadership_events');
  let from = Number(rows[0].max);
  const had = Number(rows[0].n);
  for (; from < head; from += 100_000) {
    await pool.query(
      `INSERT INTO read_model.leadership_events (fact_id, version, part, event_type, subject, modality, occurred_at, valid_from,
         valid_to, recorded_from, position_from, fact_position, data, sources, organization, kind, role, role_key, role_category, interim)
       SELECT e.event_id, 1, '', e.type, e.stream_id, e.modality, e.occurred_at, e.occurred_start, e.occurred_end, e.recorded_at,
         e.global_position, e.global_position, e.data, e.sources, e.data->>'organization', 'appointed', e.data->>'role',
         lower(regexp_replace(btrim(e.data->>'role'), '\\s+', ' ', 'g')), coalesce(e.data->>'roleCategory', 'other'), false
       FROM event_store.events e WHERE e.global_position > $1 AND e.global_position <= $2 AND e.type = 'executive.appointed'
       ON CONFLICT (fact_id, version, part) DO NOTHING`,
      [from, Math.min(head, from + 100_000)],
    );
    log(`leadership read model completed up to ${Math.min(head, from + 100_000)}`);
  }
  await pool.query('ANALYZE read_model.leadership_events');
  await pool.query('DELETE FROM read_model.leadership_runs');
  await pool.query(
    `INSERT INTO read_model.leadership_runs (${RUN_COLUMNS.join(', ')}) ${runEndsSql('read_model.leadership_events', `t.recorded_to IS NULL AND t.modality <> 'denied'`)}`,
  );
  await pool.query('ANALYZE read_model.leadership_runs');
  return Math.max(0, head - had);
}
