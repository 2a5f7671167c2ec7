import { FINANCIAL_METRICS } from '@newsroom/projections';
import { arr, factSchemaFields, int, nstr, obj, str } from '../shared/openapi.schemas';

const point = obj({
  metric: str({ enum: [...FINANCIAL_METRICS] }),
  basis: str({ description: 'revenue: actual|annualized|projected; loss: actual|projected|cumulative_projected; revenue_target: target; headcount: total or a function; funding: round; valuation: post_money' }),
  period: nstr({ description: 'The figure\'s period as recorded' }), periodStart: nstr({ format: 'date-time' }), periodEnd: nstr({ format: 'date-time' }),
  amount: nstr({ description: 'Decimal string, never a float' }), currency: nstr(), count: { ...int(), nullable: true },
  ...factSchemaFields,
});

export const financialsReportSchema = obj({
  organization: str(), organizationName: str(), metric: { type: 'array', items: str(), nullable: true },
  basis: { type: 'array', items: str(), nullable: true }, asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }),
  items: arr(point), next: nstr(),
});
