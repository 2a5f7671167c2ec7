import { z } from 'zod';
import { LIMITS, textSchema } from './text.value';

/** At most this many fields of one event may be marked: every field of the largest type fits. */
export const MAX_INFERRED = 20;

/** `occurredAt`, or `data.` then field names and `[index]` segments (`data.money.amount`, `data.features[2]`). */
const PATH = /^(occurredAt|data(\.[A-Za-z][A-Za-z0-9]*|\[\d{1,3}\])+)$/;

/**
 * One field of an event its sources do not state (a date or a name the desk took from elsewhere), with why it
 * is there. Stored with the event (in its metadata, so the wire form the relay publishes carries it) and shown by
 * every report and feed item.
 */
export const inferredFieldSchema = z.strictObject(
  {
    path: z
      .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a string') })
      .max(LIMITS.name, `must be at most ${LIMITS.name} characters`)
      .regex(PATH, 'must be "occurredAt" or "data.<field path>"'),
    note: textSchema,
  },
  { error: 'must be an object {path, note}' },
);

export type InferredField = z.infer<typeof inferredFieldSchema>;

export const inferredSchema = z
  .array(inferredFieldSchema, { error: 'must be an array of {path, note}' })
  .max(MAX_INFERRED, `must have at most ${MAX_INFERRED} items`)
  .meta({ description: 'Fields the sources do not state: "occurredAt" or "data.<field path>", each with a note' });

/** Splits "data.money.amount" / "data.features[2]" into ["data", "money", "amount"] / ["data", "features", 2]. */
function segmentsOf(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does the path name a value the event actually has (an own field or an array item, not null)? */
export function namesAField(event: { occurredAt?: unknown; data?: unknown }, path: string): boolean {
  let value: unknown = event;
  for (const segment of segmentsOf(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value) || segment >= value.length) return false;
      value = value[segment];
    } else {
      if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, segment)) return false;
      value = value[segment];
    }
    if (value === undefined || value === null) return false;
  }
  return true;
}

/**
 * What is wrong with a list of inferred fields given with an event: a path that names no field of this event, or
 * a path given twice. `index` is the item's place in the list (the error's path is `inferred[index].path`).
 */
export function inferredPathErrors(
  event: { occurredAt?: unknown; data?: unknown },
  inferred: readonly InferredField[],
): Array<{ index: number; message: string }> {
  const errors: Array<{ index: number; message: string }> = [];
  const seen = new Set<string>();
  inferred.forEach((item, index) => {
    if (seen.has(item.path)) errors.push({ index, message: `${item.path} is listed twice` });
    else if (!namesAField(event, item.path)) errors.push({ index, message: `${item.path} names no field of this event` });
    seen.add(item.path);
  });
  return errors;
}

/** The inferred fields a stored event carries in its metadata (validated when written); [] when none. */
export function inferredOf(metadata: unknown): InferredField[] {
  const list = isRecord(metadata) ? metadata.inferred : undefined;
  return Array.isArray(list) ? (list as InferredField[]) : [];
}
