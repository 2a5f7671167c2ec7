import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The feed items that are not story facts: amendments and attached sources (`event.*`), editors' records about
 * entities (`entity.*`: merges, unmerges, alias names) and their decisions on conflicts (`conflict.*`). Types, not a
 * list of story types, so a story type added later is counted without a new view.
 */
const NOT_A_FACT = `f.type NOT LIKE 'event.%' AND f.type NOT LIKE 'entity.%' AND f.type NOT LIKE 'conflict.%'`;

const FACT_CORROBORATION = `SELECT f.event_id AS fact_id, f.type AS event_type, f.subject, count(o.key) AS outlets,
      count(o.key) FILTER (WHERE o.stance = 'confirms') AS confirms, count(o.key) FILTER (WHERE o.stance = 'denies') AS denies,
      min(o.first_recorded_at) AS first_recorded_at, max(o.last_recorded_at) AS latest_recorded_at
    FROM read_model.feed_items f
    LEFT JOIN LATERAL (
      SELECT DISTINCT ON (e->>'key') e->>'key' AS key, e->>'stance' AS stance,
        min((e->>'recordedAt')::timestamptz) OVER (PARTITION BY e->>'key') AS first_recorded_at,
        max((e->>'recordedAt')::timestamptz) OVER (PARTITION BY e->>'key') AS last_recorded_at
      FROM jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      ORDER BY e->>'key', x.n DESC) o ON true
    WHERE ${NOT_A_FACT} AND f.status <> 'retracted'
    GROUP BY f.event_id, f.type, f.subject`;

const COMMENT =
  "Per standing story fact (not an editor's record: no conflict resolution, entity merge or alias, correction, retraction " +
  'or attached source): distinct outlets (a syndicated copy counts as the outlet it reprints), how many confirm and deny ' +
  "(each outlet's latest word), first and latest recorded.";

/**
 * Two things readers and analysts saw wrong, fixed in the read models:
 *
 * `reporting.fact_corroboration` listed an editor's resolution of a conflict as a fact with its standing fact's
 * outlets (`person:...|conflict.resolved|3|3|0`), and an entity merge or alias name as a fact with none: a BI count
 * of facts by type counted the editor's decisions. It now lists story facts only; its columns stay. The other
 * `reporting` views read the fact tables, which hold story facts only. create_views() runs the previous bodies, then
 * replaces this one in place.
 *
 * A feed item naming a fact (an attached source, a correction, a retraction, a resolution) now reaches the entities
 * the fact's corrections moved it to, not only those its own item named: after a correction moving a departure from
 * org A to org B, B's readers got the correction and none of the later sources or the retraction. And a funding
 * round's headline names a subject lead investor by its display name ("led by Thrive"), not its slug. A database
 * holding such items gets the read models that keep them folded again in the background by the projector (a
 * `projection_backfills` intent, the blue-green rebuild `npx newsroom rebuild <name>` runs).
 */
export class StoryFactsOnly1764902000000 implements MigrationInterface {
  name = 'StoryFactsOnly1764902000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_story_facts_only`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_story_facts_only();
  CREATE OR REPLACE VIEW reporting.fact_corroboration AS ${FACT_CORROBORATION};
  COMMENT ON VIEW reporting.fact_corroboration IS '${COMMENT.replace(/'/g, "''")}';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
    // A later item on a fact a correction named other entities for (a cheap superset: any item after a correction).
    const movedFacts = `EXISTS (SELECT 1 FROM read_model.feed_items c JOIN read_model.feed_items l
      ON l.target_event_id = c.target_event_id AND l.position > c.position WHERE c.type = 'event.corrected')`;
    // A round led by a tracked subject, recorded or corrected to one: its stored headlines show the slug.
    const ledBySubject = `EXISTS (SELECT 1 FROM event_store.events WHERE type IN ('funding.round_closed', 'event.corrected')
      AND coalesce(data->>'leadInvestor', data#>>'{changes,data,leadInvestor}') ~ '^[a-z]+:')`;
    const backfills: Array<[string, string, string]> = [
      ['feed', `${movedFacts} OR ${ledBySubject}`, 'items on a fact reach the entities its corrections named; lead investors by name'],
      ['timeline', ledBySubject, "a funding round's headline names a subject lead investor by its display name"],
      ['sources', ledBySubject, "a funding round's headline names a subject lead investor by its display name"],
    ];
    for (const [projection, condition, reason] of backfills) {
      await q.query(
        `INSERT INTO read_model.projection_backfills (projection, reason)
         SELECT $1::text, $2::text WHERE (${condition})
           AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = $1::text)
         ON CONFLICT (projection) DO NOTHING`,
        [projection, reason],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_story_facts_only() RENAME TO create_views`);
    // The previous body replaces the view in place (same columns), with what it listed before.
    await q.query(`SELECT reporting.create_views()`);
  }
}
