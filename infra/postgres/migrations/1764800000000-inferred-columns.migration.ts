import { MigrationInterface, QueryRunner } from 'typeorm';
import { VIEWS } from './1764300100000-reporting-views.migration';

/** The fact tables and the feed: each row carries the fields its event's sources do not state. */
const TABLES = [
  'leadership_events', 'departures', 'lawsuit_events', 'financial_points', 'products', 'regulatory_interventions',
  'timeline_facts', 'source_facts', 'feed_items',
];

/** The reporting views over fact rows (alias `t`) gain `inferred` as their last column; entities and sources do not. */
const WITH_INFERRED = new Set([
  'leadership_events', 'departures', 'lawsuits', 'lawsuit_steps', 'financial_points', 'financial_point_versions', 'products',
  'regulatory_interventions', 'timeline', 'fact_versions', 'entity_mentions', 'source_facts',
]);

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A view's select list ends before its first line-leading FROM (subqueries sit inside the list or after it). */
function withInferred(sql: string): string {
  const at = sql.search(/\n\s*FROM read_model\./);
  if (at < 0) throw new Error('a fact view without a line-leading FROM');
  return `${sql.slice(0, at)}, t.inferred${sql.slice(at)}`;
}

function createViewsFunction(extra: boolean): string {
  const body = VIEWS.map((v) => {
    const sql = extra && WITH_INFERRED.has(v.name) ? withInferred(v.sql) : v.sql;
    return `CREATE OR REPLACE VIEW reporting.${v.name} AS ${sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`;
  }).join('\n  ');
  return `CREATE OR REPLACE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  ${body}
END $fn$`;
}

/**
 * `inferred`: the fields an event's sources do not state (`[{path, note}]`), on every fact row and feed item, and
 * as the last column of the reporting views over facts (views only gain columns). Rows written before have [].
 */
export class InferredColumns1764800000000 implements MigrationInterface {
  name = 'InferredColumns1764800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`ALTER TABLE read_model.${t} ADD COLUMN inferred jsonb NOT NULL DEFAULT '[]'`);
    await q.query(createViewsFunction(true));
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A view cannot lose a column in place: drop them and recreate them as they were.
    await q.query(`SELECT reporting.drop_views()`);
    await q.query(createViewsFunction(false));
    await q.query(`SELECT reporting.create_views()`);
    for (const t of TABLES) await q.query(`ALTER TABLE read_model.${t} DROP COLUMN inferred`);
  }
}
