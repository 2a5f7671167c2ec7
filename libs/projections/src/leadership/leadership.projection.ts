import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { leadershipModel } from './leadership.model';

/** Pure: what an event does to the leadership facts. */
export const evolveLeadership = (state: FactState | null, event: ProjectedEvent) => evolveFact(leadershipModel, state, event);

export class LeadershipProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('leadership', leadershipModel, 'leadership_events', tableSuffix);
  }
}
