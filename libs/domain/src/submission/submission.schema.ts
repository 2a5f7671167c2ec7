import type { RecordableEventType } from '../events/event-catalog.registry';
import type { Modality } from '../values/modality.value';
import type { Source } from '../values/source.value';
import { runInputSchema } from '../validation/storable-text';
import type { Validation } from '../validation/validation.types';
import { buildEnvelopeUnion, isPlainObject } from './envelope.schema';

/** One story event as submitted over HTTP or Kafka, validated. */
export interface Submission {
  id?: string;
  type: RecordableEventType;
  subject: string;
  occurredAt: string;
  data: Record<string, unknown>;
  sources: Source[];
  modality: Modality;
  expectedVersion?: number;
}

export const submissionSchema = buildEnvelopeUnion({ sourcesRequired: true });

/** Validates the PRODUCT.md envelope including the per-type data; errors carry paths like "data.money.amount". */
export function validateSubmission(input: unknown): Validation<Submission> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<Submission>(submissionSchema, input);
}
