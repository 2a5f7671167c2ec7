import { MigrationInterface, QueryRunner } from 'typeorm';
import { VIEWS } from './1764300100000-reporting-views.migration';

/**
 * Free text given per language (issue 14.4): next to each text column of the fact tables, a jsonb column with the
 * value per language (`{"en": "...", "fr": "..."}`; a plain string is stored as `{"en": ...}`; null when absent).
 * The text columns keep their meaning (the English text, else the French one) and so do the reporting views: the
 * ones over these tables gain the `*_i18n` columns at the end.
 */
const COLUMNS: Record<string, string[]> = {
  leadership_events: ['role_i18n', 'destination_i18n'],
  departures: ['role_i18n', 'destination_i18n'],
  lawsuit_events: ['title_i18n', 'court_i18n', 'claims_i18n', 'detail_i18n'],
  products: ['features_i18n'],
  regulatory_interventions: ['request_i18n'],
  // The registry: every subject's display name per language ({"en", "fr"}).
  entities: ['display_names'],
};

/** The views (over alias `t`) and the columns each gains, after the `inferred` its migration appended. */
const VIEW_COLUMNS: Record<string, string[]> = {
  leadership_events: ['role_i18n', 'destination_i18n'],
  departures: ['role_i18n', 'destination_i18n'],
  lawsuits: ['title_i18n', 'court_i18n', 'claims_i18n'],
  lawsuit_steps: ['detail_i18n'],
  products: ['features_i18n'],
  regulatory_interventions: ['request_i18n'],
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Appends columns to a view's select list, before its first line-leading FROM (as the inferred migration did). */
function appended(sql: string, columns: string[]): string {
  const at = sql.search(/\n\s*FROM read_model\./);
  if (at < 0) throw new Error('a fact view without a line-leading FROM');
  return `${sql.slice(0, at)}, ${columns.map((c) => `t.${c}`).join(', ')}${sql.slice(at)}`;
}

function viewsFunction(): string {
  const body = VIEWS.filter((v) => VIEW_COLUMNS[v.name])
    .map((v) => {
      const sql = appended(v.sql, ['inferred', ...VIEW_COLUMNS[v.name]]);
      return `CREATE OR REPLACE VIEW reporting.${v.name} AS ${sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`;
    })
    .join('\n  ');
  const entities = VIEWS.find((v) => v.name === 'entities')!;
  const registry = `CREATE OR REPLACE VIEW reporting.entities AS SELECT subject, kind, display_name, first_recorded_at, last_recorded_at, display_names
    FROM read_model.entities;\n  COMMENT ON VIEW reporting.entities IS ${quote(`${entities.comment} display_names: the name per language ({"en", "fr"}).`)};`;
  // The views made before stay as they were; those above are replaced with their columns plus the new ones. They
  // are dropped first: the older bodies recreate them with fewer columns, which a view cannot lose in place, so a
  // later migration calling create_views() on a database that has them would fail. No view reads another.
  const widened = [...Object.keys(VIEW_COLUMNS), 'entities'].map((v) => `reporting.${v}`).join(', ');
  return `CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP VIEW IF EXISTS ${widened};
  PERFORM reporting.create_views_before_i18n();
  ${body}
  ${registry}
END $fn$`;
}

export class LocalizedText1764900100000 implements MigrationInterface {
  name = 'LocalizedText1764900100000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      for (const c of columns) await q.query(`ALTER TABLE read_model.${table} ADD COLUMN ${c} jsonb`);
    }
    // Subjects seen before: their English name in both languages until a rebuild (an authority's French name comes
    // from the glossary, which SQL does not have).
    await q.query(`UPDATE read_model.entities SET display_names = jsonb_build_object('en', display_name, 'fr', display_name)`);
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_i18n`);
    await q.query(viewsFunction());
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A view cannot lose a column in place: drop them all and recreate them as they were.
    await q.query(`SELECT reporting.drop_views()`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_i18n() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
    for (const [table, columns] of Object.entries(COLUMNS)) {
      for (const c of columns) await q.query(`ALTER TABLE read_model.${table} DROP COLUMN ${c}`);
    }
  }
}
