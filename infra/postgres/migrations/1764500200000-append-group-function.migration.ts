import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A whole group of appends in one statement, so one round trip and one commit: the version checks (each
 * submission in its own subtransaction, see reserve_versions), then the append lock, the insert of the accepted
 * submissions' events in the order given, and the notification of the new head. Run as a statement on its own,
 * the statement is the transaction: the lock is held until its commit, so positions become visible in commit order.
 *
 * Returns one row per stale submission (o_kind 'stale', with the stream and its actual version) and one per
 * appended event (o_kind 'appended', with its stream version, position and recorded time).
 */
export class AppendGroupFunction1764500200000 implements MigrationInterface {
  name = 'AppendGroupFunction1764500200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION event_store.append_group(
        p_submission integer[], p_stream text[], p_expected integer[], p_count integer[],
        e_submission integer[], e_stream text[], e_offset integer[], e_event_id uuid[], e_type text[], e_schema_version integer[],
        e_occurred_at text[], e_occurred_start timestamptz[], e_occurred_end timestamptz[], e_data jsonb[], e_sources jsonb[],
        e_modality text[], e_metadata jsonb[], e_content_hash text[], p_lock bigint, p_channel text)
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
      integer[], text[], timestamptz[], timestamptz[], jsonb[], jsonb[], text[], jsonb[], text[], bigint, text)`);
  }
}
