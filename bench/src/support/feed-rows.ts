import { ClientBase, Pool } from 'pg';
import { evolveFeed, FeedItemRow, parseWireEvent } from '@newsroom/projections';
import { toWireEvent } from '@newsroom/messaging';
import { BenchEnvelope, toStored } from './event-shape';

/** The feed row the projector would write for a bench event (headlines rendered by the real projection code). */
export function feedRowOf(envelope: BenchEnvelope, position: number): FeedItemRow {
  const wire = JSON.stringify(toWireEvent(toStored(envelope, position)));
  const [change] = evolveFeed(parseWireEvent(wire), null);
  if (change.kind !== 'insert') throw new Error('a bench event must make a feed item');
  return change.item;
}

/**
 * Writes feed rows with one statement (unnest of column arrays), the fastest way to upsert from a client. `table`
 * is a trusted identifier chosen by the bench, never user input.
 */
export async function upsertFeedRows(db: Pool | ClientBase, table: string, rows: FeedItemRow[], update: boolean): Promise<void> {
  const col = <K extends keyof FeedItemRow>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO ${table} (position, event_id, type, subject, subjects, organizations, occurred_at, recorded_at, headline_en,
       headline_fr, data, sources, modality, status, target_event_id, correlation_id)
     SELECT u.position, u.event_id, u.type, u.subject, array_remove(ARRAY[u.subject, u.organization], NULL), ARRAY[u.organization], u.occurred_at, u.recorded_at, u.headline_en,
       u.headline_fr, u.data, u.sources, u.modality, u.status, u.target_event_id, u.correlation_id
     FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
       $8::text[], $9::text[], $10::jsonb[], $11::jsonb[], $12::text[], $13::text[], $14::uuid[], $15::text[])
       AS u(position, event_id, type, subject, organization, occurred_at, recorded_at, headline_en, headline_fr, data,
         sources, modality, status, target_event_id, correlation_id)
     ${
       update
         ? `ON CONFLICT (position) DO UPDATE SET headline_en = EXCLUDED.headline_en, headline_fr = EXCLUDED.headline_fr,
            data = EXCLUDED.data, sources = EXCLUDED.sources, status = EXCLUDED.status, organizations = EXCLUDED.organizations,
            subjects = EXCLUDED.subjects`
         : 'ON CONFLICT (position) DO NOTHING'
     }`,
    [
      col('position'),
      col('eventId'),
      col('type'),
      col('subject'),
      // text[][] cannot be ragged; each bench item concerns exactly one organization (its subjects: its subject and it).
      rows.map((r) => r.organizations[0] ?? null),
      col('occurredAt'),
      col('recordedAt'),
      col('headlineEn'),
      col('headlineFr'),
      rows.map((r) => JSON.stringify(r.data)),
      rows.map((r) => JSON.stringify(r.sources)),
      col('modality'),
      col('status'),
      col('targetEventId'),
      col('correlationId'),
    ],
  );
}
