import { z } from 'zod';
import { EVENT_TYPES, inferredFieldSchema, MODALITIES, sourceSchema } from '@newsroom/domain';
import { corroborationSchema, fallbacksSchema, textLangSchema } from '../reports/shared/fact.schema';
import { feedQueryParams, feedQuerySchema } from './feed-query.reader';

/** The SSE stream's parameters: the feed filters (no page size) and the read key for clients that cannot send headers. */
export const feedStreamParams = feedQueryParams.omit({ limit: true }).extend({
  key: z.string().optional().meta({ description: 'Read key, for clients that cannot send headers' }),
  lastEventId: z.string().optional().meta({
    description: 'The newest position seen, for EventSource polyfills that cannot send the Last-Event-ID header (the header wins)',
  }),
  status: z
    .enum(['true', 'false'])
    .optional()
    .meta({
      description:
        'true: the stream also sends `event: status` frames ({delayed, since, reason?}), the current one first and each change, ' +
        'telling whether recorded items are late (default false: only items, heartbeats and `event: close`)',
    }),
});

/** The parameters each endpoint takes; any other is refused (parseFeedQuery). */
export const FEED_HISTORY_PARAMS: readonly string[] = Object.keys(feedQuerySchema.shape);
export const FEED_STREAM_PARAMS: readonly string[] = Object.keys(feedStreamParams.shape);
/**
 * The fields of a WebSocket subscribe message: the feed filters (no page size; the key goes in the upgrade request)
 * and an optional `type` ("subscribe"). Any other is refused with close 1008, as the HTTP endpoints refuse unknown
 * parameters: `{"organisation": ...}` would otherwise subscribe to the whole feed as if it were filtered.
 */
export const FEED_WS_FIELDS: readonly string[] = ['type', ...Object.keys(feedQuerySchema.omit({ limit: true }).shape)];

/** A feed item as the history endpoint, SSE and WebSocket send it (PRODUCT.md). */
const feedItemSchema = z.object({
  position: z.string().meta({ description: 'Global position (a decimal string)', pattern: '^[0-9]+$' }),
  eventId: z.string().meta({ format: 'uuid' }),
  type: z.enum(EVENT_TYPES),
  subject: z.string(),
  occurredAt: z.string().nullable(),
  recordedAt: z.string().meta({ format: 'date-time' }),
  headline: z.string().meta({
    description: 'In the requested language; free text the event does not give in it shows in the other, marked "[en]" / "[fr]"',
  }),
  lang: textLangSchema,
  fallbacks: fallbacksSchema,
  data: z.unknown().meta({ description: 'The event\'s data as recorded (free text as given: a string, or {"en", "fr"})' }),
  sources: z.array(sourceSchema),
  inferred: z.array(inferredFieldSchema).meta({ description: 'The fields its sources do not state, each with a note ([] when none)' }),
  modality: z.enum(MODALITIES),
  status: z.enum(['current', 'corrected', 'retracted']),
  targetEventId: z
    .string()
    .meta({
      format: 'uuid',
      description:
        'An amendment: the event it corrects or retracts; an attached source (event.sourced): the fact it backs or denies; a conflict resolution (conflict.resolved): the fact that stands',
    })
    .optional(),
  targetStatus: z.enum(['corrected', 'retracted']).meta({ description: 'An amendment: the status it gave its target' }).optional(),
  corroboration: corroborationSchema.meta({
    description: "The fact's outlets; on an event.sourced item, its target's after the source was attached",
  }),
  conflictsWith: z.array(z.string().meta({ format: 'uuid' })).meta({
    description:
      'Ids of the open conflicts (GET /v1/reports/conflicts) of this fact, or of the target of an amendment, source or resolution item; [] when none. As of now, like status.',
  }),
  conflictUpdates: z
    .array(
      z.object({
        conflictId: z.string().meta({ format: 'uuid' }),
        change: z.enum(['opened', 'closed']),
        closedBy: z.enum(['editor', 'correction', 'retraction', 'appointment']).nullable(),
        eventIds: z.array(z.string().meta({ format: 'uuid' })).meta({ description: 'The two facts in contradiction' }),
      }),
    )
    .meta({ description: 'The conflicts this event opened or closed (absent when none): a client marks or unmarks the two facts it shows' })
    .optional(),
});

export const feedPageSchema = z.object({
  items: z.array(feedItemSchema),
  next: z.string().meta({ description: 'Pass as `after` to read on' }),
});
