import { z } from 'zod';
import {
  EVENT_TYPES,
  isStorableText,
  MAX_YEAR,
  MIN_YEAR,
  MODALITIES,
  parsePeriod,
  parseSubject,
  SINGLE_PERIOD_PATTERN,
  SubjectKind,
  withArticle,
} from '@newsroom/domain';
import { FieldProblem, problems } from '@newsroom/platform';
import { COUNT_MESSAGE, COUNT_PATTERN, isCount, isPosition, MAX_COUNT, MAX_POSITION, POSITION_PATTERN } from '../../query-numbers.const';

/**
 * Zod pieces for the query parameters of reports, entities and sources. Each endpoint builds one object schema
 * from them (reportParams); readReportParams validates with it and the OpenAPI parameters are derived from it
 * (ApiParams), so the documented parameters and the 400s come from the same place.
 */

const NOT_STORABLE = 'must not contain NUL (\\u0000) or unpaired UTF-16 surrogates';
// The years are ingest's (no event is dated outside them): 9999-12-31 is a YYYY-MM-DD, and the 400 says why it is refused (t30).
const PERIOD = `must be a date or period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time; years ${MIN_YEAR} to ${MAX_YEAR}`;

/** Express gives a repeated parameter as an array: one value is expected. */
const once = (iss: { input?: unknown }) => (iss.input === undefined ? 'required' : 'must be given once');

/** The parameter absent (or empty) stands for null. */
const orNull = <T extends z.ZodType>(schema: T) => schema.optional().transform((v): z.output<T> | null => v ?? null);

/** One value of text Postgres can take (NUL and lone surrogates would fail the query: a 400 here, never a 500). */
const text = () => z.string({ error: once }).refine(isStorableText, { message: NOT_STORABLE, abort: true });

export const optionalText = (description?: string) => orNull(text()).meta(description ? { description } : {});

/**
 * A name searched for among stored names of at most `max` characters (an outlet): a longer one matches nothing, so it
 * is the client's error, as is U+FFFD, what the query parser makes of a percent-encoded byte that is not UTF-8
 * (`outlet=%ff`): the search would run for text no client meant. Both are 400s naming the parameter.
 */
export const optionalName = (max: number, description?: string) =>
  orNull(
    text()
      .refine((v) => v.length <= max, { message: `must be at most ${max} characters`, abort: true })
      .refine((v) => !v.includes('\uFFFD'), {
        message: 'must be UTF-8: a percent-encoded byte that is not (%ff, or Latin-1 %e9 for é) reads as U+FFFD',
      }),
  ).meta({ maxLength: max, ...(description ? { description } : {}) });

/** A subject "<kind>:<slug>", of the given kind when one is given. */
export function subject(options: { kind?: SubjectKind; example?: string; description?: string; invalid?: string } = {}) {
  const { kind } = options;
  const invalid = options.invalid ?? 'must be a subject "<kind>:<slug>" such as "org:openai"';
  return text()
    .superRefine((v, ctx) => {
      const parsed = parseSubject(v);
      if (!parsed) ctx.addIssue({ code: 'custom', message: invalid });
      else if (kind && parsed.kind !== kind) ctx.addIssue({ code: 'custom', message: `must be ${withArticle(kind)} subject such as "${kind}:openai"` });
    })
    .meta({ ...(options.example ? { example: options.example } : {}), ...(options.description ? { description: options.description } : {}) });
}

/**
 * A query string's `+` is a space: a date-time with an offset pasted as is (`...T05:34:18+01:00`) arrives as
 * `...T05:34:18 01:00`. Say so when the text would be one with its space a plus.
 */
function plusHint(v: string): string {
  const plus = v.replace(/ (\d{2}:\d{2})$/, '+$1');
  return plus !== v && parsePeriod(plus) ? ` (a "+" in a URL's query is a space: send the offset as %2B, ${plus.replace('+', '%2B')})` : '';
}

/** A date or period (no range), standing for its first instant (`start`) or the instant after it (`end`). */
export function instant(description: string, edge: 'start' | 'end' = 'start') {
  const schema = text().transform((v, ctx) => {
    const period = parsePeriod(v);
    if (!period || period.precision === 'range') {
      ctx.issues.push({ code: 'custom', message: PERIOD + plusHint(v), input: v });
      return z.NEVER;
    }
    return edge === 'start' ? period.start : period.end;
  });
  // The pattern gives the shapes (ingest's, without a range): what it lets through that the service refuses, a day
  // the month does not have, is said in words (t30: the parameters were documented as any string).
  return orNull(schema).meta({
    description: `${description}. ${PERIOD.slice('must be '.length).replace(/^./, (c) => c.toUpperCase())}; the pattern checks the shape, the service also that it is a real calendar date`,
    pattern: SINGLE_PERIOD_PATTERN,
  });
}

