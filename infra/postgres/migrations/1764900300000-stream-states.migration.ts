import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a write decides on, kept per stream so that a write reads a constant amount however long its stream is.
 *
 * - `event_store.stream_states`: one row per stream, the writer's decision state (jsonb, opaque to the store) as of
 *   `version`, written under the writer's `state_schema`. Only append_group writes it, in the append's transaction,
 *   for the streams whose version check passed, at the version the append brings the stream to: a row whose version
 *   equals `streams.version` reflects exactly the stream's events. An append without a state leaves the row behind
 *   at an older version, and a reader takes such a row (or one of another schema, or none: every stream recorded
 *   before this migration) as no row: it folds the stream from its events, and its next append rewrites the row.
 *   No backfill: rows appear as streams are written.
 * - `events_target_event_idx`: the events naming another one (`data.targetEventId`: corrections, retractions,
 *   attached sources), found by the event they name: an amendment decides on its target's current state, the target
 *   and what amended it. Partial, so only those types pay for it on insert; its predicate (`data ? 'targetEventId'`)
 *   is one no other index serves, so a query that repeats it can only be answered through this index (or a scan of
 *   the whole table, never cheaper on a log of any size). Building it reads the log once, at this migration.
 * - `append_group` with two more arrays (the states and their schema, one entry per submission and stream); the
 *   twenty-argument one stays for an older ingest still running during a deploy (its appends leave rows behind,
 *   which is safe, as above).
 */
export class StreamStates1764900300000 implements MigrationInterface {
  name = 'StreamStates1764900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_store.stream_states (
      stream_id text PRIMARY KEY,
      version integer NOT NULL CHECK (version >= 1),
      state_schema integer NOT NULL,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX events_target_event_idx ON event_store.events ((data->>'targetEventId')) WHERE data ? 'targetEventId'`);
    await q.query(`CREATE FUNCTION event_store.append_group(
        p_submission integer[], p_stream text[], p_expected integer[], p_count integer[],
        e_submission integer[], e_stream text[], e_offset integer[], e_event_id uuid[], e_type text[], e_schema_version integer[],
        e_occurred_at text[], e_occurred_start timestamptz[], e_occurred_end timestamptz[], e_data jsonb[], e_sources jsonb[],
        e_modality text[], e_metadata jsonb[], e_content_hash text[], p_lock bigint, p_channel text,
        p_state jsonb[], p_state_schema integer[])
      RETURNS TABLE (o_kind text, o_submission integer, o_stream text, o_actual integer, o_event_id uuid, o_version integer,
        o_position bigint, o_recorded_at timestamptz)
      LANGUAGE plpgsql AS $$
      DECLARE
        r_sub integer[];
        r_stream text[];
        r_first integer[];
        r_ok boolean[];
        r_actual integer[];
      BEGIN
        SELECT array_agg(r.submission), array_agg(r.stream_id), array_agg(r.first_version), array_agg(r.ok), array_agg(r.actual)
          INTO r_sub, r_stream, r_first, r_ok, r_actual
          FROM event_store.reserve_versions(p_submission, p_stream, p_expected, p_count) AS r;
        RETURN QUERY SELECT 'stale'::text, u.s, u.st, u.a, NULL::uuid, NULL::integer, NULL::bigint, NULL::timestamptz
          FROM unnest(r_sub, r_stream, r_ok, r_actual) AS u(s, st, ok, a) WHERE NOT u.ok;
        IF NOT (true = ANY(r_ok)) THEN
          RETURN;
        END IF;
        -- The kept states of the streams that passed, at the version this append brings each to. This transaction
        -- holds each one's streams row (reserve_versions updated it), so no other append can write the same row.
        INSERT INTO event_store.stream_states AS t (stream_id, version, state_schema, state)
          SELECT r.stream, r.first + c.count - 1, c.schema, c.state
          FROM unnest(r_sub, r_stream, r_first, r_ok) AS r(sub, stream, first, ok)
          JOIN unnest(p_submission, p_stream, p_count, p_state, p_state_schema) AS c(sub, stream, count, state, schema)
            ON c.sub = r.sub AND c.stream = r.stream
          WHERE r.ok AND c.state IS NOT NULL
          ON CONFLICT (stream_id) DO UPDATE
            SET version = excluded.version, state_schema = excluded.state_schema, state = excluded.state, updated_at = now();
        -- Taken after the checks, the last lock of the transaction: held to commit, it orders positions by commit.
        PERFORM pg_advisory_xact_lock(p_lock);
        RETURN QUERY WITH ins AS (
          INSERT INTO event_store.events AS t (event_id, stream_id, stream_version, type, schema_version, occurred_at,
            occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash)
          SELECT e.event_id, e.stream, r.first + e.off, e.type, e.schema_version, e.occurred_at, e.occurred_start,
            e.occurred_end, clock_timestamp(), e.data, e.sources, e.modality, e.metadata, e.content_hash
          FROM unnest(e_submission, e_stream, e_offset, e_event_id, e_type, e_schema_version, e_occurred_at, e_occurred_start,
              e_occurred_end, e_data, e_sources, e_modality, e_metadata, e_content_hash)
            WITH ORDINALITY AS e(sub, stream, off, event_id, type, schema_version, occurred_at, occurred_start, occurred_end,
              data, sources, modality, metadata, content_hash, ord)
          JOIN unnest(r_sub, r_stream, r_first, r_ok) AS r(sub, stream, first, ok) ON r.sub = e.sub AND r.stream = e.stream AND r.ok
          ORDER BY e.ord
          RETURNING t.event_id, t.stream_id, t.stream_version, t.global_position, t.recorded_at
        )
        SELECT 'appended'::text, NULL::integer, ins.stream_id, NULL::integer, ins.event_id, ins.stream_version, ins.global_position,
          ins.recorded_at FROM ins;
        -- Under the lock, the last position this session drew is the new head.
        PERFORM pg_notify(p_channel, currval(pg_get_serial_sequence('event_store.events', 'global_position'))::text);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_store.append_group(integer[], text[], integer[], integer[], integer[], text[], integer[], uuid[], text[],
      integer[], text[], timestamptz[], timestamptz[], jsonb[], jsonb[], text[], jsonb[], text[], bigint, text, jsonb[], integer[])`);
    await q.query(`DROP INDEX event_store.events_target_event_idx`);
    await q.query(`DROP TABLE event_store.stream_states`);
  }
}
