import { z } from 'zod';
import { EVENT_TYPES } from '@newsroom/domain';
import { instant, langParam, reportParams, subject, typesParam, minOutletsParam } from '../shared/report-params.schema';
import { anyJson, factFieldsShape, instantOrNull, nextCursor, nullableText, timeTravelShape } from '../shared/fact.schema';

export const timelineParams = reportParams({
  subject: subject({ example: 'org:openai' }).optional().transform((v) => v ?? null),
  from: instant('Facts whose date overlaps [from, to)'),
  to: instant('End of the [from, to) window', 'end'),
  types: typesParam(),
  lang: langParam(),
  minOutlets: minOutletsParam(),
});

export const timelineItemSchema = z.object({
  type: z.enum(EVENT_TYPES),
  subject: z.string(),
  subjectName: z.string(),
  canonicalSubject: z.string().meta({ description: 'The subject the entity is shown under: the recorded subject, or the one it was merged into' }),
  role: z.string().meta({ description: 'How the fact names the subject asked for: subject, organization, plaintiff, defendant, destination, requested_by...' }),
  headline: z.string(),
  data: anyJson(),
  ...factFieldsShape,
});

export const timelineReportSchema = z.object({
  subject: nullableText(),
  from: instantOrNull(),
  to: instantOrNull(),
  types: z.array(z.string()).nullable(),
  ...timeTravelShape,
  items: z.array(timelineItemSchema),
  next: nextCursor(),
});
