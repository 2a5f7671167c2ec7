import { z } from 'zod';
import { EVENT_TYPES, LIMITS } from '@newsroom/domain';
import { isUuid } from '@newsroom/platform';
import {
  anyJson,
  factFieldsShape,
  fallbacksSchema,
  instantText,
  nextCursor,
  nullableText,
  textLangSchema,
  timeTravelShape,
} from '../reports/shared/fact.schema';
import { langParam, optionalName, reportParams } from '../reports/shared/report-params.schema';

export const sourcesListParams = reportParams({
  outlet: optionalName(
    LIMITS.name,
    'Only stories of this outlet, matched as corroboration folds outlet names (case, spacing, apostrophes)',
  ),
});

/** `id` is the path parameter. */
export const sourceDetailParams = reportParams({
  // A UUID is well-formed as another kind of id (an event's, a conflict's), never a source's: a 400 that says so, as any
  // id not of a source id's form, not a 404 that would send the client looking for a story that may have been removed.
  id: z
    .string()
    .regex(/^[0-9a-f]{24}$/, {
      error: (iss) =>
        isUuid(String(iss.input))
          ? "must be a source id (24 hex characters), not a UUID: a UUID is an event's id (GET /v1/events/{id}) or a conflict's"
          : 'must be a source id (24 hex characters)',
    })
    .meta({ description: 'The source id (24 hex characters)' }),
  lang: langParam(),
});

const sourceFields = {
  id: z.string().meta({ description: 'Stable hash of outlet, url and title (and publishedAt for a source with neither url nor title)' }),
  outlet: z.string(),
  url: nullableText(),
  title: nullableText(),
  language: nullableText(),
  publishedAt: nullableText(),
  firstRecordedAt: instantText(),
};

export const sourcesListSchema = z.object({
  outlet: nullableText(),
  ...timeTravelShape,
  items: z.array(z.object(sourceFields)),
  next: nextCursor(),
});

export const sourceDetailSchema = z.object({
  ...sourceFields,
  ...timeTravelShape,
  items: z.array(
    z.object({
      type: z.enum(EVENT_TYPES),
      subject: z.string(),
      subjectName: z.string(),
      headline: z
        .string()
        .meta({ description: 'In `lang`; free text the event does not give in it shows in the other, marked "[en]" / "[fr]"' }),
      lang: textLangSchema,
      fallbacks: fallbacksSchema,
      stance: z.enum(['confirms', 'denies']).meta({
        description:
          'How the story stands on the fact: one of its sources (confirms), or attached later with POST /v1/events/{id}/sources (confirms or denies)',
      }),
      quote: nullableText(),
      data: anyJson(),
      ...factFieldsShape,
    }),
  ),
  next: nextCursor(),
});
