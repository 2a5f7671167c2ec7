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
type Lang = 'en' | 'fr';

/** A name from `names` (a jsonb of display names) in `lang`: French falls back to English, as 1764902600000 reads it. */
const nameIn = (names: string, lang: Lang) =>
  lang === 'fr' ? `coalesce(${names}->>'fr', ${names}->>'en')` : `(${names}->>'en')`;

/** As 1764902600000: a case's step (row `alias`) with the names its filing gives the case now (`nm`). */
const CASE_NAMES = (alias: string) => `LEFT JOIN LATERAL (SELECT n.display_names FROM read_model.entity_names n
        WHERE ${alias}.event_type = 'lawsuit.status_changed' AND n.subject = ${alias}.subject AND n.display_names IS NOT NULL
          AND n.unnamed_position IS NULL
        ORDER BY n.fact_position DESC LIMIT 1) nm ON true`;

/**
 * Where a story fact's headline names a product or case its data names beside its subject, per type: the data field,
 * and the words standing before the name in each language; `start`: the name opens the headline (after a rumour's or
 * denial's prefix) and those words follow it. The renderers when this was written (libs/domain/src/headlines); the
 * other fields naming a subject are organizations, people or authorities, which no fact names.
 */
const OTHER_FIELDS = [
  { type: 'regulatory.intervention_requested', field: 'by', start: true, words: { en: ' asks ', fr: ' demande ' } },
  { type: 'executive.departed', field: 'destination', start: false, words: { en: ' to join ', fr: ' pour rejoindre ' } },
  { type: 'funding.round_closed', field: 'leadInvestor', start: false, words: { en: ', led by ', fr: ', tour mené par ' } },
] as const;

/** The product or case row `alias`'s data names in the field its type's headline shows, else null. */
const OTHER_SUBJECT = (alias: string, data: string) =>
  `CASE ${OTHER_FIELDS.map(
    (f) => `WHEN ${alias}.event_type = ${quote(f.type)} AND jsonb_typeof(${data}->${quote(f.field)}) = 'string'
          AND (${data}->>${quote(f.field)}) ~ '^(product|case):' THEN ${data}->>${quote(f.field)}`,
  ).join(' ')} END`;

/**
 * The names standing now of that product or case (`onm`), as GET /v1/reports/timeline reads them without `knownAt`
 * (EntityNamesRepository): the latest recorded naming fact standing. One index probe (entity_names_i1) for the rows
 * of those three types naming a product or case; none for the others (the key is null).
 */
const OTHER_NAMES = (alias: string, data: string) => `LEFT JOIN LATERAL (SELECT n.display_names FROM read_model.entity_names n
        WHERE n.subject = (${OTHER_SUBJECT(alias, data)}) AND n.display_names IS NOT NULL AND n.unnamed_position IS NULL
        ORDER BY n.fact_position DESC LIMIT 1) onm ON true`;

/**
 * As 1764902600000: a case step's stored headline "<prefix><slug's name>: <status>" with the case's name (`nm`); a
 * slug's name has no colon, so the name is what stands between the modality's prefix and the first colon after it.
 */
function caseNamed(h: string, modality: string, lang: Lang): string {
  const name = nameIn('nm.display_names', lang);
  const prefix = PREFIX[lang](modality);
  const rest = `substr(${h}, length(${prefix}) + 1)`;
  return `CASE WHEN ${name} IS NOT NULL AND left(${h}, length(${prefix})) = ${prefix} AND strpos(${rest}, ${COLON[lang]}) > 0
      THEN ${prefix} || ${name} || substr(${rest}, strpos(${rest}, ${COLON[lang]})) ELSE ${h} END`;
}

/**
 * A stored headline `h` with the other product or case named by `onm` (OTHER_NAMES). Stored, it reads the slug's
 * name, which is title-cased and so never holds the lower-case words around it: opening the headline, the name is what
 * stands between the prefix and the first of its words; closing it, what follows the last of them. Unchanged without
 * a name, or when the headline is not shaped so.
 */
