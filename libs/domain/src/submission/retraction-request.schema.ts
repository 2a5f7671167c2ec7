import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { isPlainObject } from './envelope.schema';

/** Body of POST /v1/events/{id}/retractions. */
export const retractionRequestSchema = z.strictObject({ reason: textSchema });

export interface RetractionRequest {
  reason: string;
}

export function validateRetractionRequest(input: unknown): Validation<RetractionRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<RetractionRequest>(retractionRequestSchema, input);
}
