const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text given per language, as the services send it back in `data`: `{"en": "...", "fr": "..."}`. */
function isPerLanguage(value: unknown): value is { en?: string; fr?: string } {
  return isRecord(value) && (typeof value.en === 'string' || typeof value.fr === 'string');
}

/**
 * Display text of a value read from JSON: strings and numbers as they are, text given per language in
 * English (else French), nothing as '', anything else as JSON.
 * (The CLI runs without the monorepo's path aliases, so it keeps its own copy of the domain's `textOf`.)
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isPerLanguage(value)) return value.en ?? value.fr ?? '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
