import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first read model: the feed, its per-partition checkpoints and the contiguous watermark it is served up to. */
export class FeedItems1764201700000 implements MigrationInterface {
  name = 'FeedItems1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS read_model`);
    await q.query(`CREATE TABLE read_model.feed_items (
      position bigint PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      subject text NOT NULL,
      organizations text[] NOT NULL DEFAULT '{}',
      occurred_at text,
      occurred_start timestamptz,
      occurred_end timestamptz,
      recorded_at timestamptz NOT NULL,
      headline_en text NOT NULL,
      headline_fr text NOT NULL,
      data jsonb NOT NULL,
      sources jsonb NOT NULL,
      modality text NOT NULL,
      status text NOT NULL DEFAULT 'current',
      target_event_id uuid,
      correlation_id text
    )`);
    await q.query(`CREATE INDEX feed_items_subject_idx ON read_model.feed_items (subject, position)`);
    await q.query(`CREATE INDEX feed_items_type_idx ON read_model.feed_items (type, position)`);
    await q.query(`CREATE INDEX feed_items_orgs_idx ON read_model.feed_items USING gin (organizations)`);
    await q.query(`CREATE TABLE read_model.projection_checkpoints (
      projection text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      last_position bigint NOT NULL,
      last_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, topic, partition)
    )`);
    // Feed items arrive from six partitions in any interleaving; readers are served only up to the highest
    // position below which every recorded event has been projected, so a resume by position never skips one.
    await q.query(`CREATE TABLE read_model.feed_watermark (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      position bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO read_model.feed_watermark (id, position) VALUES (1, 0)`);
    // Events a projection gave up on (sent to the DLQ); the watermark counts them as processed.
    await q.query(`CREATE TABLE read_model.projection_failures (
      projection text NOT NULL,
      position bigint NOT NULL,
      event_id uuid NOT NULL,
      type text NOT NULL,
      error text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, position)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.projection_failures`);
    await q.query(`DROP TABLE read_model.feed_watermark`);
    await q.query(`DROP TABLE read_model.projection_checkpoints`);
    await q.query(`DROP TABLE read_model.feed_items`);
  }
}
