import { FactProjection } from '../facts/fact.projection';
import { timelineModel } from './timeline.model';


export class TimelineProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('timeline', timelineModel, 'timeline_facts', tableSuffix);
  }
}
