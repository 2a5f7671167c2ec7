import { z } from 'zod';
import { languageSchema } from '../values/language.value';
import { periodSchema } from '../values/period.value';
import type { Source } from '../values/source.value';
import { urlSchema } from '../values/source.value';
import { nameSchema, titleSchema } from '../values/text.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { buildEnvelopeUnion, isPlainObject } from './envelope.schema';
import type { RecordableEventType } from '../events/event-catalog.registry';
import type { EventOf } from '../events/story-event.types';
import type { Submission, SubmissionFields } from './submission.schema';

/** The article that backs every event of a story request. */
export const storySchema = z.strictObject(
  {
    outlet: nameSchema,
    url: urlSchema.optional(),
    title: titleSchema,
    language: languageSchema,
    publishedAt: periodSchema,
  },
  { error: (iss) => (iss.input === undefined ? 'required' : 'must be a story object') },
);

/** A story may carry as many events as a batch of POST /v1/events. */
export const MAX_STORY_EVENTS = 1000;

export const storyRequestSchema = z.strictObject({
  story: storySchema,
  // The story is each event's source, so events may omit `sources` (extra ones are kept too).
  events: z
    .array(buildEnvelopeUnion({ sourcesRequired: false, quote: true }))
    .min(1, 'must have at least 1 item')
    .max(MAX_STORY_EVENTS, `must have at most ${MAX_STORY_EVENTS} items`),
});

export type Story = z.infer<typeof storySchema>;
/** `quote`: the words of the story this event rests on; it goes into the event's copy of the story source. */
export type StoryRequestEvent = EventOf<RecordableEventType, Omit<SubmissionFields, 'sources'> & { sources?: Source[]; quote?: string }>;
export interface StoryRequest {
  story: Story;
  events: StoryRequestEvent[];
}

export function validateStoryRequest(input: unknown): Validation<StoryRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<StoryRequest>(storyRequestSchema, input);
}

/** The story as a source, first in each event's sources. */
export function storyAsSource(story: Story): Source {
  const source: Source = { outlet: story.outlet, title: story.title, language: story.language, publishedAt: story.publishedAt };
  if (story.url !== undefined) source.url = story.url;
  return source;
}

/** Turns a validated story request into plain submissions, each sourced by the story (with the event's quote). */
export function storyToSubmissions(req: StoryRequest): Submission[] {
  const main = storyAsSource(req.story);
  return req.events.map(({ quote, ...event }) => {
    const storySource = quote === undefined ? main : { ...main, quote };
    return { ...event, sources: [storySource, ...(event.sources ?? [])] };
  });
}
