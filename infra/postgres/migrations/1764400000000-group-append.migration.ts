import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version checks for a whole group of appends in one round trip. Each submission (a set of streams that must
 * succeed together) runs in its own subtransaction: a stale expected version rolls back that submission only.
 * Returns one row per stream of every submission: its first new version, or ok = false with the actual version.
 * Expected version -1 means "any".
 */
export class GroupAppend1764400000000 implements MigrationInterface {
  name = 'GroupAppend1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION event_store.reserve_versions(
        p_submission integer[], p_stream text[], p_expected integer[], p_count integer[])
      RETURNS TABLE (submission integer, stream_id text, first_version integer, ok boolean, actual integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        s integer;
        i integer;
        k integer;
        v integer;
        got_stream text[];
        got_first integer[];
        failed_stream text;
        failed_actual integer;
      BEGIN
        FOR s IN SELECT DISTINCT x FROM unnest(p_submission) AS x ORDER BY x LOOP
          got_stream := '{}';
          got_first := '{}';
          BEGIN
            FOR i IN SELECT g FROM generate_subscripts(p_submission, 1) AS g WHERE p_submission[g] = s ORDER BY p_stream[g] LOOP
              v := NULL;
              IF p_expected[i] = -1 THEN
                INSERT INTO event_store.streams AS t (stream_id, version) VALUES (p_stream[i], p_count[i])
                  ON CONFLICT ON CONSTRAINT streams_pkey DO UPDATE SET version = t.version + p_count[i], updated_at = now()
                  RETURNING t.version INTO v;
              ELSIF p_expected[i] = 0 THEN
                INSERT INTO event_store.streams AS t (stream_id, version) VALUES (p_stream[i], p_count[i])
                  ON CONFLICT ON CONSTRAINT streams_pkey DO NOTHING RETURNING t.version INTO v;
              ELSE
                UPDATE event_store.streams AS t SET version = t.version + p_count[i], updated_at = now()
                  WHERE t.stream_id = p_stream[i] AND t.version = p_expected[i] RETURNING t.version INTO v;
              END IF;
              IF v IS NULL THEN
                failed_stream := p_stream[i];
                SELECT t.version INTO failed_actual FROM event_store.streams AS t WHERE t.stream_id = p_stream[i];
                RAISE EXCEPTION USING ERRCODE = 'NR001', MESSAGE = 'wrong expected version';
              END IF;
              got_stream := got_stream || p_stream[i];
              got_first := got_first || (v - p_count[i] + 1);
            END LOOP;
            -- Only reached when every stream of the submission passed its check.
            FOR k IN 1 .. coalesce(array_length(got_stream, 1), 0) LOOP
              submission := s; stream_id := got_stream[k]; first_version := got_first[k]; ok := true; actual := NULL;
              RETURN NEXT;
            END LOOP;
          EXCEPTION WHEN SQLSTATE 'NR001' THEN
            -- The subtransaction rolled back this submission's bumps; report the stream that was stale.
            submission := s; stream_id := failed_stream; first_version := NULL; ok := false; actual := failed_actual;
            RETURN NEXT;
          END;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_store.reserve_versions(integer[], text[], integer[], integer[])`);
  }
}