/** One of the given values (the message names them all). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description?: string) {
  return z
    .enum(values, {
      error: (iss) =>
        typeof iss.input !== 'string' ? once(iss) : !isStorableText(iss.input) ? NOT_STORABLE : `must be one of ${values.join(', ')}`,
    })
    .meta(description ? { description } : {});
}

/** A comma-separated list (or the parameter repeated), without duplicates; each value checked against `values` when given. */
export function list(description: string, values?: readonly string[]) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((raw, ctx) => {
      const items = [...new Set((Array.isArray(raw) ? raw.join(',') : raw).split(',').map((s) => s.trim()).filter(Boolean))];
      if (values) items.forEach((item, i) => !values.includes(item) && ctx.issues.push({ code: 'custom', message: `"${item}" is not one of ${values.join(', ')}`, input: item, path: [i] }));
      return items.length ? items : null;
    })
    .optional()
    .transform((v) => v ?? null)
    .meta({ description });
}

/** The parameters every report, entity and source page takes besides its own. */
const commonParams = {
  asOf: instant('Valid time: only what had occurred by that date'),
  knownAt: instant('Transaction time: the state as recorded at that instant (a date, period start or RFC 3339 date-time)'),
  modality: list(`Comma-separated: ${MODALITIES.join(', ')}`, MODALITIES),
  // At most four digits, as the feed's `limit` (`0100` is 100; `00100` is refused, as the pattern says).
  limit: text()
    .refine(isCount, { message: COUNT_MESSAGE })
    .transform(Number)
    .optional()
    .transform((v) => v ?? 100)
    .meta({ description: `1..${MAX_COUNT} in decimal digits (at most four), default 100`, pattern: COUNT_PATTERN }),
  cursor: optionalText(
    'The `next` (CSV, TimelineJS: `X-Next-Cursor`) of the previous page of the same query: the same filters (`format`, `lang`, `limit` ' +
      'and `minPosition` may change; `knownAt` may be left out or repeat the instant the cursor pins). A cursor of another endpoint, or of ' +
      'another query of this one, is a 400 on `cursor`.',
  ),
  format: oneOf(['json', 'csv']).optional().transform((v) => v ?? null),
  bom: oneOf(['true', 'false'], 'CSV only: `true` starts the file with the UTF-8 byte-order mark, which Excel needs to read accents (é, «) in a downloaded file')
    .optional()
    .transform((v) => v === 'true'),
  minPosition: orNull(
    text().refine(isPosition, {
      message: `must be a global position: an integer from 0 to ${MAX_POSITION} (at most 19 digits)`,
    }),
  ).meta({
    description:
      "Read your own writes: answer only once the read models hold every event up to this global position (a write's " +
      '`globalPosition`), waiting for it up to a few seconds (503 READ_MODEL.BEHIND with Retry-After after that). ' +
      'Every answer says the position it holds every event up to in its `Newsroom-Position` header.',
    example: '1234',
    pattern: POSITION_PATTERN,
  }),
};

/** Only facts reported by at least this many distinct outlets (a syndicated copy counts as the outlet it reprints). */
export const minOutletsParam = () =>
  text()
    .refine(isCount, { message: COUNT_MESSAGE })
    .transform(Number)
    .optional()
    .transform((v) => v ?? null)
    .meta({
      description: `Only facts with at least this many distinct outlets (syndicated copies count once, as the outlet they reprint): 1..${MAX_COUNT} in decimal digits (at most four)`,
      pattern: COUNT_PATTERN,
    });

export const typesParam = () => list('Comma-separated event types', EVENT_TYPES);
export const langParam = () =>
  oneOf(
    ['en', 'fr'],
    'Language of headlines and free text (roles, features, requests...), default en. Text the event does not give in it ' +
      "(and the glossary does not know) shows in the other language: listed in each item's `fallbacks`, marked [en] / [fr] in headlines",
  )
    .optional()
    .transform((v) => v ?? 'en');

/** Parameters the reader knows before the endpoint's own (the order of the "allowed" list in messages). */
const LEADING = ['format', 'knownAt', 'asOf', 'modality'];
const TRAILING = ['bom', 'minPosition', 'limit', 'cursor'];

/** An endpoint's parameter schema: its own parameters (and path parameters), then the common ones. */
export function reportParams<S extends z.ZodRawShape>(own: S) {
  return z.object({ ...own, ...commonParams });
}

export type ParamShape = z.ZodObject<Record<string, z.ZodType>>;

const pathOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

