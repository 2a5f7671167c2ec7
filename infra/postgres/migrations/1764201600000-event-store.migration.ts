import { MigrationInterface, QueryRunner } from 'typeorm';

/** The append-only event log, its stream versions and the relay's checkpoint. */
export class EventStore1764201600000 implements MigrationInterface {
  name = 'EventStore1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await q.query(`CREATE TABLE event_store.streams (
      stream_id text PRIMARY KEY,
      version integer NOT NULL CHECK (version >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE event_store.events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id uuid NOT NULL,
      stream_id text NOT NULL,
      stream_version integer NOT NULL CHECK (stream_version >= 1),
      type text NOT NULL,
      schema_version integer NOT NULL,
      occurred_at text,
      occurred_start timestamptz,
      occurred_end timestamptz,
      recorded_at timestamptz NOT NULL,
      data jsonb NOT NULL,
      sources jsonb NOT NULL DEFAULT '[]',
      modality text NOT NULL DEFAULT 'reported',
      metadata jsonb NOT NULL DEFAULT '{}',
      content_hash text NOT NULL,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      CONSTRAINT events_event_id_key UNIQUE (event_id),
      CONSTRAINT events_stream_id_stream_version_key UNIQUE (stream_id, stream_version)
    )`);
    await q.query(`CREATE INDEX events_type_position_idx ON event_store.events (type, global_position)`);
    await q.query(`CREATE INDEX events_recorded_at_idx ON event_store.events (recorded_at)`);
    // Kept forever: the log refuses updates and deletes; corrections are new events.
    await q.query(`CREATE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'event_store.events is append-only'; END $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON event_store.events
      FOR EACH ROW EXECUTE FUNCTION event_store.refuse_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON event_store.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_store.refuse_change()`);
    await q.query(`CREATE TABLE event_store.relay_checkpoints (
      name text PRIMARY KEY,
      position bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.relay_checkpoints`);
    await q.query(`DROP TABLE event_store.events`);
    await q.query(`DROP FUNCTION event_store.refuse_change()`);
    await q.query(`DROP TABLE event_store.streams`);
    await q.query(`DROP SCHEMA event_store`);
  }
}
