import type { EventType, RecordableEventType } from '../events/event-catalog.registry';
import type { EventOf } from '../events/story-event.types';
import type { Modality } from '../values/modality.value';

export type HeadlineLang = 'en' | 'fr';

/** What a headline needs from an event (a feed item or a recorded event both fit); `type` narrows `data`. */
export type HeadlineEvent<T extends EventType = EventType> = EventOf<
  T,
  {
    subject: string;
    occurredAt: string | null;
    modality: Modality;
  }
>;

/** One headline function per recordable type, each given that type's event; `name` is the subject's display name. */
export type HeadlineRenderers = { [K in RecordableEventType]: (e: HeadlineEvent<K>, name: string) => string };
