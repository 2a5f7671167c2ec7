import { MigrationInterface, QueryRunner } from 'typeorm';

const COMMENT =
  'Every subject seen, with its display name and first and last sighting. last_recorded_at: when the latest fact version ' +
  'naming it was recorded (from the timeline rows; never before first_recorded_at). display_names: the name per language ({"en", "fr"}).';
const STALE = 'Not maintained since migration 1764900500000: reporting.entities computes the last sighting from read_model.timeline_facts.';

/**
 * Last-seen off the hot rows (issue 15). Every event moved `last_position` and `last_recorded_at` of each subject it
 * names, so every projector batch naming `org:openai` updated that one row and held its lock until commit: the
 * partitions consumed side by side queued on it. A subject's row is now written when it is first seen (and when an
 * earlier sighting arrives late), never again for a later one. The only reader of the last sighting,
 * `reporting.entities`, computes it from the timeline rows that name the subject (the `(mention, recorded_from)`
 * index answers it per subject), as the entity endpoint already does. The two columns stay, NULL and unmaintained:
 * the earlier bodies of reporting.create_views() that this one runs first still name them.
 */
export class EntitiesLastSeen1764900500000 implements MigrationInterface {
  name = 'EntitiesLastSeen1764900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.entities ALTER COLUMN last_position DROP NOT NULL, ALTER COLUMN last_recorded_at DROP NOT NULL`);
    await q.query(`UPDATE read_model.entities SET last_position = NULL, last_recorded_at = NULL`);
    await q.query(`COMMENT ON COLUMN read_model.entities.last_position IS '${STALE}'`);
    await q.query(`COMMENT ON COLUMN read_model.entities.last_recorded_at IS '${STALE}'`);
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_entities_last_seen`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_entities_last_seen();
  CREATE OR REPLACE VIEW reporting.entities AS
    SELECT e.subject, e.kind, e.display_name, e.first_recorded_at,
      GREATEST(e.first_recorded_at, (SELECT max(t.recorded_from) FROM read_model.timeline_facts t WHERE t.mention = e.subject)) AS last_recorded_at,
      e.display_names
    FROM read_model.entities e;
  COMMENT ON VIEW reporting.entities IS '${COMMENT}';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_entities_last_seen() RENAME TO create_views`);
    // The last sighting back on the rows: the latest timeline row naming each subject (its position and time).
    await q.query(`UPDATE read_model.entities e SET
        last_position = GREATEST(e.first_position, coalesce(l.position, e.first_position)),
        last_recorded_at = GREATEST(e.first_recorded_at, coalesce(l.recorded_from, e.first_recorded_at))
      FROM read_model.entities s LEFT JOIN LATERAL (
        SELECT t.position_from AS position, t.recorded_from FROM read_model.timeline_facts t
        WHERE t.mention = s.subject ORDER BY t.recorded_from DESC LIMIT 1) l ON true
      WHERE s.subject = e.subject`);
    await q.query(`ALTER TABLE read_model.entities ALTER COLUMN last_position SET NOT NULL, ALTER COLUMN last_recorded_at SET NOT NULL`);
    await q.query(`COMMENT ON COLUMN read_model.entities.last_position IS NULL`);
    await q.query(`COMMENT ON COLUMN read_model.entities.last_recorded_at IS NULL`);
    // The previous bodies replace the view in place (same columns).
    await q.query(`SELECT reporting.create_views()`);
  }
}
