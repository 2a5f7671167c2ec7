/** RFC 9457 problem details, with our stable `code` and field-level `errors`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The most field errors a problem lists; `errorsOmitted` counts the rest. A body of 100,000 unknown fields made a 4.9
 * MB answer: the first hundred are enough to fix a request, and the answer stays small whatever was sent.
 */
export const MAX_PROBLEM_ERRORS = 100;

/**
 * The longest field path, message and detail a problem repeats in full. A path names the client's own keys, and a key
 * of 1.5 million characters made a 1.5 MB answer: past the bound the text is cut, an ellipsis and its full length
 * in characters follow (`data.byFunction.kkkk… (1500016 characters)`), so the client still sees where and how long.
 */
export const MAX_PROBLEM_PATH = 200;
export const MAX_PROBLEM_MESSAGE = 300;
export const MAX_PROBLEM_DETAIL = 1000;
/**
 * The field errors listed stop once they reach this many bytes of JSON (the first is always listed); `errorsOmitted`
 * counts the rest as it counts those past MAX_PROBLEM_ERRORS. 200 unknown fields of 5,000 characters made a 504 kB
 * answer; cut to 200 characters each, a hundred of them would still be 22 kB.
 */
export const MAX_PROBLEM_ERRORS_BYTES = 8192;

const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;

/** The string as it is when it has at most `max` characters, else its first `max` (a pair never split), an ellipsis and its length. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Characters as a reader counts them: a surrogate pair (an emoji) is one.
  const characters = text.length - (text.match(SURROGATE_PAIRS)?.length ?? 0);
  if (characters <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${characters} characters)`;
}

/**
 * The field errors a problem lists, each path and message clipped, at most MAX_PROBLEM_ERRORS of them and
 * MAX_PROBLEM_ERRORS_BYTES of JSON, and how many were left out: whatever the client sent, the answer stays small.
 */
export function boundedFieldProblems(errors: readonly FieldProblem[]): { errors: FieldProblem[]; omitted: number } {
  const listed: FieldProblem[] = [];
  let bytes = 0;
  for (const e of errors) {
    if (listed.length >= MAX_PROBLEM_ERRORS) break;
    const clipped = { ...e, path: clipText(e.path, MAX_PROBLEM_PATH), message: clipText(e.message, MAX_PROBLEM_MESSAGE) };
    bytes += Buffer.byteLength(JSON.stringify(clipped)) + 1;
    if (listed.length > 0 && bytes > MAX_PROBLEM_ERRORS_BYTES) break;
    listed.push(clipped);
  }
  return { errors: listed, omitted: errors.length - listed.length };
}

/** An error that already knows its HTTP face; app filters map domain errors to it. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  /** The answer's body: every text that can repeat the client's input (paths, messages, detail, URL) bounded. */
  toBody(instance?: string): ProblemBody {
    const listed = this.errors?.length ? boundedFieldProblems(this.errors) : null;
    return {
      type: `https://newsroom.dev/problems/${this.code.toLowerCase().replace(/[._]/g, '-')}`,
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: clipText(this.detail, MAX_PROBLEM_DETAIL) } : {}),
      ...(instance ? { instance: clipText(instance, MAX_PROBLEM_DETAIL) } : {}),
      ...(listed ? { errors: listed.errors } : {}),
      ...(listed?.omitted ? { errorsOmitted: listed.omitted } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  validation: (errors: FieldProblem[], detail = 'The request does not match the schema.') =>
    new ProblemError(400, 'REQUEST.INVALID', 'Invalid request', detail, errors),
  malformedJson: (detail: string) =>
    new ProblemError(400, 'REQUEST.MALFORMED_JSON', 'Malformed JSON', detail, [{ path: '', message: detail }]),
  /** A name given twice in one JSON object: JSON.parse would keep the last value and drop the other unseen. */
  duplicateKey: (path: string) =>
    new ProblemError(
      400,
      'REQUEST.MALFORMED_JSON',
      'Malformed JSON',
      `Body is not valid JSON for this API: the name at ${path} is given twice in one object (I-JSON, RFC 7493); one value would be dropped.`,
      [{ path, message: 'given twice in one object: send each name once' }],
    ),
  tooLarge: (limit: string) =>
    new ProblemError(413, 'REQUEST.TOO_LARGE', 'Request body too large', `The body exceeds the limit of ${limit}.`, [
      { path: '', message: `body larger than ${limit}` },
    ]),
  unsupportedMediaType: () =>
    new ProblemError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Send application/json.', [
      { path: 'Content-Type', message: 'must be application/json (or application/*+json), in UTF-8, not compressed' },
    ]),
  /**
   * 401. `presented`: a key was sent but is not one of the service's (mistyped, revoked, another deployment's): said
   * so, rather than asking for a key the client did send (RFC 6750's `invalid_token`). `where`: the header (or
   * parameter) that carried the key, the field path of the answer.
   */
  unauthorized: (presented = false, where = 'Authorization') =>
    presented
      ? new ProblemError(
          401,
          'AUTH.KEY_INVALID',
          'API key not recognised',
          "The key sent is not one of this service's keys: check it for typos, or ask for a new one.",
          [{ path: where, message: "is not one of this service's keys" }],
          {},
          { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        )
      : new ProblemError(
          401,
          'AUTH.KEY_REQUIRED',
          'API key required',
          'Send a key as "Authorization: Bearer <key>" or "X-API-Key".',
          [{ path: where, message: 'required: "Bearer <key>" (or an X-API-Key header)' }],
          {},
          { 'WWW-Authenticate': 'Bearer' },
        ),
  forbidden: (scope: string, where = 'Authorization') =>
    new ProblemError(403, 'AUTH.SCOPE_MISSING', 'Key lacks scope', `This operation needs a key with the "${scope}" scope.`, [
      { path: where, message: `the key lacks the "${scope}" scope` },
    ]),
  notFound: (what: string) => new ProblemError(404, 'RESOURCE.NOT_FOUND', 'Not found', what),
  /** 400 for a URL whose path does not decode: percent-escapes that are not UTF-8 (the field is `url`). */
  undecodableUrl: () =>
    new ProblemError(400, 'REQUEST.INVALID', 'Invalid request', 'The URL is not valid: a path segment does not decode as UTF-8.', [
      { path: 'url', message: 'holds percent-escapes that are not UTF-8' },
    ]),
  /** 404 for a path no route of the service answers, under any method. */
  noRoute: (method: string, path: string) =>
    new ProblemError(404, 'ROUTE.NOT_FOUND', 'No such route', `Nothing answers ${method} ${path} here; the API is described at /docs.`, [
      { path: '', message: 'no route has this path' },
    ]),
  /** 405 with `Allow`: the path exists, under other methods. */
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) =>
    new ProblemError(
      405,
      'REQUEST.METHOD_NOT_ALLOWED',
      'Method not allowed',
      `${method} is not taken at ${path}: it takes ${allowed.join(', ')}.`,
      [{ path: '', message: `the method must be ${allowed.join(' or ')}` }],
      {},
      { Allow: allowed.join(', ') },
    ),
  /** 503 with Retry-After (whole seconds, at least 1): the client should come back, nothing is wrong with its request. */
  unavailable: (
    what: string,
    retryAfterSeconds = 2,
    code = 'SERVICE.UNAVAILABLE',
    extensions: Record<string, unknown> = {},
    errors?: FieldProblem[],
  ) =>
    new ProblemError(
      503,
      code,
      'Service unavailable',
      what,
      errors,
      { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)), ...extensions },
      {
        'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
      },
    ),
};
