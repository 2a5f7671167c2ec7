import { z } from 'zod';
import { DEPARTURE_GROUPINGS } from '@newsroom/projections';
import { instant, langParam, oneOf, reportParams, subject, minOutletsParam } from '../shared/report-params.schema';
import { factFieldsShape, fallbacksSchema, instantOrNull, nextCursor, nullableText, textLangSchema } from '../shared/fact.schema';

export const departuresParams = reportParams({
  organization: subject({ kind: 'org', example: 'org:openai' }).optional().transform((v) => v ?? null),
  from: instant('Departures whose date overlaps the window, which starts where this date or period starts'),
  to: instant("Through this date or period, included: the window ends where its period ends (to=2024-07 takes all of July, to=2024 the whole year; a date-time takes that instant)", 'end'),
  groupBy: oneOf(DEPARTURE_GROUPINGS).optional().transform((v) => v ?? null),
  minOutlets: minOutletsParam(),
  lang: langParam(),
});

const departure = z.object({
  person: z.string(),
  personName: z.string(),
  canonicalPerson: z.string().meta({ description: 'The subject the person is shown under: `person`, or the subject it was merged into' }),
  canonicalPersonName: z.string(),
  organization: z.string(),
  role: z.string().meta({ description: 'In `lang` (see fallbacks)' }),
  roleCategory: z.string(),
  reason: nullableText(),
  destination: nullableText('A subject, or a name in `lang`'),
  lang: textLangSchema,
  fallbacks: fallbacksSchema,
  ...factFieldsShape,
});

const header = { organization: nullableText(), from: instantOrNull(), to: instantOrNull(), asOf: instantOrNull(), knownAt: instantOrNull(), lang: textLangSchema };

export const departuresReportSchema = z.union([
  z.object({ ...header, items: z.array(departure), next: nextCursor() }),
  z.object({
    ...header,
    groupBy: z.enum(DEPARTURE_GROUPINGS),
    groups: z.array(
      z.object({
        key: z.string().meta({ description: '2024-09, 2024-Q3, 2024 or a role category' }),
        from: instantOrNull(),
        to: instantOrNull(),
        count: z.number().int().meta({
          description:
            'Departures reported or confirmed: one per person leaving one role of one organization; denied reports, rumours and repeated reports of one departure count for nothing',
        }),
        rumored: z.number().int().meta({
          description:
            'Departures only rumoured, counted apart from count: one per person leaving one role of one organization with a rumour in the bucket and no report counted in count; a rumour denied (a denied departure of the same person, organization and role, or a story attached to it that denies it) counts for nothing',
        }),
        reports: z.number().int().meta({ description: 'Every report listed in items, denied and repeated ones included' }),
        items: z.array(departure),
      }),
    ),
    unplaced: z
      .object({ count: z.number().int(), rumored: z.number().int(), reports: z.number().int(), items: z.array(departure) })
      .meta({ description: 'Departures dated too coarsely for one bucket (2023-12/2024-12 by quarter)' }),
  }),
]);