/**
 * Validates a request's query (and path) parameters with the endpoint's schema and throws one 400 problem
 * listing every bad parameter with its name as the path. Unknown parameters are refused, so a typo
 * ("organisation") is not silently ignored. `cross` adds the checks between parameters (e.g. from < to); it sees
 * each parameter that was valid (null for the others), like the checks of a single parameter.
 */
export function readReportParams<S extends ParamShape>(
  schema: S,
  query: Record<string, unknown>,
  options: {
    path?: Record<string, string>;
    cross?: (q: Partial<z.output<S>>) => FieldProblem[];
    /** What the request asks, as the problem's detail names it (`The ${what} is not valid.`): a report query by default. */
    what?: string;
  } = {},
): z.output<S> {
  const pathKeys = Object.keys(options.path ?? {});
  const allowed = allowedParams(schema, pathKeys);
  const errors: FieldProblem[] = Object.keys(query)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ path: key, message: `unknown parameter (allowed: ${allowed.join(', ')})` }));
  // A parameter given empty (`?organization=`, `types=,`, `knownAt=`) is a 400 naming it, as on the feed: a client
  // that built it from an empty value of its own (a list, a BI tool's unset variable) asked for nothing, and the whole
  // report answered as if it were the filtered one, or as of now, would be a wrong answer taken for the right one.
  const empty = Object.keys(query).filter((key) => allowed.includes(key) && isEmptyParam(query[key]));
  errors.push(...empty.map((path) => ({ path, message: 'must not be empty (leave the parameter out for no filter, or its default)' })));
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) if (query[key] !== undefined && !isEmptyParam(query[key]) && !pathKeys.includes(key)) input[key] = query[key];
  Object.assign(input, options.path);
  const parsed = schema.safeParse(input);
  // A required parameter given empty is named once, as empty.
  const issues = parsed.success
    ? []
    : parsed.error.issues.filter((i) => !empty.includes(String(i.path[0]))).map((i) => ({ path: pathOf(i.path), message: i.message }));
  // The format is read last, after the checks between parameters, as the problem lists it.
  const isFormat = (p: FieldProblem) => p.path === 'format';
  errors.push(...issues.filter((p) => !isFormat(p)));
  if (options.cross) errors.push(...options.cross(parsed.success ? parsed.data : validParts(schema, input)));
  errors.push(...issues.filter(isFormat));
  if (errors.length || !parsed.success) throw problems.validation(errors, `The ${options.what ?? 'report query'} is not valid.`);
  return parsed.data;
}

/** A value that says nothing: empty, or only commas and spaces (one of a repeated parameter's values or all). */
const isEmptyParam = (v: unknown): boolean =>
  typeof v === 'string' ? /^[\s,]*$/.test(v) : Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[\s,]*$/.test(x));

function allowedParams(schema: ParamShape, pathKeys: string[]): string[] {
  const keys = Object.keys(schema.shape).filter((k) => !pathKeys.includes(k));
  return [...LEADING.filter((k) => keys.includes(k)), ...keys.filter((k) => !LEADING.includes(k) && !TRAILING.includes(k)), ...TRAILING.filter((k) => keys.includes(k))];
}

function validParts<S extends ParamShape>(schema: S, input: Record<string, unknown>): Partial<z.output<S>> {
  const parts: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const r = field.safeParse(input[key]);
    parts[key] = r.success ? r.data : null;
  }
  return parts as Partial<z.output<S>>;
}

/**
 * `format` when given, else what Accept prefers (RFC 9110 12.5.1): each of JSON and CSV takes the quality of the
 * most specific range that matches it (`text/csv` over `text/*` over the any-type range); CSV when its quality is higher, JSON
 * otherwise (also on a tie, with no Accept, or when neither is acceptable).
 */
export function formatOf(format: 'json' | 'csv' | null, accept: string | undefined): 'json' | 'csv' {
  if (format) return format;
  if (!accept) return 'json';
  const ranges = accept
    .slice(0, 1024)
    .split(',')
    .map((part) => {
      const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { range, quality: Number.isFinite(quality) ? Math.min(Math.max(quality, 0), 1) : 0 };
    });
  const qualityOf = (type: string, subtype: string) => {
    let best = { specificity: -1, quality: 0 };
    for (const { range, quality } of ranges) {
      const specificity = range === `${type}/${subtype}` ? 2 : range === `${type}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > best.specificity) best = { specificity, quality };
    }
    return best.quality;
  };
  return qualityOf('text', 'csv') > qualityOf('application', 'json') ? 'csv' : 'json';
}

/** A from/to pair must be in order (both are instants: `to` already the end of its period). */
export const fromBeforeTo = (q: { from?: string | null; to?: string | null }): FieldProblem[] =>
  q.from && q.to && q.from >= q.to ? [{ path: 'to', message: 'must end after from' }] : [];
