import type { EventType } from '../events/event-catalog.registry';
import type { Modality } from '../values/modality.value';

export type HeadlineLang = 'en' | 'fr';

/** What a headline needs from an event (a feed item or a recorded event both fit). */
export interface HeadlineEvent {
  type: EventType;
  subject: string;
  occurredAt: string | null;
  data: any;
  modality: Modality;
}
