import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const LEAD = `JOIN read_model.source_facts l ON l.fact_id = t.fact_id AND l.version = t.version AND l.data IS NOT NULL`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Stories attached to a fact later (`POST /v1/events/{id}/sources`, an `event.sourced` confirming or denying it) are
 * link rows of `read_model.source_facts` too since this version, `part` `<stance>:<story id>`; a fact's own
 * sources keep `part` = their story id. The BI view `reporting.source_facts` keeps its meaning (the stories each
 * fact rests on, its own sources) and so leaves the attached rows out; the new view `reporting.source_links` has every
 * story on a standing fact with its `stance` as `GET /v1/sources/{id}` gives it (`confirms`, as the fact's own sources
 * count, or `denies`) and `attached` (true for a story attached later).
 *
 * A database that already holds attached sources gets its sources read model folded again in the background by the
 * projector (a `projection_backfills` intent, the blue-green rebuild `npx newsroom rebuild sources` runs), so those
 * stories reach `/v1/sources` without anyone running it; one that holds corrections gets its feed and conflicts
 * folded again the same way (BACKFILLS).
 */
const VIEWS = [
  {
    name: 'source_facts',
    comment: 'Which standing facts each story backs as one of their own sources, with the quote it gives.',
    sql: `SELECT t.source_id, t.fact_id, t.event_type, t.subject, t.occurred_at, t.quote, l.headline_en, l.headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
      FROM read_model.source_facts t ${LEAD} WHERE t.recorded_to IS NULL AND t.source_id <> '' AND t.part = t.source_id`,
  },
  {
    name: 'source_links',
    comment:
      'Every story on a standing fact: stance confirms (its own sources count so) or denies; attached is true for a story another outlet attached later.',
    sql: `SELECT t.source_id, t.fact_id, CASE WHEN t.part LIKE 'denies:%' THEN 'denies' ELSE 'confirms' END AS stance,
      t.part <> t.source_id AS attached,
      t.event_type, t.subject, t.occurred_at, t.quote, l.headline_en, l.headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
      FROM read_model.source_facts t ${LEAD} WHERE t.recorded_to IS NULL AND t.source_id <> ''`,
  },
];

/** The read models to fold again on a database that holds events of these types, and why. */
const BACKFILLS: Array<[string, string[], string]> = [
  ['sources', ['event.sourced'], 'stories attached to facts (event.sourced) are now rows of the sources read model'],
  ['feed', ['event.corrected'], "amendments' items are now made from the fact as corrected before them"],
  ['conflicts', ['event.corrected'], "conflict sides now keep the fact's data, so their headlines follow corrections"],
];

export class SourceStances1764900800000 implements MigrationInterface {
  name = 'SourceStances1764900800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_source_stances`);
    const body = VIEWS.map((v) => `CREATE OR REPLACE VIEW reporting.${v.name} AS ${v.sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_source_stances();
  ${body.join('\n  ')}
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
    // Folded again in the background where what they hold changed: the stories attached to facts, and the feed's and
    // conflicts' text made from a fact after its corrections (a correction's item used to repeat the first headline).
    for (const [projection, types, reason] of BACKFILLS) {
      await q.query(
        `INSERT INTO read_model.projection_backfills (projection, reason)
         SELECT $1::text, $3::text WHERE EXISTS (SELECT 1 FROM event_store.events WHERE type = ANY($2::text[]))
           AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = $1::text)
         ON CONFLICT (projection) DO NOTHING`,
        [projection, types, reason],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW reporting.source_links`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_source_stances() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
