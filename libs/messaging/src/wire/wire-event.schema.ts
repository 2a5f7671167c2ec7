import { z } from 'zod';
import { EVENT_TYPES, inferredSchema, MODALITIES, sourceSchema } from '@newsroom/domain';

/**
 * The envelope on newsroom.events.v1 as a schema, for its description (AsyncAPI) and for tests that hold the
 * relay's messages to it. Its fields are the wire envelope's (toWireEvent), in the same order.
 */
export const wireEventSchema = z
  .object({
    id: z.uuid().meta({ description: 'The event id (also the `event-id` and `ce_id` headers)' }),
    type: z.enum(EVENT_TYPES as [string, ...string[]]).meta({ description: 'The event type (also `event-type` and `ce_type`)' }),
    subject: z
      .string()
      .meta({ description: 'The stream: "<kind>:<slug>" (also the message key and `ce_subject`)', example: 'person:mira-murati' }),
    occurredAt: z.string().nullable().meta({ description: 'When it happened: a date, period, RFC 3339 date-time or start/end range' }),
    data: z.record(z.string(), z.unknown()).meta({ description: "The type's data at `schemaVersion` (see the submission envelope)" }),
    sources: z.array(sourceSchema),
    modality: z.enum(MODALITIES),
    streamVersion: z.number().int().min(1).meta({ description: "The event's version in its stream (1, 2, ...)" }),
    globalPosition: z
      .string()
      .regex(/^[1-9]\d{0,18}$/)
      .meta({ description: 'Position in the whole log, a decimal 64-bit integer' }),
    recordedAt: z.string().meta({ format: 'date-time', description: 'When the store recorded it (also `ce_time`)' }),
    schemaVersion: z.number().int().min(1),
    metadata: z
      .looseObject({
        correlationId: z.string(),
        causationId: z.string().nullable(),
        actor: z.string().meta({ description: 'Who recorded it: "key:<name>", "kafka:<topic>"...' }),
        // Kept in the metadata so the stored record and this message carry it (README, "What the sources do not say").
        inferred: inferredSchema.optional().meta({
          description:
            'The fields its sources do not state, each with a note ("occurredAt" or "data.<field path>"), as the envelope\'s ' +
            '`inferred` gave them; absent (or []) when none',
        }),
      })
      .meta({ description: 'Trace, actor and the fields the sources do not state; more members may follow' }),
  })
  .meta({ title: 'WireEvent', description: 'A recorded story event as the relay publishes it' });
