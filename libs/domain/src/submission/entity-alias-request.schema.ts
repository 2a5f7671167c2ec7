import { z } from 'zod';
import { subjectSchema } from '../values/subject.value';
import { nameSchema, textSchema } from '../values/text.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { isPlainObject } from './envelope.schema';

/**
 * Body of POST /v1/entities/{subject}/aliases and .../aliases/removals: either another subject that is (or is no
 * longer) the same entity, or a display name it goes by (or no longer does). Exactly one of the two.
 */
export const entityAliasRequestSchema = z
  .strictObject({
    subject: subjectSchema.optional(),
    name: nameSchema.optional(),
    reason: textSchema,
  })
  .superRefine((r, ctx) => {
    if ((r.subject === undefined) === (r.name === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'give exactly one of subject and name' });
    }
  })
  .meta({
    description: 'Another subject of the same entity, or a display name it goes by; exactly one of the two',
    examples: [
      { subject: 'person:samuel-altman', reason: 'Same person, two slugs' },
      { name: 'Samuel H. Altman', reason: 'Full name in filings' },
    ],
  });

export type EntityAliasRequest = { reason: string } & ({ subject: string; name?: undefined } | { name: string; subject?: undefined });

export function validateEntityAliasRequest(input: unknown): Validation<EntityAliasRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<EntityAliasRequest>(entityAliasRequestSchema, input);
}
