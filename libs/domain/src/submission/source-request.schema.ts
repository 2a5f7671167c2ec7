import { z } from 'zod';
import { stanceSchema, type Stance } from '../events/event-sourced.event';
import { sourceSchema, type Source } from '../values/source.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { isPlainObject } from './envelope.schema';

/** Body of POST /v1/events/{id}/sources. */
export const sourceRequestSchema = z.strictObject({ source: sourceSchema, stance: stanceSchema });

export interface SourceRequest {
  source: Source;
  stance: Stance;
}

export function validateSourceRequest(input: unknown): Validation<SourceRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<SourceRequest>(sourceRequestSchema, input);
}
