import type { z } from 'zod';
import type { FieldError, Validation } from './validation.types';
import { joinPath, runSchema } from './zod-issues.mapper';

/** At most this many such errors are reported for one input: enough to fix it, bounded for a hostile one. */
const MAX_ERRORS = 20;

/**
 * True when Postgres can store the string as text and inside jsonb: no NUL (`\u0000`, refused by both) and no
 * lone UTF-16 surrogate (jsonb refuses an unpaired `\ud800`). Both checks are native scans of the string.
 */
export function isStorableText(s: string): boolean {
  return s.indexOf('\u0000') === -1 && (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** A key as it appears in a path: the characters Postgres refuses written out as `\uXXXX`, so the path itself is storable. */
function printableKey(key: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly the character Postgres refuses, so it is matched here
  return isStorableText(key) ? key : key.replace(/[\u0000\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Field names that reach an object's prototype when code assigns them (`o[key] = v`): a nested `__proto__` would
 * let a patch satisfy a type through an inherited value while the stored data loses the field. No event field is
 * named so; they are refused anywhere in an input.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const PROTOTYPE_KEY_MESSAGE = 'field name is not allowed (__proto__, constructor and prototype are reserved)';

/**
 * No event nests deeper than a handful of levels (a story's events[0].data.money.amount is 5). Deeper input is
 * refused here: a body of a few hundred kilobytes can nest 100 000 levels, which would overflow the stack of any
 * recursive walk (this one, the schema's) and turn a bad request into a 500.
 */
const MAX_INPUT_DEPTH = 32;
const DEPTH_MESSAGE = `nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`;

const MESSAGE = 'must not contain NUL (\\u0000) or unpaired UTF-16 surrogates';
const KEY_MESSAGE = 'field name must not contain NUL (\\u0000) or unpaired UTF-16 surrogates';

/**
 * Every string of a JSON input that Postgres would refuse (values and object keys), and every prototype key
 * (`__proto__`, `constructor`, `prototype`), with its path, in one walk.
 * Run before the schema, so an input jsonb cannot take is a 400 with the field path, never a 500 or a Kafka
 * partition retried forever. Nesting deeper than MAX_INPUT_DEPTH is an error at the first too-deep path and is
 * not walked further; cycles cannot occur in parsed JSON.
 */
export function unstorableTextErrors(input: unknown, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  walk(input, prefix, errors, 0);
  return errors;
}

function walk(value: unknown, path: string, errors: FieldError[], depth: number): void {
  if (errors.length >= MAX_ERRORS) return;
  if (typeof value === 'string') {
    if (!isStorableText(value)) errors.push({ path, message: MESSAGE });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_INPUT_DEPTH) {
    errors.push({ path, message: DEPTH_MESSAGE });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], `${path}[${i}]`, errors, depth + 1);
    return;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const keyOk = isStorableText(key);
    const child = joinPath(path, keyOk ? key : printableKey(key));
    if (!keyOk || PROTOTYPE_KEYS.has(key)) {
      errors.push({ path: child, message: keyOk ? PROTOTYPE_KEY_MESSAGE : KEY_MESSAGE });
      if (errors.length >= MAX_ERRORS) return;
    }
    walk((value as Record<string, unknown>)[key], child, errors, depth + 1);
  }
}

/** Puts the storable-text errors first (the most specific message for their path) and drops schema errors on the same paths. */
function mergeErrors(first: FieldError[], rest: FieldError[]): FieldError[] {
  if (!first.length) return rest;
  const seen = new Set(first.map((e) => e.path));
  return [...first, ...rest.filter((e) => !seen.has(e.path))];
}

/**
 * Validates a raw request or message: the storable-text walk, then the schema. Both run so the client sees every
 * problem at once; a storable-text error wins its path.
 */
export function runInputSchema<T>(schema: z.ZodType, input: unknown): Validation<T> {
  const text = unstorableTextErrors(input);
  // Too deep for the schema's own recursion: the walk's errors are the answer.
  if (text.some((e) => e.message === DEPTH_MESSAGE)) return { ok: false, errors: text };
  const result = runSchema<T>(schema, input);
  if (!text.length) return result;
  return { ok: false, errors: mergeErrors(text, result.ok ? [] : result.errors) };
}