function otherNamed(h: string, type: string, modality: string, lang: Lang): string {
  const name = nameIn('onm.display_names', lang);
  const prefix = PREFIX[lang](modality);
  const rest = `substr(${h}, length(${prefix}) + 1)`;
  const arms = OTHER_FIELDS.map((f) => {
    const words = quote(f.words[lang]);
    if (f.start) {
      return `WHEN ${type} = ${quote(f.type)} AND left(${h}, length(${prefix})) = ${prefix} AND strpos(${rest}, ${words}) > 0
          THEN ${prefix} || ${name} || substr(${rest}, strpos(${rest}, ${words}))`;
    }
    const back = `strpos(reverse(${h}), reverse(${words}))`;
    return `WHEN ${type} = ${quote(f.type)} AND ${back} > 0 THEN left(${h}, length(${h}) - ${back} + 1) || ${name}`;
  });
  return `CASE WHEN ${name} IS NULL THEN ${h} ${arms.join(' ')} ELSE ${h} END`;
}

/** The headline as the API gives it now: a case's step by the case's name, a product or case beside it by its own. */
const headline = (h: string, lang: Lang, alias = 't') =>
  `CASE WHEN ${alias}.event_type = 'lawsuit.status_changed' THEN ${caseNamed(h, `${alias}.modality`, lang)}
      ELSE ${otherNamed(h, `${alias}.event_type`, `${alias}.modality`, lang)} END`;

/** 1764902600000's `reporting.timeline` (columns kept), a product or case named beside the subject by its facts' name. */
const TIMELINE = `SELECT t.fact_id, t.event_type, t.subject, ${SUBJECT_NAME} AS subject_name, t.occurred_at, t.valid_from, t.valid_to,
      ${headline('t.headline_en', 'en')} AS headline_en, ${headline('t.headline_fr', 'fr')} AS headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.inferred
    FROM read_model.timeline_facts t ${CASE_NAMES('t')} ${OTHER_NAMES('t', 't.data')}
    WHERE t.is_primary AND t.recorded_to IS NULL`;

/** Every version's headline names them as they are named now (the latest knowledge), from that version's data. */
const FACT_VERSIONS = `SELECT t.fact_id, t.version, t.event_type, t.subject, t.occurred_at, t.valid_from, t.valid_to, t.recorded_from,
      t.recorded_to, t.superseded_by, t.change_reason, t.end_reason,
      ${headline('t.headline_en', 'en')} AS headline_en, ${headline('t.headline_fr', 'fr')} AS headline_fr,
      t.modality, t.data, t.inferred
    FROM read_model.timeline_facts t ${CASE_NAMES('t')} ${OTHER_NAMES('t', 't.data')}
    WHERE t.is_primary`;

const SOURCE_FACTS = `SELECT t.source_id, t.fact_id, t.event_type, t.subject, t.occurred_at, t.quote,
      ${headline('l.headline_en', 'en')} AS headline_en, ${headline('l.headline_fr', 'fr')} AS headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
    FROM read_model.source_facts t
    JOIN read_model.source_facts l ON l.fact_id = t.fact_id AND l.version = t.version AND l.data IS NOT NULL
    ${CASE_NAMES('t')} ${OTHER_NAMES('t', 'l.data')}
    WHERE t.recorded_to IS NULL AND t.source_id <> '' AND t.part = t.source_id`;

const NAMED_AS_API =
  "a case named by its filed title, and a product or case named beside the subject (who asks for an intervention, a departure's " +
  "destination, a lead investor) by its announced name or filed title, as the API names them now";
const TIMELINE_COMMENT = `Every standing story fact, one row per fact, with English and French headlines (${NAMED_AS_API}).`;
const FACT_VERSIONS_COMMENT =
  'Every version of every story fact (bitemporal): valid time [valid_from, valid_to), recorded time [recorded_from, recorded_to); ' +
  `headlines as known now (${NAMED_AS_API}).`;
const SOURCE_FACTS_COMMENT = `Which standing facts each story backs as one of their own sources, with the quote it gives (headlines: ${NAMED_AS_API}).`;

/**
 * Names from the facts in another event's data reached the API, the feed and the dashboard (1764902710000), not the
 * BI views (the fifty-sixth testers' limit): `reporting.timeline`, `fact_versions` and `source_facts` headlined a
 * request by `product:x`, a departure to it or a round it led with the product's slug's name. Done in SQL over the
 * stored headlines, as 1764902600000 names a case's steps (no fold), with every column's name, type and order kept,
 * so create_views() runs the previous bodies and replaces the three views.
 */
export class ReportingOtherNames1764902750000 implements MigrationInterface {
  name = 'ReportingOtherNames1764902750000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_reporting_other_names`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_reporting_other_names();
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
    await q.query(`ALTER FUNCTION reporting.create_views_before_reporting_other_names() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
