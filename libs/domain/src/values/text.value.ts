import { z } from 'zod';
import { defaultTextOf, isPerLanguage } from './localized-text.value';

/**
 * Display text of a value read from JSON: strings and numbers as they are, text given per language
 * (`{"en", "fr"}`) in the default language (see `textIn` for another), nothing as '', anything else as JSON.
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isPerLanguage(value)) return defaultTextOf(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// Every string and array is bounded so a single submission has a bounded size.
export const LIMITS = { name: 200, title: 500, text: 2000, items: 100, url: 2048 } as const;

// Something visible, at the start of a pattern: not only spaces, nor only zero-width and other format characters
// (U+200B, U+200D, U+FEFF...). Reads the leading blanks only.
const VISIBLE = '(?=[\\s\\p{Cf}]*[^\\s\\p{Cf}])';

// Characters no text of an event may hold, one line or many: C0 controls but LF (TAB and CR among them: a lone CR is
// checked apart, CRLF is a line break), DEL, C1 controls, the line and paragraph separators U+2028 and U+2029, and
// the bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), which turn the text that follows
// them around on screen: "CTO\u202eevil" shows as "CTOlive". LRM and RLM (U+200E, U+200F) stay: they only mark.
/** As a character class's contents: see above. */
export const REFUSED_IN_TEXT = '\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
// One pattern each, so the JSON Schema has one `pattern` a client can check: something visible, and
// - one line: none of REFUSED, nor LF;
// - lines: none of REFUSED, LF and CRLF between them. Each alternative starts apart (CR is refused alone), so no
//   backtracking.
const REFUSED = REFUSED_IN_TEXT;
const ONE_LINE = new RegExp(`^${VISIBLE}[^${REFUSED}\\n]*$`, 'u');
const LINES = new RegExp(`^${VISIBLE}[^${REFUSED}]*(?:\\r\\n[^${REFUSED}]*)*$`, 'u');
const FIRST_NOT_ONE_LINE = new RegExp(`[${REFUSED}\\n]`, 'u');
const FIRST_NOT_LINES = new RegExp(`[${REFUSED}]`, 'gu');
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/u;

/** `U+000D at 5`: the character and its index, counted in characters (an emoji is one) from 0. */
function at(text: string, index: number): string {
  const before = text.slice(0, index);
  const pairs = before.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0;
  const code = text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at ${index - pairs}`;
}

/** The first character one-line text refuses, said with where it is; null when there is none. */
export function oneLineRefusal(text: string): string | null {
  const found = FIRST_NOT_ONE_LINE.exec(text);
  if (!found) return null;
  const c = found[0];
  const what = BIDI.test(c)
    ? 'must not contain bidi embedding, override or isolate controls'
    : LINE_BREAK.test(c)
      ? 'must be one line'
      : 'must not contain control characters';
  return `${what}: ${at(text, found.index)}`;
}

/** The first character text of lines refuses (a CR not followed by LF is one), said with where it is; null when none. */
function linesRefusal(text: string): string | null {
  FIRST_NOT_LINES.lastIndex = 0;
  for (let found = FIRST_NOT_LINES.exec(text); found; found = FIRST_NOT_LINES.exec(text)) {
    const c = found[0];
    if (c === '\r' && text[found.index + 1] === '\n') continue;
    const what = BIDI.test(c)
      ? 'must not contain bidi embedding, override or isolate controls'
      : LINE_BREAK.test(c)
        ? 'must break lines with LF or CRLF only'
        : 'must not contain control characters other than LF and CRLF';
    return `${what}: ${at(text, found.index)}`;
  }
  return null;
}

/**
 * The form text is stored in: without the blanks around it, and one line's runs of spaces as one space
 * (`" chief  people  officer "` is `"chief people officer"`). Only U+0020 runs are joined: a no-break space (French
 * writes `1 600` and `« CTO »` with them) and the line breaks of free text stay as sent.
 */
function storedText(text: string, lines: boolean): string {
  const trimmed = text.trim();
  return lines ? trimmed : trimmed.replace(/ {2,}/g, ' ');
}

/** A name in the form it is stored in (see `storedText`). */
export function storedName(name: string): string {
  return storedText(name, false);
}

function checkedString(max: number, what: string, lines: boolean) {
  const refusal = lines ? linesRefusal : oneLineRefusal;
  return z
    .string({ error: (iss) => (iss.input === undefined ? 'required' : `must be a string`) })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(lines ? LINES : ONE_LINE, {
      error: (iss) => (typeof iss.input === 'string' && refusal(iss.input)) || `${what} must not be blank`,
    });
}

function boundedString(max: number, what: string, lines: boolean) {
  // After the checks, so a bound counts what was sent; `overwrite` keeps the JSON Schema a plain string.
  return checkedString(max, what, lines).overwrite((text) => storedText(text, lines));
}

/**
 * A name as a JSON object's key, checked as `nameSchema` and kept as sent: zod gives a record's keys no place to
 * report two keys one once stored (`"Sales"` and `" Sales "`); the record stores them with `storedName` after
 * checking that (see headcount's `byFunction`).
 */
export const nameKeySchema = checkedString(LIMITS.name, 'name', false);
/** A short name: a role, an outlet, an investor (1..200 chars, one line). */
export const nameSchema = boundedString(LIMITS.name, 'name', false);
/** A title (1..500 chars, one line). */
export const titleSchema = boundedString(LIMITS.title, 'title', false);
/** Free text: a reason, a claim, a quote (1..2000 chars; lines broken by LF or CRLF). */
export const textSchema = boundedString(LIMITS.text, 'text', true);

/** A bounded array (0..100 items unless `min` says otherwise). */
export function boundedArray<T extends z.ZodType>(item: T, min = 0) {
  const base = z.array(item).max(LIMITS.items, `must have at most ${LIMITS.items} items`);
  return min > 0 ? base.min(min, `must have at least ${min} item${min > 1 ? 's' : ''}`) : base;
}
