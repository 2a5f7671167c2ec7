import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bitemporal read models. Every story fact is kept as versions: a correction closes the current version's
 * recorded interval (recorded_to) and opens the next one; a retraction closes it with no successor. Valid time
 * is the fact's occurred interval [valid_from, valid_to). Rows of one version share (fact_id, version) and are
 * told apart by `part` (a headcount function, a mentioned subject, a source id...).
 * Current rows (recorded_to IS NULL) get partial indexes for the hot path; knownAt queries use
 * (key, recorded_from) indexes and drop the few closed versions (corrections are rare).
 */
const FACT_COLUMNS = `
  fact_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  part text NOT NULL DEFAULT '',
  event_type text NOT NULL,
  subject text NOT NULL,
  modality text NOT NULL,
  occurred_at text,
  valid_from timestamptz,
  valid_to timestamptz,
  recorded_from timestamptz NOT NULL,
  recorded_to timestamptz,
  position_from bigint NOT NULL,
  position_to bigint,
  fact_position bigint NOT NULL,
  superseded_by text CHECK (superseded_by IN ('corrected', 'retracted')),
  change_reason text,
  end_reason text,
  data jsonb NOT NULL,
  sources jsonb NOT NULL DEFAULT '[]'`;

const TABLES: Array<{ name: string; columns: string; indexes: string[] }> = [
  {
    name: 'leadership_events',
    columns: `organization text NOT NULL, kind text NOT NULL CHECK (kind IN ('appointed', 'departed')), role text NOT NULL,
      role_key text NOT NULL, role_category text NOT NULL, interim boolean NOT NULL DEFAULT false, reason text, destination text`,
    indexes: ['(organization, fact_position) WHERE recorded_to IS NULL', '(organization, recorded_from)', '(subject)'],
  },
  {
    name: 'departures',
    columns: `organization text NOT NULL, role text NOT NULL, role_category text NOT NULL, reason text, destination text`,
    indexes: [
      '(organization, valid_from, fact_position) WHERE recorded_to IS NULL',
      '(valid_from, fact_position) WHERE recorded_to IS NULL',
      '(organization, recorded_from)',
      '(recorded_from)',
      // The longest occurred interval bounds how early an interval overlapping a from/to window can start.
      '((valid_to - valid_from))',
    ],
  },
  {
    name: 'lawsuit_events',
    columns: `kind text NOT NULL CHECK (kind IN ('filed', 'status')), title text, plaintiffs text[] NOT NULL DEFAULT '{}',
      defendants text[] NOT NULL DEFAULT '{}', parties text[] NOT NULL DEFAULT '{}', court text, claims jsonb NOT NULL DEFAULT '[]',
      status text, detail text`,
    indexes: ['(subject, fact_position)', '(kind, subject) WHERE recorded_to IS NULL', 'USING gin (parties)', '(recorded_from)'],
  },
  {
    name: 'financial_points',
    columns: `organization text NOT NULL, metric text NOT NULL, basis text NOT NULL, amount numeric, currency text, count bigint,
      period text, period_start timestamptz, period_end timestamptz`,
    indexes: [
      '(organization, metric, period_start, fact_position, part) WHERE recorded_to IS NULL',
      '(organization, period_start, fact_position, part) WHERE recorded_to IS NULL',
      '(organization, metric, recorded_from)',
    ],
  },
  {
    name: 'products',
    columns: `organization text NOT NULL, name text NOT NULL, features jsonb NOT NULL DEFAULT '[]', status text NOT NULL`,
    indexes: ['(organization, valid_from) WHERE recorded_to IS NULL', '(organization, recorded_from)', '(subject)'],
  },
  {
    name: 'regulatory_interventions',
    columns: `target text NOT NULL, requested_by text NOT NULL, authority text NOT NULL, request text NOT NULL`,
    indexes: ['(target, valid_from) WHERE recorded_to IS NULL', '(target, recorded_from)', '(authority)', '(requested_by)'],
  },
  {
    // One row per fact version and subject it mentions: the timeline of any subject, and an entity's events.
    name: 'timeline_facts',
    columns: `mention text NOT NULL, mention_role text NOT NULL, is_primary boolean NOT NULL, headline_en text NOT NULL,
      headline_fr text NOT NULL`,
    indexes: [
      '(mention, valid_from, fact_position)',
      '(mention, recorded_from)',
      '((valid_to - valid_from))',
      '(valid_from, fact_position) WHERE is_primary',
      '(recorded_from) WHERE is_primary',
      '(event_type, valid_from) WHERE is_primary AND recorded_to IS NULL',
    ],
  },
  {
    // One row per fact version and source (story) that backs it.
    name: 'source_facts',
    columns: `source_id text NOT NULL, quote text, headline_en text NOT NULL, headline_fr text NOT NULL`,
    indexes: ['(source_id, fact_position)', '(source_id, recorded_from)'],
  },
];

export class ReadModels1764300000000 implements MigrationInterface {
  name = 'ReadModels1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`CREATE TABLE read_model.${t.name} (${FACT_COLUMNS}, ${t.columns}, PRIMARY KEY (fact_id, version, part))`);
      for (const [i, index] of t.indexes.entries()) {
        const using = index.startsWith('USING') ? index : `USING btree ${index}`;
        await q.query(`CREATE INDEX ${t.name}_i${i + 1} ON read_model.${t.name} ${using}`);
      }
    }
    // Registries: every subject and every source (story) ever seen; existence in a report at knownAt is
    // decided by the standing facts that mention them.
    await q.query(`CREATE TABLE read_model.entities (
      subject text PRIMARY KEY,
      kind text NOT NULL,
      display_name text NOT NULL,
      first_position bigint NOT NULL,
      first_recorded_at timestamptz NOT NULL,
      last_position bigint NOT NULL,
      last_recorded_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX entities_i1 ON read_model.entities (kind, subject)`);
    await q.query(`CREATE TABLE read_model.sources (
      id text PRIMARY KEY,
      outlet text NOT NULL,
      url text,
      title text,
      language text,
      published_at text,
      first_position bigint NOT NULL,
      first_recorded_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX sources_i1 ON read_model.sources (outlet, id)`);
    await q.query(`CREATE INDEX sources_i2 ON read_model.sources (first_recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.sources`);
    await q.query(`DROP TABLE read_model.entities`);
    for (const t of [...TABLES].reverse()) await q.query(`DROP TABLE read_model.${t.name}`);
  }
}
