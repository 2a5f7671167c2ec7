import { claimsOf, conflictName } from '@newsroom/domain';
import { conflictIdOf } from '@newsroom/projections';

/**
 * Two outlets' figures for one organization, metric and period (in USD, `basis: actual`), and the conflict two of
 * them open: `figure(id, amount, outlet)` is an envelope, `conflictOf(a, b)` the id the read model and ingest give the
 * conflict between the figures `a` and `b`.
 */
export function figureConflict(type: 'financial.loss_reported' | 'revenue.reported', subject: string, period: string) {
  const figure = (id: string, amount: string, outlet: string) => ({
    id,
    type,
    subject,
    occurredAt: period,
    data: { money: { amount, currency: 'USD' }, period, basis: 'actual' },
    sources: [{ outlet, language: 'en' }],
  });
  const key = claimsOf(figure('00000000-0000-4000-8000-000000000000', '1', 'x'))[0].key;
  return { figure, conflictOf: (a: string, b: string) => conflictIdOf(conflictName(key, a, b)) };
}
