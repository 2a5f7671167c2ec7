import { z } from 'zod';
import { EVENT_TYPES } from '@newsroom/domain';
import { instant, langParam, oneOf, reportParams, subject, typesParam, minOutletsParam } from '../shared/report-params.schema';
import { anyJson, factFieldsShape, fallbacksSchema, instantOrNull, nextCursor, nullableText, textLangSchema, timeTravelShape } from '../shared/fact.schema';

export const timelineParams = reportParams({
  subject: subject({ example: 'org:openai' }).optional().transform((v) => v ?? null),
  from: instant('Facts whose date overlaps the window, which starts where this date or period starts'),
  to: instant("Through this date or period, included: the window ends where its period ends (to=2024-07 takes all of July, to=2024 the whole year; a date-time takes that instant)", 'end'),
  types: typesParam(),
  lang: langParam(),
  minOutlets: minOutletsParam(),
}).extend({
  // The timeline also answers as TimelineJS3 JSON.
  format: oneOf(['json', 'csv', 'timelinejs'], 'json (default), csv, or timelinejs (TimelineJS3 JSON)')
    .optional()
    .transform((v) => v ?? null),
});

export const timelineItemSchema = z.object({
  type: z.enum(EVENT_TYPES),
  subject: z.string(),
  subjectName: z.string().meta({ description: "The subject's display name in `lang`: a product's announced name and a case's filed title as they stood at knownAt, else the slug's" }),
  canonicalSubject: z.string().meta({ description: 'The subject the entity is shown under: the recorded subject, or the one it was merged into' }),
  role: z.string().meta({ description: "How the fact names the subject asked for: subject, organization, plaintiff, defendant, destination, requested_by... A case's step (which names only its case) on a party's timeline: the party's role in the case." }),
  headline: z.string().meta({ description: 'In `lang`; free text the event does not give in it shows in the other, marked "[en]" / "[fr]"' }),
  lang: textLangSchema,
  fallbacks: fallbacksSchema,
  data: anyJson(),
  ...factFieldsShape,
});

export const timelineReportSchema = z.object({
  subject: nullableText(),
  from: instantOrNull(),
  to: instantOrNull(),
  types: z.array(z.string()).nullable(),
  ...timeTravelShape,
  lang: textLangSchema,
  items: z.array(timelineItemSchema),
  next: nextCursor(),
});

const timelineJsDateSchema = z.object({
  year: z.number().int(),
  month: z.number().int().min(1).max(12).optional(),
  day: z.number().int().min(1).max(31).optional(),
  hour: z.number().int().optional(),
  minute: z.number().int().optional(),
  second: z.number().int().optional(),
  display_date: z.string().optional().meta({ description: 'The date as recorded (e.g. 2024-Q2)' }),
});

const timelineJsTextSchema = z.object({ headline: z.string(), text: z.string().meta({ description: 'HTML (escaped)' }) });

/** ?format=timelinejs: the TimelineJS3 JSON format (https://timeline.knightlab.com/docs/json-format.html). */
export const timelineJsSchema = z
  .object({
    title: z.object({ text: timelineJsTextSchema }),
    events: z.array(
      z.object({
        start_date: timelineJsDateSchema,
        end_date: timelineJsDateSchema.optional(),
        text: timelineJsTextSchema,
        group: z.string().meta({ description: 'The event type' }),
        unique_id: z.string().meta({ description: 'The fact id' }),
      }),
    ),
  })
  .meta({ description: 'TimelineJS3 JSON: one slide per fact of the page' });
