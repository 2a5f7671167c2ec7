import { isSubject } from '../values/subject.value';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

const LANGUAGE_KEYS = new Set(['en', 'fr']);

/** A patch that gives text per language (`{"fr": "..."}`, `{"en": null}`): an object of language keys only. */
function isTextPerLanguage(patch: unknown): patch is Record<string, unknown> {
  if (!isObject(patch)) return false;
  const keys = Object.keys(patch);
  return keys.length > 0 && keys.every((k) => LANGUAGE_KEYS.has(k));
}

/**
 * The value a patch giving text per language merges into: a plain string as its English text, unless it names a
 * subject (a destination `org:anthropic` is no English text: text given for it replaces it, as before).
 */
const asTexts = (target: unknown, patch: unknown) =>
  typeof target === 'string' && !isSubject(target) && isTextPerLanguage(patch) ? { en: target } : target;

/** A list of texts given per language for a list of as many texts: merged item by item (claims, features). */
const mergesByItem = (target: unknown, patch: unknown): target is unknown[] =>
  Array.isArray(target) &&
  Array.isArray(patch) &&
  patch.length > 0 &&
  patch.length === target.length &&
  patch.every(isTextPerLanguage) &&
  target.every((t) => (typeof t === 'string' && !isSubject(t)) || isTextPerLanguage(t));

/**
 * JSON merge patch (RFC 7386): objects merge key by key, null removes a key, anything else replaces.
 * Pure: returns a new value and never touches its inputs. Nested objects merge, so a patch of
 * { money: { amount: "5" } } keeps the currency.
 *
 * One addition for free text: a plain string is the English text (`{"en": ...}`), so a patch giving text per language
 * merges into it as into that object: `{"role": {"fr": "directrice technique"}}` on the role "Chief Technology
 * Officer" keeps the English beside the French (RFC 7386 alone replaced the string, and the English was lost without a
 * word: t31, the sixty-second session). A subject (`org:anthropic`, a destination) is no text: replaced as before. A
 * list of as many texts given per language merges item by item (`{"claims": [{"fr": "fraude"}]}` on `["fraud"]`);
 * any other list replaces the list, as RFC 7386 says. Only free text takes such an object where a string stands (the
 * schemas refuse it anywhere else), so no other value changes meaning.
 *
 * Every key is a plain own data property: reads look only at own properties and writes define them, so a key such
 * as `__proto__` or `constructor` can neither change a prototype nor merge into an inherited value (validation
 * refuses those keys already; this is the second lock).
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (mergesByItem(target, patch)) return (patch as unknown[]).map((p, i) => mergePatch(target[i], p));
  if (!isObject(patch)) return patch;
  const base = asTexts(target, patch);
  const result: Record<string, unknown> = isObject(base) ? { ...base } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      if (own(result, key)) delete result[key];
    } else {
      const merged = mergePatch(own(result, key) ? result[key] : undefined, value);
      Object.defineProperty(result, key, { value: merged, enumerable: true, writable: true, configurable: true });
    }
  }
  return result;
}

/**
 * A patch with each value it sets taken from `checked`, the patched document as its schema parsed it (text in its
 * stored form): the same keys and removals, the values as they will be stored.
 */
export function patchAsChecked(patch: unknown, checked: unknown): unknown {
  if (!isObject(patch)) return checked;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    const parsed = isObject(checked) && own(checked, key) ? checked[key] : value;
    const stored = value === null ? null : isObject(value) && !isObject(parsed) ? value : patchAsChecked(value, parsed);
    Object.defineProperty(result, key, { value: stored, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/**
 * The paths a patch removes (null) that its target does not have: a correction that "removes" a misspelt field
 * would otherwise be accepted, change nothing and still mark the event corrected. Paths are dotted from the patch's
 * root (`destinaton`, `money.currncy`).
 */
export function absentRemovals(target: unknown, patch: unknown, prefix = ''): string[] {
  if (!isObject(patch)) return [];
  const base = asTexts(target, patch); // as mergePatch reads it
  const paths: string[] = [];
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    const present = isObject(base) && own(base, key);
    if (value === null) {
      if (!present) paths.push(`${prefix}${key}`);
    } else if (isObject(value)) {
      paths.push(...absentRemovals(present ? base[key] : undefined, value, `${prefix}${key}.`));
    }
  }
  return paths;
}

/**
 * Whether two JSON values are equal: the same scalars, arrays in the same order, objects with the same own keys in
 * any order. Prototypes are not compared (a folded state may hold objects made in another realm, structuredClone's).
 * `same` may judge a pair of objects at any depth first (undefined: compared as JSON), e.g. two spellings of one amount.
 */
export function sameJsonValue(a: unknown, b: unknown, same?: (a: object, b: object) => boolean | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const judged = same?.(a, b);
  if (judged !== undefined) return judged;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => own(b, k) && sameJsonValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], same));
}
