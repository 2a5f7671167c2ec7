import { z } from 'zod';
import { inferredFieldSchema } from '@newsroom/domain';
import { langParam, oneOf, reportParams, subject, minOutletsParam } from '../shared/report-params.schema';
import { conflictsWithSchema, corroborationSchema, fallbacksSchema, factStatusSchema, factVersionSchema, instantOrNull, nextCursor, nullableText, sourceSchema, textLangSchema, timeTravelShape, uuidText } from '../shared/fact.schema';
import { LEADERSHIP_VIEWS } from './leadership.repository';

export const leadershipParams = reportParams({
  organization: subject({ kind: 'org', example: 'org:openai' }),
  show: oneOf(LEADERSHIP_VIEWS, 'roster (default): the tenures in force as of asOf (now without it); tenures: every tenure on record')
    .optional()
    .transform((v) => v ?? 'roster'),
  minOutlets: minOutletsParam(),
  lang: langParam(),
});

/** A fact of a tenure: a bound, or the report a start's modality comes from. */
const tenureFact = z.object({
  eventId: uuidText(),
  organization: z.string().meta({ description: 'The organization slug this fact was recorded under (one of the entity\'s merged slugs, or the one asked for)' }),
  occurredAt: nullableText(),
  from: instantOrNull(),
  to: instantOrNull(),
  modality: z.string(),
  status: factStatusSchema,
  recordedAt: z.string().meta({ format: 'date-time' }),
  sources: z.array(sourceSchema),
  inferred: z.array(inferredFieldSchema),
  history: z.array(factVersionSchema),
  corroboration: corroborationSchema,
  conflictsWith: conflictsWithSchema,
});

const bound = (description: string) =>
  tenureFact
    .extend({
      modalityFrom: tenureFact.nullable().meta({
        description:
          "The report that gave this bound its modality when it is another fact than the bound's own, with its own id, date, sources and corroboration: " +
          'for a start, the earliest of the strongest appointments counted for `modality` (a rumour confirmed later for the same day: the confirmation; ' +
          'as of asOf, of those dated by then; at knownAt, of those known then). Null when the bound\'s own report is the strongest (also a rumour that the stories attached to it confirm: they are in its corroboration), and always for an end',
      }),
    })
    .nullable()
    .meta({ description });

const tenure = z.object({
  person: z.string(),
  personName: z.string(),
  canonicalPerson: z.string().meta({ description: 'The subject the person is shown under: `person`, or the subject it was merged into' }),
  canonicalPersonName: z.string(),
  organization: z.string().meta({
    description:
      'The organization slug the tenure was recorded under: its appointment\'s, or its departure\'s when the start is unknown (the departure\'s own is end.organization: of merged slugs, an appointment under one and the departure under the other are one tenure)',
  }),
  canonicalOrganization: z.string().meta({ description: 'The subject the organization is shown under: `organization`, or the subject it was merged into (at knownAt)' }),
  role: z.string().meta({ description: 'In `lang` (see fallbacks)' }),
  roleCategory: z.string(),
  interim: z.boolean().meta({ description: 'The interim flag in force: the last appointment\'s, or as of asOf the last one dated by then' }),
  start: bound(
    'The appointment (its first report in valid time); null when only the departure is on record (start unknown). Its modality is the strongest (confirmed, reported, rumored) of the appointments dated within its date, as of asOf those dated by then, a rumour counting as confirmed once the stories attached to it confirm it (an outlet\'s latest word confirms, none denies, as recorded at knownAt); its eventId, sources and corroboration stay the first report\'s, and modalityFrom names the report the modality comes from',
  ),
  end: bound('The departure; null while the tenure is open. Of several departures with no appointment between (reports of the same one), the first in valid time'),
  reason: nullableText(),
  destination: nullableText('A subject, or a name in `lang`'),
  lang: textLangSchema,
  fallbacks: fallbacksSchema,
  certain: z
    .boolean()
    .optional()
    .meta({ description: 'Roster only (left out with show=tenures): false when asOf falls inside an imprecise start or end date, the start is unknown, the end is a rumoured departure, or the tenure rests on rumour alone (no appointment of it dated by asOf, every one without it, is reported or confirmed, or a rumour that the stories attached to it confirm)' }),
});

export const leadershipReportSchema = z.object({
  organization: z.string(),
  organizationName: z.string(),
  ...timeTravelShape,
  show: z.enum(LEADERSHIP_VIEWS),
  lang: textLangSchema,
  items: z.array(tenure),
  next: nextCursor(),
});
