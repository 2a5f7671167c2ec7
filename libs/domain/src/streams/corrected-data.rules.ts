import type { z } from 'zod';
import { DomainError } from '../errors/domain.errors';
import { eventDefinitionOf } from '../events/event-catalog.registry';
import { toFieldErrors } from '../validation/zod-issues.mapper';
import { mergePatch } from './merge-patch.util';

type Path = readonly PropertyKey[];

const isObject = (value: unknown): value is Record<PropertyKey, unknown> => typeof value === 'object' && value !== null;

/** Whether the patch sets or removes the value at `path`, or a value it lies under. */
function touches(patch: unknown, path: Path): boolean {
  let at = patch;
  for (const segment of path) {
    if (!isObject(at) || Array.isArray(at) || typeof segment !== 'string' || !Object.hasOwn(at, segment)) return false;
    at = at[segment];
    if (!isObject(at) || Array.isArray(at)) return true;
  }
  return true;
}

function valueAt(doc: unknown, path: Path): unknown {
  let at = doc;
  for (const segment of path) {
    if (!isObject(at)) return undefined;
    at = at[segment as string];
  }
  return at;
}

/** A copy of `doc` with the string at `path` replaced: the merge patch copies objects, so only the path is copied here too. */
function withStringAt(doc: unknown, path: Path, value: string): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as object) }) as Record<PropertyKey, unknown>;
  copy[head as string] = withStringAt(copy[head as string], rest, value);
  return copy;
}

// What a string may break of today's rules and still have been recorded: its characters (control characters, bidi
// overrides refused since) and its length. Rules across fields (a breakdown above its total) are never of this kind.
const STRING_RULES = new Set(['invalid_format', 'too_big', 'too_small']);

/**
 * The data of a fact as a correction leaves it, checked against its type's schema: the parsed document (text in its
 * stored form). A value the correction does not touch was accepted when it was recorded; if it is a string that
 * today's rules refuse (a role with a TAB, recorded before control characters were refused), it stays as it is and
 * does not block a correction of another field: it is checked as a placeholder. The fields the correction sets are
 * held to every rule, and so is the whole (rules across fields).
 */
export function checkCorrectedData(type: string, target: unknown, patch: Record<string, unknown>): unknown {
  const schema: z.ZodType = eventDefinitionOf(type as never).data;
  const corrected = mergePatch(target, patch);
  const first = schema.safeParse(corrected);
  if (first.success) return first.data;
  const legacy = first.error.issues.filter(
    (issue) => STRING_RULES.has(issue.code) && typeof valueAt(corrected, issue.path) === 'string' && !touches(patch, issue.path),
  );
  const placeholders = legacy.reduce<unknown>((doc, issue) => withStringAt(doc, issue.path, 'x'), corrected);
  const again = legacy.length ? schema.safeParse(placeholders) : first;
  if (again.success) return again.data;
  // Only what the correction is answerable for: the legacy values pass once the rest does.
  throw DomainError.validation(toFieldErrors(again.error.issues, 'changes.data'), `the corrected data is not a valid ${type}`);
}
