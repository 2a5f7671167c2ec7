import { MigrationInterface, QueryRunner } from 'typeorm';

const NAME = (col: string) => `coalesce((SELECT e.display_name FROM read_model.entities e WHERE e.subject = ${col}), ${col})`;

/**
 * One entity, many names, for BI tools (issue 14.5): `reporting.entity_links`, one row per merge or alias name as
 * recorded, with when it became known and, once reversed, when that did. `canonical_subject` is, for a merge
 * standing now, the subject at the end of its chain (A into B into C gives C); null otherwise. The views already
 * there keep their columns: create_views() runs the previous body, then adds this one.
 */
export class EntityLinksView1764900200000 implements MigrationInterface {
  name = 'EntityLinksView1764900200000';

  async up(q: QueryRunner): Promise<void> {
    // A name of its own for the previous body, so another migration wrapping create_views() the same way never collides.
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_entity_links`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_entity_links();
  CREATE OR REPLACE VIEW reporting.entity_links AS
    WITH RECURSIVE chain AS (
      SELECT m.subject, m.target AS reached, ARRAY[m.subject, m.target] AS path FROM read_model.entity_links m
      WHERE m.link = 'merge' AND m.unlinked_position IS NULL
      UNION ALL
      SELECT c.subject, m.target, c.path || m.target FROM chain c
      JOIN read_model.entity_links m ON m.subject = c.reached AND m.link = 'merge' AND m.unlinked_position IS NULL
      WHERE NOT m.target = ANY(c.path)
    ),
    canonical AS (SELECT DISTINCT ON (subject) subject, reached FROM chain ORDER BY subject, cardinality(path) DESC)
    SELECT l.event_id, l.subject, ${NAME('l.subject')} AS subject_name, l.link,
      l.target, CASE WHEN l.link = 'merge' THEN ${NAME('l.target')} ELSE l.target END AS target_name,
      CASE WHEN l.link = 'merge' AND l.unlinked_position IS NULL THEN c.reached END AS canonical_subject,
      l.reason, l.linked_at, l.linked_position, l.unlinked_at, l.unlinked_position, l.unlink_reason,
      l.unlinked_position IS NULL AS standing
    FROM read_model.entity_links l LEFT JOIN canonical c ON c.subject = l.subject AND l.link = 'merge';
  COMMENT ON VIEW reporting.entity_links IS 'Merges (link = merge: subject is the same entity as target) and alias names (link = name: target is a name of subject), each with when it became known and when it was reversed; canonical_subject: for a merge standing now, the end of its chain. As known at K: linked_at <= K AND (unlinked_at IS NULL OR unlinked_at > K).';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS reporting.entity_links`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_entity_links() RENAME TO create_views`);
  }
}
