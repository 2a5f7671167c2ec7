import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const SUBJECT_NAME = `coalesce((SELECT s.display_name FROM read_model.entities s WHERE s.subject = t.subject), t.subject)`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** French typography as the headlines are stored: U+00A0 before the colon. */
const FR_COLON = `chr(160) || ': '`;
/** What a stored headline starts with for a rumoured or denied fact (the renderer's prefixes when this was written). */
const PREFIX = {
  en: (modality: string) => `CASE ${modality} WHEN 'rumored' THEN 'Rumor: ' WHEN 'denied' THEN 'Denied: ' ELSE '' END`,
  fr: (modality: string) =>
    `CASE ${modality} WHEN 'rumored' THEN 'Rumeur' || ${FR_COLON} WHEN 'denied' THEN 'Démenti' || ${FR_COLON} ELSE '' END`,
};
const COLON = { en: `': '`, fr: FR_COLON };

/**
 * The names a fact gives the subject of row `alias` now (a case's filed title, a product's announced name), as
 * GET /v1/reports/timeline reads them without `knownAt` (EntityNamesRepository): the latest recorded naming fact still
 * standing in read_model.entity_names. Only for a case's step, the one stored headline that names its subject: the
 * others name a product by its announcement's `name` or a case by its parties already.
 */
const NAMES = (alias: string) => `LEFT JOIN LATERAL (SELECT n.display_names FROM read_model.entity_names n
        WHERE ${alias}.event_type = 'lawsuit.status_changed' AND n.subject = ${alias}.subject AND n.display_names IS NOT NULL
          AND n.unnamed_position IS NULL
        ORDER BY n.fact_position DESC LIMIT 1) nm ON true`;

/**
 * A stored headline `h` in `lang` with the subject named by `nm` (NAMES): a case step's headline was stored as
 * "<prefix><slug's name>: <status>" (en; the French with U+00A0 before the colon), and a slug's name has no colon, so
 * the name is what stands between the modality's prefix and the first colon after it. Unchanged without a name.
 */
function named(h: string, modality: string, lang: 'en' | 'fr'): string {
  const name = lang === 'fr' ? `coalesce(nm.display_names->>'fr', nm.display_names->>'en')` : `(nm.display_names->>'en')`;
  const prefix = PREFIX[lang](modality);
  const rest = `substr(${h}, length(${prefix}) + 1)`;
  return `CASE WHEN ${name} IS NOT NULL AND left(${h}, length(${prefix})) = ${prefix} AND strpos(${rest}, ${COLON[lang]}) > 0
      THEN ${prefix} || ${name} || substr(${rest}, strpos(${rest}, ${COLON[lang]})) ELSE ${h} END`;
}

/** 1764900800000's `reporting.timeline`, its headlines naming a case as the API does. */
const TIMELINE = `SELECT t.fact_id, t.event_type, t.subject, ${SUBJECT_NAME} AS subject_name, t.occurred_at, t.valid_from, t.valid_to,
      ${named('t.headline_en', 't.modality', 'en')} AS headline_en, ${named('t.headline_fr', 't.modality', 'fr')} AS headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.inferred
    FROM read_model.timeline_facts t ${NAMES('t')}
    WHERE t.is_primary AND t.recorded_to IS NULL`;

/** Every version's headline names the case as it is named now (the latest knowledge, not each version's). */
const FACT_VERSIONS = `SELECT t.fact_id, t.version, t.event_type, t.subject, t.occurred_at, t.valid_from, t.valid_to, t.recorded_from,
      t.recorded_to, t.superseded_by, t.change_reason, t.end_reason,
      ${named('t.headline_en', 't.modality', 'en')} AS headline_en, ${named('t.headline_fr', 't.modality', 'fr')} AS headline_fr,
      t.modality, t.data, t.inferred
    FROM read_model.timeline_facts t ${NAMES('t')}
    WHERE t.is_primary`;

