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
  canonicalSubject: z.string().meta({ description: 'The subject the entity is shown under (the one others were merged into)' }),
  kind: z.enum(['org', 'person', 'case', 'product', 'authority']),
  displayName: z.string().meta({
    description:
      "The canonical subject's display name in `lang`: a product's announced name and a case's filed title as they stood at knownAt, else the slug's (an authority's from the glossary in French)",
  }),
  displayNames: z.object({ en: z.string(), fr: z.string() }).meta({
    description:
      "The display name per language: proper names read the same in both; authorities the glossary knows are translated; a case's title is in each language the filing gives it (else the other's)",
  }),
  lang: z.enum(['en', 'fr']),
  mergedSubjects: z
    .array(z.object({ subject: z.string(), displayName: z.string() }))
    .meta({ description: 'Subjects recorded as the same entity (entity.merged, at knownAt)' }),
  aliases: z.array(z.string()).meta({ description: 'Alias names recorded for the entity (entity.aliased, at knownAt)' }),
  names: z.array(z.string()).meta({ description: "Every name the entity goes by: its subjects' display names, then its aliases" }),
  firstSeenAt: instantText(
    'When the earliest standing fact naming the entity was first recorded (at knownAt); a later correction of it does not move this',
  ),
  lastSeenAt: instantText('When the newest standing version of a fact naming the entity was recorded'),
  ...timeTravelShape,
  items: z.array(timelineItemSchema),
  next: nextCursor(),
});
