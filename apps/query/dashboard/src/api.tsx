// Calls to the query service's own JSON API, same origin. A read key (only needed when the service runs with
// NEWSROOM_REQUIRE_READ_KEY=true) lives in sessionStorage: it goes in X-API-Key on fetches, and as ?key= on the
// SSE stream, the one route that takes it in the URL (EventSource cannot send headers).

import { t, type Lang } from './i18n';

const KEY_STORE = 'newsroom.readKey';

export function readKey(): string {
  try {
    return sessionStorage.getItem(KEY_STORE) ?? '';
  } catch {
    return '';
  }
}

export function saveKey(key: string): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORE, key);
    else sessionStorage.removeItem(KEY_STORE);
  } catch {
    /* storage refused (private mode): the key lasts as long as the page */
  }
}

/** One field a 400 names, as the problem's `errors` list it: `subjects[0]` and why it was refused. */
interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The problem's detail (or title) as the API words it. */
    readonly detail: string,
    /** The fields it names (a 400), each with the API's reason. */
    readonly errors: FieldProblem[] = [],
  ) {
    super(`${status}: ${detail}.`);
  }

  /** The API's reason, field by field when it names fields: `subjects[0]: not a subject "<kind>:<slug>"`. */
  get reason(): string {
    return this.errors.length ? this.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ') : this.detail;
  }

  /** A refused key: the page says where to enter one. */
  get needsKey(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * Whether asking again may help: no answer at all (the network, the service down: fetch's TypeError, worded by each
 * browser its own way and in English), a 5xx or a 429. A 4xx says the same until the question or the key changes.
 */
export function retryable(error: Error): boolean {
  return !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
}

/** What a panel shows of a failed call, in the page's language. */
export function errorText(lang: Lang, error: Error): string {
  if (!(error instanceof ApiError)) return t(lang, 'error.network');
  return t(lang, 'error.text', { status: error.status, detail: error.reason, hint: error.needsKey ? t(lang, 'error.hint') : '' });
}

/** Builds a query string, leaving out empty values. */
export function qs(params: Record<string, string | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * Read models still being backfilled, as the last answer of each report said (its Newsroom-Partial header): their
 * reports lack older events until the backfill's swap. The page shows the union in a notice.
 */
const partialByReport = new Map<string, string>();
const partialListeners = new Set<(names: string[]) => void>();

export function partialReadModels(): string[] {
  const names = [...partialByReport.values()].flatMap((h) => h.split(',').map((n) => n.trim()));
  return [...new Set(names.filter(Boolean))].sort();
}

/** Calls `listener` with the read models partial now whenever an answer changes them; returns the unsubscribe. */
export function onPartialReadModels(listener: (names: string[]) => void): () => void {
  partialListeners.add(listener);
  return () => partialListeners.delete(listener);
}

function notePartial(path: string, header: string | null): void {
  const report = path.split('?')[0];
  if ((partialByReport.get(report) ?? null) === header) return;
  if (header) partialByReport.set(report, header);
  else partialByReport.delete(report);
  const names = partialReadModels();
  for (const listener of partialListeners) listener(names);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const key = readKey();
  const res = await fetch(path, { headers: { accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) }, signal });
  if (res.ok) notePartial(path, res.headers.get('newsroom-partial'));
  if (!res.ok) {
    const problem = await res.json().catch(() => null);
    const errors: FieldProblem[] = Array.isArray(problem?.errors)
      ? problem.errors.map((e: { path?: unknown; message?: unknown }) => ({
          path: String(e?.path ?? ''),
          message: String(e?.message ?? ''),
        }))
      : [];
    throw new ApiError(res.status, String(problem?.detail ?? problem?.title ?? res.statusText), errors);
  }
  return res.json() as Promise<T>;
}

/** The SSE stream's URL: filters, the position to resume after, and the key when there is one. */
export function streamUrl(filters: Record<string, string | undefined>, after: string): string {
  return `/v1/feed/stream${qs({ ...filters, after, key: readKey() || undefined })}`;
}

/**
 * The same filters asked of the feed's history (one item): EventSource cannot read why a stream was refused, this
 * answer's problem says it (a 400 naming the field). Resolves when the history answers; rejects with its ApiError.
 */
export async function probeFeed(filters: Record<string, string | undefined>, after: string, signal?: AbortSignal): Promise<void> {
  await getJson(`/v1/feed${qs({ ...filters, after, limit: '1' })}`, signal);
}
