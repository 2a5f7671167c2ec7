import { z } from 'zod';
import { inferredFieldSchema, MODALITIES } from '@newsroom/domain';

/** Zod pieces of the report responses (what every fact carries); the OpenAPI response schemas come from them. */

export const nullableText = (description?: string) => z.string().nullable().meta(description ? { description } : {});
export const instantOrNull = (description?: string) => z.string().nullable().meta({ format: 'date-time', ...(description ? { description } : {}) });
export const instantText = (description?: string) => z.string().meta({ format: 'date-time', ...(description ? { description } : {}) });
export const uuidText = () => z.string().meta({ format: 'uuid' });
/** The fact's data as recorded: any JSON value. */
export const anyJson = () => z.unknown().meta({ description: "Any JSON value (the fact's data as recorded)" });
export const nextCursor = () => nullableText('Cursor of the next page; null on the last');

export const sourceSchema = z.object({
  id: z.string().meta({ description: 'Stable hash of outlet, url and title (and publishedAt for a source with neither url nor title)' }),
  outlet: z.string(),
  via: nullableText('A syndicated copy: the outlet it reprints').optional(),
  url: nullableText(),
  title: nullableText(),
  language: nullableText(),
  publishedAt: nullableText(),
  quote: nullableText(),
});

/** One earlier version of a corrected fact, as recorded (a fact's history). */
export const factVersionSchema = z.object({
  version: z.number().int(),
  occurredAt: nullableText(),
  data: anyJson(),
  recordedFrom: instantText(),
  recordedTo: instantOrNull(),
  supersededBy: z.enum(['corrected', 'retracted']).nullable(),
  changeReason: nullableText(),
  endReason: nullableText(),
  inferred: z.array(inferredFieldSchema).meta({ description: "This version's fields its sources did not state" }),
});

export const factStatusSchema = z.enum(['current', 'corrected']);

/** How many distinct outlets report the fact, confirming or denying it (each outlet's latest word), first and latest. */
export const corroborationSchema = z.object({
  outlets: z.number().int().meta({ description: 'Distinct outlets; a syndicated copy (source.via) counts as the outlet it reprints' }),
  confirms: z.number().int(),
  denies: z.number().int(),
  firstReportedAt: nullableText('Earliest report (publishedAt as given, else when recorded)'),
  latestReportedAt: nullableText('Latest report'),
});

/** The conflicts a fact is a side of (open at knownAt): their ids in GET /v1/reports/conflicts. */
export const conflictsWithSchema = z.array(uuidText()).meta({
  description: 'Ids of the conflicts (GET /v1/reports/conflicts) this fact is a side of, open at knownAt (now without it); [] when none',
});

/** What every fact in a report carries. */
export const factFieldsShape = {
  factId: uuidText(),
  occurredAt: nullableText('As recorded, with its precision (2024, 2024-Q3, 2024-09-25, a range...)'),
  validFrom: instantOrNull(),
  validTo: instantOrNull(),
  modality: z.enum(MODALITIES),
  status: factStatusSchema,
  recordedAt: instantText('When this version was recorded'),
  sources: z.array(sourceSchema),
  inferred: z.array(inferredFieldSchema).meta({ description: 'The fields its sources do not state, each with a note ([] when none)' }),
  history: z.array(factVersionSchema),
  corroboration: corroborationSchema,
  conflictsWith: conflictsWithSchema,
};

/** The time-travel header of a report answer. */
export const timeTravelShape = { asOf: instantOrNull(), knownAt: instantOrNull() };

/** The language of an answer's free text and where it fell back (issue 14.4). */
export const textLangSchema = z.enum(['en', 'fr']).meta({ description: 'The language free text (roles, features, requests...) is shown in: `lang`' });
export const fallbacksSchema = z.array(z.string()).meta({
  description:
    'The fields shown in the other language because the event gives no text in `lang` and the glossary does not know it ' +
    '(e.g. ["role"] or ["data.features[1]"]); [] when everything is in `lang`. Headlines mark such text with "[en]" / "[fr]".',
  examples: [['role']],
});
