import { Pool } from 'pg';
import { BENCH_ORGS, BENCH_ROLES, BENCH_TYPE, benchEnvelope, PERIOD_BOUNDS } from './event-shape';

/**
 * Fills an empty event store with `events` bench events, generated inside Postgres (the fastest way to get a
 * million rows; this is set-up, not a measured figure). Events cycle through `streams` subjects, so every
 * stream holds events/streams versions, and organizations cycle like the HTTP-written ones.
 */
export async function fillEventStore(
  pool: Pool,
  options: { events: number; streams: number; scope: string; onProgress?: (done: number) => void },
): Promise<void> {
  const template = benchEnvelope(0, 'person:template');
  const chunk = 50_000;
  const subjectPrefix = `person:bench-${options.scope}-`;
  for (let from = 0; from < options.events; from += chunk) {
    const to = Math.min(options.events, from + chunk) - 1;
    await pool.query(
      `INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, occurred_at,
         occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash)
       SELECT gen_random_uuid(), $1 || (i % $2), (i / $2) + 1, $3, 1, $4, $5::timestamptz, $6::timestamptz, clock_timestamp(),
         jsonb_set(jsonb_set(jsonb_set($7::jsonb, '{organization}', to_jsonb('org:bench-' || (i % $8))),
           '{role}', to_jsonb(($12::text[])[1 + i % $14])), '{roleCategory}', to_jsonb(($13::text[])[1 + i % $14])),
         jsonb_set($9::jsonb, '{0,url}', to_jsonb('https://example.org/business/2024/10/02/appointment-' || (i % 9973))),
         'reported', jsonb_build_object('correlationId', 'fill-' || i, 'causationId', null, 'actor', 'bench'), md5(i::text)
       FROM generate_series($10::int, $11::int) AS i
       ORDER BY i`,
      [
        subjectPrefix,
        options.streams,
        BENCH_TYPE,
        PERIOD_BOUNDS.occurredAt,
        PERIOD_BOUNDS.start,
        PERIOD_BOUNDS.end,
        JSON.stringify(template.data),
        BENCH_ORGS.length,
        JSON.stringify(template.sources),
        from,
        to,
        BENCH_ROLES.map((r) => r[0]),
        BENCH_ROLES.map((r) => r[1]),
        BENCH_ROLES.length,
      ],
    );
    options.onProgress?.(to + 1);
  }
  // Stream versions as the store would have kept them: stream k holds every i = k (mod streams).
  await pool.query(
    `INSERT INTO event_store.streams (stream_id, version)
     SELECT $1 || k, ((($3::bigint - 1 - k) / $2::int) + 1)::int FROM generate_series(0, least($2::int, $3::int) - 1) AS k
     ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version`,
    [subjectPrefix, options.streams, options.events],
  );
  await pool.query('ANALYZE event_store.events');
}
