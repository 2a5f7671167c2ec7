import { DOMAIN_ERROR_CODES, DomainError } from '../errors/domain.errors';
import { CLOSED_LAWSUIT_STATUSES } from '../events/lawsuit-status-changed.event';
import type { StoryEvent } from '../events/story-event.types';
import type { StreamState } from './stream-state.types';

/** A case is filed once; status changes need a filed, open case (an appeal reopens a closed one). */
export function assertLawsuitRules(state: StreamState, event: StoryEvent): void {
  const lawsuit = state.lawsuit ?? { filed: false, status: null };
  if (event.type === 'lawsuit.filed' && lawsuit.filed) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.CASE_ALREADY_FILED,
      'rule',
      `${state.subject} is already filed; a refiled suit is a new case`,
      [{ path: 'subject', message: 'this case is already filed: a refiled suit is a new case subject' }],
    );
  }
  if (event.type !== 'lawsuit.status_changed') return;
  if (!lawsuit.filed) {
    throw new DomainError(DOMAIN_ERROR_CODES.CASE_NOT_FILED, 'rule', `${state.subject} has no lawsuit.filed event on record`, [
      { path: 'subject', message: 'no lawsuit.filed is on record for this case' },
    ]);
  }
  if (lawsuit.status && CLOSED_LAWSUIT_STATUSES.includes(lawsuit.status) && event.data.status !== 'appealed') {
    throw new DomainError(DOMAIN_ERROR_CODES.CASE_CLOSED, 'rule', `${state.subject} is ${lawsuit.status}; only appealed may follow`, [
      { path: 'data.status', message: `the case is ${lawsuit.status}: only appealed may follow` },
    ]);
  }
}
