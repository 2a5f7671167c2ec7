import { z } from 'zod';
import { EVENT_DEFINITIONS, EVENT_TYPES, RECORDABLE_EVENT_TYPES } from '../events/event-catalog.registry';
import { inferredPathErrors, inferredSchema } from '../values/inferred.value';
import { modalitySchema } from '../values/modality.value';
import { periodSchema } from '../values/period.value';
import { sourcesSchema } from '../values/source.value';
import { subjectOfKind } from '../values/subject.value';
import { textSchema } from '../values/text.value';

const RECORDABLE = EVENT_DEFINITIONS.filter((d) => d.recordable);

/**
 * What the envelope's JSON Schema cannot say, so that a producer validating against it (OpenAPI, AsyncAPI) knows a
 * valid document may still be refused. Each rule is the service's own (the data schemas' refinements, the write's rules).
 */
const ENVELOPE_DESCRIPTION =
  'A story event (one branch per type). The schema is necessary, not sufficient: the service also refuses what JSON ' +
  'Schema cannot say: a date that is not a real calendar date (2024-02-30) or a range that ends before it starts; a ' +
  'headcount whose byFunction adds up to more than its total, or names one function twice once case and spacing are folded; ' +
  'a defendant who is also a plaintiff; a post-money valuation below the round (same currency); a restructuring to ' +
  'itself (to = from); an inferred path to a field the event does not have, or given twice; an actual revenue or loss ' +
  'for a period not begun by the event date, or a revenue target for a period already over; a regulatory intervention ' +
  'requested by its own target; a source publishedAt after the recording (a day of slack). HTTP answers 400 with the ' +
  "field path; over Kafka the message is dead-lettered with it. Rules on the subject's history (a lawsuit step before " +
  'its filing or after its close, an expectedVersion behind the stream) are 422 and 409.';

function unionError(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === 'invalid_type') return 'must be a JSON object';
  if (iss.code !== 'invalid_union') return undefined;
  const type = (iss.input as { type?: unknown } | undefined)?.type;
  if (type === undefined) return 'required';
  if (type === 'event.corrected' || type === 'event.retracted') {
    return `${type} is made only by the corrections and retractions endpoints`;
  }
  if (type === 'conflict.resolved') return 'conflict.resolved is made only by the resolution endpoint (POST /v1/conflicts/{id}/resolution)';
  if (type === 'event.sourced') return 'event.sourced is made only by the sources endpoint (POST /v1/events/{id}/sources)';
  return `must be one of ${RECORDABLE_EVENT_TYPES.join(', ')}`;
}

/**
 * The envelope as a union discriminated on `type`: each branch pins its subject kind and data schema,
 * which is what makes the JSON Schema a oneOf per type. Story events may leave out their sources and may
 * carry a `quote`: the words of the story the event rests on (it ends up in the story source, not the event).
 */
export function buildEnvelopeUnion(options: { sourcesRequired: boolean; quote?: boolean }) {
  const branches = RECORDABLE.map((def) =>
    z
      .strictObject({
        id: z.uuid('must be a UUID').optional(),
        type: z.literal(def.type),
        subject: subjectOfKind(def.subjectKind!),
        occurredAt: periodSchema,
        data: def.data,
        sources: options.sourcesRequired ? sourcesSchema : sourcesSchema.optional(),
        // Most news is reported, not confirmed: that is the default.
        modality: modalitySchema.default('reported'),
        expectedVersion: z.int('must be a whole number').min(0, 'must be 0 or more').optional(),
        ...(options.quote ? { quote: textSchema.optional() } : {}),
        // The fields the sources do not state; each path must name a field this very event has.
        inferred: inferredSchema.optional(),
      })
      .superRefine((envelope, ctx) => {
        if (!envelope.inferred?.length) return;
        for (const { index, message } of inferredPathErrors(envelope, envelope.inferred)) {
          ctx.addIssue({ code: 'custom', path: ['inferred', index, 'path'], message });
        }
      }),
  );
  // The fields every branch requires besides `type` (subject, occurredAt, data, and sources where required), found
  // once here: a body whose type names no branch is told each one it lacks.
  const required = Object.keys(branches[0].shape).filter(
    (k) => k !== 'type' && branches.every((b) => !(b.shape as Record<string, z.ZodType>)[k]?.safeParse(undefined).success),
  );
  return z
    .discriminatedUnion('type', branches as unknown as [(typeof branches)[number], ...(typeof branches)[number][]], {
      error: unionError,
    })
    .superRefine((input, ctx) => missingFields(input, required, ctx), { when: typeMatchedNoBranch })
    .meta({ description: ENVELOPE_DESCRIPTION });
}

/** The union refused the body at `type` (absent, or naming no branch): its other fields were never looked at. */
const typeMatchedNoBranch = (payload: z.core.ParsePayload): boolean =>
  payload.issues.some((i) => i.code === 'invalid_union' && i.path?.length === 1 && i.path[0] === 'type');

/**
 * A body without a type, or with one that is no event type at all, is told every envelope field it lacks too, each at
 * its path ("required", as a branch would say it), so a client fixes its request in one go. A type that exists but is
 * made by another endpoint (a correction...) is not: that endpoint takes another body.
 */
function missingFields(input: unknown, required: readonly string[], ctx: z.RefinementCtx): void {
  if (!isPlainObject(input)) return;
  if (typeof input.type === 'string' && (EVENT_TYPES as readonly string[]).includes(input.type)) return;
  for (const field of required) if (input[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required' });
}

export function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}
