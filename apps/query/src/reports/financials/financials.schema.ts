import { z } from 'zod';
import { FINANCIAL_METRICS } from '@newsroom/projections';
import { instant, list, oneOf, reportParams, subject, minOutletsParam } from '../shared/report-params.schema';
import { factFieldsShape, instantOrNull, nextCursor, nullableText, textLangSchema, timeTravelShape } from '../shared/fact.schema';

export const financialsParams = reportParams({
  organization: subject({ kind: 'org', example: 'org:openai' }),
  metric: list(`Comma-separated: ${FINANCIAL_METRICS.join(', ')}`, FINANCIAL_METRICS),
  basis: list('Comma-separated bases (see the point schema)'),
  from: instant('Points whose period overlaps the window, which starts where this date or period starts'),
  to: instant("Through this date or period, included: the window ends where its period ends (to=2024-07 takes all of July, to=2024 the whole year; a date-time takes that instant)", 'end'),
  minOutlets: minOutletsParam(),
  lang: oneOf(['en', 'fr'], 'Accepted for symmetry with the other reports: financial points carry no free text')
    .optional()
    .transform((v) => v ?? 'en'),
});

const point = z.object({
  organization: z.string().meta({ description: 'The organization the figure was recorded under' }),
  canonicalOrganization: z.string().meta({ description: 'The entity it belongs to (merged subjects resolved, at knownAt)' }),
  metric: z.enum(FINANCIAL_METRICS),
  basis: z.string().meta({
    description:
      'revenue: actual|annualized|projected; loss: actual|projected|cumulative_projected; revenue_target: target; headcount: total or a function; funding: round; valuation: post_money',
  }),
  period: nullableText("The figure's period as recorded"),
  periodStart: instantOrNull(),
  periodEnd: instantOrNull(),
  amount: nullableText('Decimal string, never a float'),
  currency: nullableText(),
  count: z.number().int().nullable(),
  ...factFieldsShape,
});

export const financialsReportSchema = z.object({
  organization: z.string(),
  organizationName: z.string(),
  metric: z.array(z.string()).nullable(),
  basis: z.array(z.string()).nullable(),
  ...timeTravelShape,
  lang: textLangSchema,
  items: z.array(point),
  next: nextCursor(),
});
