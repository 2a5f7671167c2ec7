import { z } from 'zod';
import { inferredFieldSchema, LAWSUIT_STATUSES } from '@newsroom/domain';
import { langParam, list, reportParams, subject, minOutletsParam } from '../shared/report-params.schema';
import { conflictsWithSchema, corroborationSchema, fallbacksSchema, textLangSchema, factStatusSchema, factVersionSchema, instantText, nextCursor, nullableText, sourceSchema, timeTravelShape, uuidText } from '../shared/fact.schema';

/** A case's current status: "filed" before any change. */
const CASE_STATUSES = ['filed', ...LAWSUIT_STATUSES];

export const lawsuitsParams = reportParams({
  party: subject({ example: 'person:elon-musk', description: 'A plaintiff or defendant' }).optional().transform((v) => v ?? null),
  status: list(`Current status, comma-separated: ${CASE_STATUSES.join(', ')}`, CASE_STATUSES),
  minOutlets: minOutletsParam(),
  lang: langParam(),
});

const step = z.object({
  eventId: uuidText(),
  status: z.string(),
  detail: nullableText('In `lang` (see fallbacks)'),
  fallbacks: fallbacksSchema,
  occurredAt: nullableText(),
  modality: z.string(),
  factStatus: factStatusSchema,
  recordedAt: instantText(),
  sources: z.array(sourceSchema),
  inferred: z.array(inferredFieldSchema),
  history: z.array(factVersionSchema),
  corroboration: corroborationSchema,
  conflictsWith: conflictsWithSchema,
});

const caseSchema = z.object({
  case: z.string(),
  caseName: z.string().meta({
    description: "The case's name in `lang`: its filing's title as it stood at knownAt (in the other language when the filing gives only that one)",
  }),
  title: nullableText('In `lang` (see fallbacks)'),
  plaintiffs: z.array(z.string()),
  defendants: z.array(z.string()),
  canonicalPlaintiffs: z.array(z.string()).meta({ description: 'The plaintiffs as entities (merged subjects resolved, at knownAt)' }),
  canonicalDefendants: z.array(z.string()).meta({ description: 'The defendants as entities (merged subjects resolved, at knownAt)' }),
  court: nullableText(),
  claims: z.array(z.string()).meta({ description: 'In `lang` (see fallbacks: claims[i])' }),
  lang: textLangSchema,
  fallbacks: fallbacksSchema,
  filed: step,
  status: z.string().meta({
    description:
      'The latest standing status, "filed" before any change: the latest step in valid time that is neither denied nor a rumour ' +
      'no story attached to it confirms (an outlet whose latest word confirms it, none denying it, as known at knownAt)',
  }),
  rumoredStatus: z
    .string()
    .nullable()
    .meta({
      description:
        'The latest rumoured step after the standing status that does not count (not confirmed), e.g. "appealed" for a case filed ' +
        'with an appeal rumoured; null when none, when a denied step of that status or an outlet denying the rumour sets it aside, ' +
        'or when it is the status the case has. Not a filter: status= reads the standing status',
    }),
  history: z.array(step),
});

export const lawsuitsReportSchema = z.object({
  party: nullableText(),
  status: z.array(z.string()).nullable(),
  ...timeTravelShape,
  lang: textLangSchema,
  items: z.array(caseSchema),
  next: nextCursor(),
});
