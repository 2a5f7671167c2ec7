import { basisProblems, financialsParams } from './financials.schema';
import { readReportParams } from '../shared/report-params.schema';

const problemOf = (query: Record<string, unknown>) => {
  try {
    readReportParams(financialsParams, { organization: 'org:openai', ...query }, { cross: basisProblems });
  } catch (e) {
    return (e as { status: number; errors: { path: string; message: string }[] }).errors;
  }
  return [];
};

describe('financials: a basis the asked metrics cannot have is a 400 naming basis, not an empty series', () => {
  it.each([
    ['revenue', 'target', '"target" is not a basis of revenue: allowed actual, annualized, projected'],
    ['loss', 'annualized', '"annualized" is not a basis of loss: allowed actual, projected, cumulative_projected'],
    ['revenue_target', 'actual', '"actual" is not a basis of revenue_target: allowed target'],
    ['funding', 'post_money', '"post_money" is not a basis of funding: allowed round'],
    ['valuation', 'round', '"round" is not a basis of valuation: allowed post_money'],
    ['revenue,loss', 'foo', '"foo" is not a basis of revenue or loss: allowed actual, annualized, projected, cumulative_projected'],
  ])('given metric=%s&basis=%s, then 400 on basis listing the allowed values', (metric, basis, message) => {
    expect(problemOf({ metric, basis })).toEqual([{ path: 'basis', message }]);
  });

  it('names each basis outside the set, and lets the others through', () => {
    expect(problemOf({ metric: 'revenue', basis: 'actual,foo,bar' }).map((p) => p.message)).toEqual([
      '"foo" is not a basis of revenue: allowed actual, annualized, projected',
      '"bar" is not a basis of revenue: allowed actual, annualized, projected',
    ]);
  });

  it.each([
    ['a basis of one of the metrics', { metric: 'revenue,loss', basis: 'cumulative_projected,annualized' }],
    ['headcount: total', { metric: 'headcount', basis: 'total' }],
    ['headcount: any function name', { metric: 'headcount', basis: 'Research and Development' }],
    ['headcount among the metrics: the basis may be a function', { metric: 'revenue,headcount', basis: 'sales' }],
    ['no metric: a known basis', { basis: 'target' }],
    ['no metric: any other basis is read as a headcount function', { basis: 'foo' }],
    ['a metric and no basis', { metric: 'loss' }],
  ])('given %s, then no problem', (_what, query) => {
    expect(problemOf(query)).toEqual([]);
  });

  it('given an unknown metric, then the problem is the metric, not the basis', () => {
    expect(problemOf({ metric: 'revenu', basis: 'actual' }).map((p) => p.path)).toEqual(['metric[0]']);
  });
});