const SOURCE_FACTS = `SELECT t.source_id, t.fact_id, t.event_type, t.subject, t.occurred_at, t.quote,
      ${named('l.headline_en', 't.modality', 'en')} AS headline_en, ${named('l.headline_fr', 't.modality', 'fr')} AS headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
    FROM read_model.source_facts t
    JOIN read_model.source_facts l ON l.fact_id = t.fact_id AND l.version = t.version AND l.data IS NOT NULL
    ${NAMES('t')}
    WHERE t.recorded_to IS NULL AND t.source_id <> '' AND t.part = t.source_id`;

/**
 * The stories GET /v1/sources lists: those whose story (any written form of it: one `story_key`) backs, confirms or
 * denies a fact standing now. A story whose only fact was retracted is left out, as the API leaves it out. Each written
 * form keeps its row (the ids reporting.source_facts names), where the API lists a story once, under its first sighting.
 */
const SOURCES = `SELECT s.id, s.outlet, s.url, s.title, s.language, s.published_at, s.first_recorded_at
    FROM read_model.sources s
    WHERE EXISTS (SELECT 1 FROM read_model.source_facts t WHERE t.recorded_to IS NULL AND t.source_id = ANY(
      CASE WHEN s.story_key IS NULL THEN ARRAY[s.id] ELSE ARRAY(SELECT g.id FROM read_model.sources g WHERE g.story_key = s.story_key) END))`;

const SOURCES_COMMENT =
  'Every story (source) backing, confirming or denying a standing fact, as GET /v1/sources lists them (a story whose only ' +
  'fact was retracted is not); id is a stable hash of outlet, url and title, and of published_at for a story with ' +
  'neither url nor title; each written form of a story (one story_key) is a row.';
const TIMELINE_COMMENT =
  'Every standing story fact, one row per fact, with English and French headlines (a case named by its filed title, as the API names it now).';
const FACT_VERSIONS_COMMENT =
  'Every version of every story fact (bitemporal): valid time [valid_from, valid_to), recorded time [recorded_from, recorded_to); ' +
  'headlines name a case by its filed title as known now.';
const SOURCE_FACTS_COMMENT =
  'Which standing facts each story backs as one of their own sources, with the quote it gives (headlines name a case by its filed title, as known now).';

/**
 * The BI views said other things than the API (the fifty-sixth session's testers): `reporting.sources` listed a story
 * whose only fact was retracted, which GET /v1/sources leaves out, so an outlet's story count was higher in BI; and the
 * stored headlines of `reporting.timeline`, `reporting.fact_versions` and `reporting.source_facts` named a case's
 * step by its slug ("Musk V Openai: appealed") where the API names it by its filing's title. Done in SQL in the views
 * (the read models keep their stored headlines: no refold), with every column's name, type and order kept, so
 * create_views() runs the previous bodies and replaces the four views.
 */
export class ReportingAgreesWithApi1764902600000 implements MigrationInterface {
  name = 'ReportingAgreesWithApi1764902600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_agreeing_with_api`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_agreeing_with_api();
  CREATE OR REPLACE VIEW reporting.sources AS ${SOURCES};
  COMMENT ON VIEW reporting.sources IS ${quote(SOURCES_COMMENT)};
  CREATE OR REPLACE VIEW reporting.timeline AS ${TIMELINE};
  COMMENT ON VIEW reporting.timeline IS ${quote(TIMELINE_COMMENT)};
  CREATE OR REPLACE VIEW reporting.fact_versions AS ${FACT_VERSIONS};
  COMMENT ON VIEW reporting.fact_versions IS ${quote(FACT_VERSIONS_COMMENT)};
  CREATE OR REPLACE VIEW reporting.source_facts AS ${SOURCE_FACTS};
  COMMENT ON VIEW reporting.source_facts IS ${quote(SOURCE_FACTS_COMMENT)};
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The columns are the same: the previous bodies replace the views in place.
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_agreeing_with_api() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
