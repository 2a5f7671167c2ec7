import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { timelineModel } from './timeline.model';

export const evolveTimeline = (state: FactState | null, event: ProjectedEvent) => evolveFact(timelineModel, state, event);

export class TimelineProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('timeline', timelineModel, 'timeline_facts', tableSuffix);
  }
}
