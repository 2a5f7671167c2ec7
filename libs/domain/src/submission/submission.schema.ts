import type { RecordableEventType } from '../events/event-catalog.registry';
import type { EventOf } from '../events/story-event.types';
import type { Modality } from '../values/modality.value';
import type { Source } from '../values/source.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { buildEnvelopeUnion, isPlainObject } from './envelope.schema';

/** The envelope of a submitted story event, next to its `type` and `data`. */
export interface SubmissionFields {
  id?: string;
  subject: string;
  occurredAt: string;
  sources: Source[];
  modality: Modality;
  expectedVersion?: number;
}

/** One story event as submitted over HTTP or Kafka, validated: its data fits its type's schema. */
export type Submission<T extends RecordableEventType = RecordableEventType> = EventOf<T, SubmissionFields>;

export const submissionSchema = buildEnvelopeUnion({ sourcesRequired: true });

/** Validates the PRODUCT.md envelope including the per-type data; errors carry paths like "data.money.amount". */
export function validateSubmission(input: unknown): Validation<Submission> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<Submission>(submissionSchema, input);
}
