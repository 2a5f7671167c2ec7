import { z } from 'zod';
import { FINANCIAL_BASES, FINANCIAL_METRICS, type FinancialMetric } from '@newsroom/projections';
import type { FieldProblem } from '@newsroom/platform';
import { instant, list, oneOf, reportParams, subject, minOutletsParam } from '../shared/report-params.schema';
import { factFieldsShape, instantOrNull, nextCursor, nullableText, textLangSchema, timeTravelShape } from '../shared/fact.schema';

export const financialsParams = reportParams({
  organization: subject({ kind: 'org', example: 'org:openai' }),
  metric: list(`Comma-separated: ${FINANCIAL_METRICS.join(', ')}`, FINANCIAL_METRICS),
  basis: list(
    `Comma-separated bases. By metric: ${FINANCIAL_METRICS.map((m) => `${m} ${FINANCIAL_BASES[m]?.join('|') ?? "total or a function's name as recorded"}`).join('; ')}. ` +
      'With `metric` (without headcount among them), a basis none of its metrics has is a 400 naming `basis` with the allowed values; ' +
      'without `metric`, a basis no other metric has is read as a headcount function name (its points, if any).',
  ),
  from: instant('Points whose period overlaps the window, which starts where this date or period starts'),
  to: instant("Through this date or period, included: the window ends where its period ends (to=2024-07 takes all of July, to=2024 the whole year; a date-time takes that instant)", 'end'),
  minOutlets: minOutletsParam(),
  lang: oneOf(['en', 'fr'], 'Accepted for symmetry with the other reports: financial points carry no free text')
    .optional()
    .transform((v) => v ?? 'en'),
});

/**
 * A basis the asked metrics cannot have is a typo, not a question with no answer: with `metric` given and headcount
 * not among them (headcount's bases are function names, free text), each basis must be one of those metrics' closed
 * bases, else a 400 naming `basis` with the allowed values. Without `metric` any basis may be a headcount function's.
 */
export function basisProblems(q: { metric?: readonly string[] | null; basis?: readonly string[] | null }): FieldProblem[] {
  if (!q.metric?.length || !q.basis?.length) return [];
  // The metrics were checked against FINANCIAL_METRICS before (an unknown one is its own 400 and leaves metric null here).
  const sets = q.metric.map((m) => FINANCIAL_BASES[m as FinancialMetric] ?? null);
  if (sets.some((set) => set === null)) return [];
  const allowed = [...new Set(sets.flatMap((set) => set ?? []))];
  return q.basis
    .filter((b) => !allowed.includes(b))
    .map((b) => ({ path: 'basis', message: `"${b}" is not a basis of ${q.metric!.join(' or ')}: allowed ${allowed.join(', ')}` }));
}

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
