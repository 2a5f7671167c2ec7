import { LOSS_BASES, REVENUE_BASES } from '@newsroom/domain';
import type { FactModel } from '../facts/fact-model.types';
import type { FactRow, FactVersion } from '../facts/fact-version.types';
import { validInterval } from '../facts/fact.projection';

export const FINANCIAL_METRICS = ['revenue', 'revenue_target', 'loss', 'headcount', 'funding', 'valuation'] as const;
export type FinancialMetric = (typeof FINANCIAL_METRICS)[number];

/**
 * The bases a metric's points can have (pointsOf): the event's closed set for revenue and losses, one fixed basis for
 * targets, rounds and valuations; null for headcount, whose bases are `total` and the function names recorded (free text).
 */
export const FINANCIAL_BASES: Readonly<Record<FinancialMetric, readonly string[] | null>> = {
  revenue: REVENUE_BASES,
  revenue_target: ['target'],
  loss: LOSS_BASES,
  headcount: null,
  funding: ['round'],
  valuation: ['post_money'],
};

type FinancialType = 'revenue.reported' | 'revenue.target_set' | 'financial.loss_reported' | 'headcount.reported' | 'funding.round_closed';

interface Point {
  part: string;
  metric: FinancialMetric;
  basis: string;
  money?: { amount: string; currency: string };
  count?: number;
  period: string | null;
}

function point(p: Point): FactRow {
  const { validFrom, validTo } = validInterval(p.period);
  return {
    part: p.part,
    columns: {
      organization: null, // filled by rows() from the subject
      metric: p.metric,
      basis: p.basis,
      amount: p.money?.amount ?? null,
      currency: p.money?.currency ?? null,
      count: p.count ?? null,
      period: p.period,
      period_start: validFrom,
      period_end: validTo,
    },
  };
}

/**
 * Money and headcount points. Revenue and losses keep their basis; targets are basis "target"; headcount is
 * basis "total" or the function's name; a funding round gives a "round" point and, when reported, a
 * "post_money" valuation point. A point's period is the figure's own period, else when it occurred.
 */
function pointsOf(f: FactVersion<FinancialType>): Point[] {
  const { type, data: d } = f;
  switch (type) {
    case 'revenue.reported':
      return [{ part: '', metric: 'revenue', basis: d.basis, money: d.money, period: d.period }];
    case 'revenue.target_set':
      return [{ part: '', metric: 'revenue_target', basis: 'target', money: d.money, period: d.targetPeriod }];
    case 'financial.loss_reported':
      return [{ part: '', metric: 'loss', basis: d.basis, money: d.money, period: d.period }];
    case 'headcount.reported': {
      const points: Point[] = [];
      if (d.total !== undefined && d.total !== null)
        points.push({ part: 'total', metric: 'headcount', basis: 'total', count: d.total, period: f.occurredAt });
      for (const [fn, n] of Object.entries(d.byFunction ?? {})) {
        points.push({ part: `function:${fn}`, metric: 'headcount', basis: fn, count: n, period: f.occurredAt });
      }
      return points;
    }
    case 'funding.round_closed': {
      const points: Point[] = [{ part: 'round', metric: 'funding', basis: 'round', money: d.money, period: f.occurredAt }];
      if (d.valuation)
        points.push({ part: 'valuation', metric: 'valuation', basis: 'post_money', money: d.valuation, period: f.occurredAt });
      return points;
    }
    default:
      return [];
  }
}

export const financialsModel: FactModel<FinancialType> = {
  types: ['revenue.reported', 'revenue.target_set', 'financial.loss_reported', 'headcount.reported', 'funding.round_closed'],
  columns: {
    organization: 'plain',
    metric: 'plain',
    basis: 'plain',
    amount: 'plain',
    currency: 'plain',
    count: 'plain',
    period: 'plain',
    period_start: 'plain',
    period_end: 'plain',
  },
  rows: (f) => {
    const points = pointsOf(f);
    // Every version keeps at least one row, so a later correction can still find the fact.
    const rows = points.length ? points.map(point) : [point({ part: 'empty', metric: 'headcount', basis: 'none', period: f.occurredAt })];
    return rows.map((r) => ({ ...r, columns: { ...r.columns, organization: f.subject } }));
  },
};
