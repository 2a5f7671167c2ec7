import type { DataSource } from 'typeorm';
import type { IncomingMessage } from '@newsroom/messaging';
import type { ProjectedEvent } from '@newsroom/projections';

/** An event as the projector receives it from the topic (no relay headers: the runner reads the JSON). */
export const message = (e: ProjectedEvent, offset: number, topic: string, partition = 0): IncomingMessage => ({
  topic,
  partition,
  offset: String(offset),
  key: e.subject,
  value: Buffer.from(JSON.stringify(e)),
  headers: {},
});

/** The projector applies only what the event store holds: hand-made events are recorded at their positions first. */
export async function recordInStore(ds: DataSource, events: ProjectedEvent[]): Promise<void> {
  await ds.query(
    `INSERT INTO event_store.events (global_position, event_id, stream_id, stream_version, type, schema_version, occurred_at,
       recorded_at, data, sources, modality, metadata, content_hash) OVERRIDING SYSTEM VALUE
     SELECT (e->>'globalPosition')::bigint, (e->>'id')::uuid, e->>'subject', (e->>'streamVersion')::int, e->>'type',
       (e->>'schemaVersion')::int, e->>'occurredAt', (e->>'recordedAt')::timestamptz, e->'data', e->'sources', e->>'modality',
       e->'metadata', 'test' FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(events)],
  );
}
