import { DomainError } from '../errors/domain.errors';
import type { FieldError } from '../validation/validation.types';
import { parsePeriod } from '../values/period.value';

/**
 * Figures whose period the report's own date bounds: an `actual` revenue or loss is for a period that had begun
 * when it was reported (actual 2026-Q4 revenue reported in March 2024 is a projection or a typo), and a revenue target
 * is for a period not over when it was set (a target for 2019 set in 2024 is a result or a typo). Both are refused
 * (400 on the period, `prefix` naming where the data is: `data.` or `changes.data.`), not guessed into another basis.
 * Undated or unparsable values are left to the schema.
 */
export function assertFigureDates(type: string, occurredAt: string | null, data: unknown, prefix = 'data.'): void {
  const reported = occurredAt === null ? null : parsePeriod(occurredAt);
  if (!reported || typeof data !== 'object' || data === null) return;
  const d = data as { period?: unknown; basis?: unknown; targetPeriod?: unknown };
  const errors: FieldError[] = [];
  if ((type === 'revenue.reported' || type === 'financial.loss_reported') && d.basis === 'actual' && typeof d.period === 'string') {
    const period = parsePeriod(d.period);
    if (period && Date.parse(period.start) >= Date.parse(reported.end)) {
      errors.push({
        path: `${prefix}period`,
        message: `an actual figure for ${d.period} cannot be reported by ${occurredAt}, before the period began: is it projected?`,
      });
    }
  }
  if (type === 'revenue.target_set' && typeof d.targetPeriod === 'string') {
    const period = parsePeriod(d.targetPeriod);
    if (period && Date.parse(period.end) <= Date.parse(reported.start)) {
      errors.push({
        path: `${prefix}targetPeriod`,
        message: `a target for ${d.targetPeriod} cannot be set on ${occurredAt}, after the period ended`,
      });
    }
  }
  if (errors.length) throw DomainError.validation(errors, "the figure's period does not fit the date it was reported");
}
