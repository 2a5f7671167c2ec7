import type { z } from 'zod';
import type { FieldError, Validation } from './validation.types';

type PathSegment = PropertyKey;

/** Renders ["sources", 0, "language"] as "sources[0].language" (and [] as ""). */
function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Joins a prefix such as "changes.data" with a relative path such as "money.amount" or "[0]". */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/**
 * What is wrong with an object key that names something (a headcount's function), said as what a key must be: zod's
 * own "Invalid key in record" does not say. The key's own schema gave the reason; lengths are said plainly.
 */
function keyMessage(issue: z.core.$ZodIssueInvalidKey): string {
  const inner = issue.issues[0];
  if (inner?.code === 'too_big' && inner.origin === 'string') return `key must be at most ${String(inner.maximum)} characters`;
  if (inner?.code === 'too_small' && inner.origin === 'string') return 'key must not be empty';
  if (!inner) return 'key is not valid';
  return inner.message.startsWith('must ') ? `key ${inner.message}` : `key: ${inner.message}`;
}

/** Flattens zod issues into FieldErrors: unknown keys get their own path, one message per path. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const push = (path: string, message: string) => {
    const full = joinPath(prefix, path);
    // The first message per path is the most specific one; more only add noise for API clients.
    if (seen.has(full)) return;
    seen.add(full);
    errors.push({ path: full, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) push(formatPath([...issue.path, key]), 'unknown field');
    } else if (issue.code === 'invalid_key') {
      push(formatPath(issue.path), keyMessage(issue));
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      // Schemas without a custom message (objects, arrays) would otherwise say "expected object, received undefined".
      push(formatPath(issue.path), 'required');
    } else {
      push(formatPath(issue.path), issue.message);
    }
  }
  return errors;
}

/** Runs a zod schema and answers a Validation instead of throwing. */
export function runSchema<T>(schema: z.ZodType, input: unknown, prefix = ''): Validation<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as T };
  return { ok: false, errors: toFieldErrors(result.error.issues, prefix) };
}
