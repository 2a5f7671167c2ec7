import { z } from 'zod';
import { instantText, nextCursor, timeTravelShape } from '../reports/shared/fact.schema';
import { langParam, reportParams, subject, typesParam } from '../reports/shared/report-params.schema';
import { timelineItemSchema } from '../reports/timeline/timeline.schema';

/** `subject` is the path parameter. */
export const entityParams = reportParams({
  subject: subject({ example: 'person:mira-murati', invalid: 'must be a subject "<kind>:<slug>" such as "person:mira-murati"' }),
  types: typesParam(),
  lang: langParam(),
});

export const entitySchema = z.object({
  subject: z.string(),
  kind: z.enum(['org', 'person', 'case', 'product', 'authority']),
  displayName: z.string(),
  firstSeenAt: instantText(),
  lastSeenAt: instantText(),
  ...timeTravelShape,
  items: z.array(timelineItemSchema),
  next: nextCursor(),
});
