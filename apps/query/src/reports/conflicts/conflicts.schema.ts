import { z } from 'zod';
import { MODALITIES } from '@newsroom/domain';
import { langParam, oneOf, reportParams, subject } from '../shared/report-params.schema';
import { instantOrNull, instantText, nextCursor, nullableText, sourceSchema, textLangSchema, uuidText, corroborationSchema } from '../shared/fact.schema';

const STATUSES = ['open', 'resolved'] as const;
const KINDS = ['financial', 'departure', 'lawsuit'] as const;

// asOf and modality do not apply: a conflict is between the facts as recorded (transaction time, knownAt).
export const conflictsParams = reportParams({
  status: oneOf(STATUSES, 'open: both facts stand and disagree; resolved: an editor chose a side, a correction or retraction ended it, or (two departures) a re-appointment recorded between them')
    .optional()
    .transform((v) => v ?? null),
  kind: oneOf(KINDS, 'financial: a figure for one organization, metric, basis and period; departure: one person leaving one role; lawsuit: one case outcome at one date')
    .optional()
    .transform((v) => v ?? null),
  subject: subject({ example: 'org:openai', description: 'The stream of the two facts (organization, person or case)' }).optional().transform((v) => v ?? null),
  lang: langParam(),
}).omit({ asOf: true, modality: true });

const claimValueSchema = z
  .object({
    metric: z.string().optional(),
    basis: z.string().optional(),
    period: z.string().nullable().optional(),
    amount: z.string().nullable().optional(),
    currency: z.string().nullable().optional(),
    count: z.number().nullable().optional(),
    occurredAt: z.string().nullable().optional(),
    destination: z.string().nullable().optional(),
    status: z.string().nullable().optional(),
  })
  .meta({ description: 'What the fact claims for the key: a figure (metric, basis, period, amount and currency or count), a departure (occurredAt, destination) or a case outcome (status, occurredAt)' });

const sideSchema = z.object({
  eventId: uuidText(),
  type: z.string(),
  occurredAt: nullableText(),
  headline: nullableText('The fact as the feed shows it, in `lang`'),
  modality: z
    .enum(MODALITIES)
    .nullable()
    .meta({ description: 'As recorded: a denial contradicts a departure reported on or before its date (`fields`: modality)' }),
  value: claimValueSchema,
  sources: z.array(sourceSchema),
  corroboration: corroborationSchema.meta({
    description: "The side's outlets at knownAt, as every report's facts carry it: its own sources and stories attached to it since (sources lists its own)",
  }),
});

const conflictSchema = z.object({
  conflictId: uuidText(),
  kind: z.enum(KINDS),
  subject: z.string(),
  subjectName: z.string(),
  key: z.string().meta({ description: 'What both facts speak of, e.g. financial|org:openai|loss|actual|<period>' }),
  fields: z.array(z.string()).meta({
    description: 'Where they disagree: amount, count, occurredAt, destination, status; modality: a denial and a departure it could not be true beside',
  }),
  status: z.enum(STATUSES).meta({ description: 'At knownAt (now without it)' }),
  openedAt: instantText(
    'When the opening in force at knownAt (now without it) was recorded: the second fact, or a correction that made them disagree again (a reopening)',
  ),
  openedEventId: uuidText(),
  closedAt: instantOrNull('When the closing in force at knownAt (now without it) was recorded; null while open'),
  resolution: z
    .object({
      by: z.enum(['editor', 'correction', 'retraction', 'appointment']).meta({
        description:
          'appointment: two departures of one role with a re-appointment recorded (or corrected) to lie between them, so both can be true; eventId is the appointment, or its correction',
      }),
      eventId: uuidText(),
      standingEventId: nullableText('An editor\'s resolution: the fact that stands'),
      reason: nullableText("The editor's reason, or the correction's or retraction's; null when an appointment closed it"),
    })
    .nullable(),
  sides: z.array(sideSchema).meta({
    description:
      'The two facts, the one recorded first first, each as it stood at knownAt (its value, occurredAt and headline then; as it stands now without knownAt)',
  }),
});

export const conflictsReportSchema = z.object({
  status: z.enum(STATUSES).nullable(),
  kind: z.enum(KINDS).nullable(),
  subject: nullableText(),
  knownAt: instantOrNull(),
  lang: textLangSchema,
  items: z.array(conflictSchema),
  next: nextCursor(),
});
