/**
 * Display text of a value read from JSON: strings and numbers as they are, nothing as '', anything else as JSON.
 * (The CLI runs without the monorepo's path aliases, so it keeps its own copy of the domain's `textOf`.)
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
