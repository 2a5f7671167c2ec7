import { FactProjection } from '../facts/fact.adapter';
import { timelineModel } from './timeline.model';

export class TimelineProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('timeline', timelineModel, 'timeline_facts', tableSuffix);
  }
}
