import { z } from 'zod';
import { EVENT_TYPES, parseSubject } from '@newsroom/domain';
import { FieldProblem, problems } from '@newsroom/platform';
import { COUNT_MESSAGE, COUNT_PATTERN, isCount, isPosition, MAX_POSITION, POSITION_PATTERN } from '../query-numbers.const';

/** A validated feed filter, shared by the history endpoint, SSE and WebSocket. */
export interface FeedFilter {
  types: string[] | null;
  subjects: string[] | null;
  organization: string | null;
  /** `organization` and every subject merged with it (set by scopeFeedFilter); absent: the organization alone. */
  organizations?: string[] | null;
}

/** The organizations an item may name to match: the entity's subjects once scoped, else the one asked for. */
export const organizationsOf = (filter: FeedFilter): string[] | null =>
  filter.organizations ?? (filter.organization ? [filter.organization] : null);

/**
 * One entity, many names: each subject and the organization asked for stand for their whole entity (every subject
 * merged with them), as the reports do. `filter` is the one the client gave; the result is what is matched.
 */
export function scopeFeedFilter(filter: FeedFilter, graph: { membersOf(subject: string): string[] }): FeedFilter {
  return {
    ...filter,
    subjects: filter.subjects ? [...new Set(filter.subjects.flatMap((s) => graph.membersOf(s)))] : null,
    organizations: filter.organization ? graph.membersOf(filter.organization) : null,
  };
}

export interface FeedQuery extends FeedFilter {
  after: string;
  limit: number;
  lang: 'en' | 'fr';
}

const POSITION = 'must be a position (a non-negative integer)';

const LIST = 'must be a comma-separated string or an array of strings';

/**
 * A comma-separated list, or an array of strings (a repeated parameter, a WebSocket message). Anything else is a
 * 400 naming the field: a filter of the wrong type silently read as no filter would send the client everything. So
 * is a list given empty (`subjects=`, `[]`, `","`): a client that built it from an empty list of its own asked for
 * nothing, not for every item; leaving the parameter out is how to ask for every one.
 */
const commaList = (description: string, what: string) =>
  z
    .union([z.string(), z.array(z.string())], { error: LIST })
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return null;
      const items = (Array.isArray(v) ? v.join(',') : v)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (items.length === 0)
        ctx.issues.push({ code: 'custom', message: `must name at least one ${what} (leave it out for every item)`, input: v });
      return items.length ? [...new Set(items)] : null;
    })
    .meta({ description });

/**
 * The feed's parameters, for the history endpoint, the SSE stream and the WebSocket subscribe message alike.
 * Values are coerced as a JSON message may send them (`after: 42`). Unknown fields are the caller's to refuse
 * (parseFeedQuery's `allowed`): the HTTP endpoints refuse them, a WebSocket message has fields of its own.
 */
export const feedQuerySchema = z.object({
  // Positions are Postgres bigints: anything longer would fail in SQL instead of here.
  // A JSON number above 2^53 has lost its last digits before it gets here: it must come as a string.
  after: z
    .union([z.string(), z.number()], { error: POSITION })
    .refine((v) => typeof v === 'string' || Number.isSafeInteger(v), {
      message: 'must be sent as a string: a number this large loses its last digits in JSON',
      abort: true,
    })
    .transform(String)
    .refine(isPosition, { message: POSITION })
    .optional()
    .transform((v) => v ?? '0')
    .meta({ description: 'Position to read after (exclusive)' }),
  // Decimal digits only, as the reports take it: Number() would also read "0x10", "1e1", "+5" and " 5".
  limit: z
    .union([z.number(), z.string()], { error: COUNT_MESSAGE })
    .refine((v) => (typeof v === 'number' ? Number.isInteger(v) && v >= 1 && v <= 1000 : isCount(v)), {
      message: COUNT_MESSAGE,
    })
    .optional()
    .transform((v) => (v === undefined ? 100 : Number(v)))
    .meta({ description: '1..1000, default 100 (history only)' }),
  types: commaList('Comma-separated event types; also takes corrections and retractions of events of those types', 'event type').transform(
    (types, ctx) => {
      types?.forEach((t, i) => {
        if (!(EVENT_TYPES as readonly string[]).includes(t))
          ctx.issues.push({ code: 'custom', message: `unknown event type "${t}"`, input: t, path: [i] });
      });
      return types;
    },
  ),
  subjects: commaList('Comma-separated subjects, e.g. person:mira-murati (their corrections included)', 'subject').transform(
    (subjects, ctx) => {
      if (subjects && subjects.length > 100) ctx.issues.push({ code: 'custom', message: 'at most 100 subjects', input: subjects });
      subjects?.forEach((s, i) => {
        if (!parseSubject(s)) ctx.issues.push({ code: 'custom', message: 'not a subject "<kind>:<slug>"', input: s, path: [i] });
      });
      return subjects;
    },
  ),
  organization: z.coerce
    .string()
    .refine((v) => parseSubject(v)?.kind === 'org', { message: 'must be an org subject like "org:openai" (leave it out for every item)' })
    .optional()
    .transform((v) => v || null)
    .meta({ description: 'An org subject, e.g. org:openai', example: 'org:openai' }),
  lang: z
    .enum(['en', 'fr'], { error: 'must be "en" or "fr"' })
    .optional()
    .transform((v) => v ?? 'en')
    .meta({ description: 'Language of headlines' }),
});

/**
 * The feed's parameters as the HTTP endpoints' query strings carry them, for the documents: text only (a JSON
 * message's numbers are the WebSocket's), `after` and `limit` with the patterns of exactly the values the service
 * takes. The service parses with feedQuerySchema (feed-query.spec.ts holds the two together).
 */
export const feedQueryParams = feedQuerySchema.extend({
  after: z
    .string()
    .regex(new RegExp(POSITION_PATTERN))
    .optional()
    .meta({
      description: `Position to read after (exclusive): a global position, 0 to ${MAX_POSITION}, as decimal digits; default 0`,
      example: '0',
    }),
  limit: z
    .string()
    .regex(new RegExp(COUNT_PATTERN))
    .optional()
    .meta({ description: 'Items per page: 1..1000 in decimal digits, default 100', example: '100' }),
});

/**
 * The Last-Event-ID header (a reconnecting EventSource's newest position) as a position; undefined when absent or
 * blank. One that is not a position is a 400 naming the header, not `after`, which the client may not have sent.
 */
function lastEventIdOf(header: string | undefined, path = 'Last-Event-ID'): string | undefined {
  // A header's value may carry spaces around it (HTTP's optional whitespace); a URL parameter is taken as sent.
  const v = path === 'Last-Event-ID' ? header?.trim() : header;
  if (!v) return undefined;
  if (isPosition(v)) return v;
  throw problems.validation([{ path, message: POSITION }], 'The feed query is not valid.');
}

/**
 * The SSE stream's query: where to resume is the Last-Event-ID header (a reconnecting EventSource's newest
 * position), else the `lastEventId` parameter, which EventSource polyfills that cannot send headers put in the URL
 * instead, else `after` (which a reconnect repeats as it was). `allowed`: the stream's parameters, as parseFeedQuery.
 */
/** The SSE stream's query: the feed's, and whether the client asked to be told when items are late (`status=true`). */
export interface StreamQuery extends FeedQuery {
  status: boolean;
}

export function parseStreamQuery(raw: Record<string, unknown>, header: string | undefined, allowed: readonly string[]): StreamQuery {
  const { lastEventId, status, ...rest } = raw;
  // Asked for, not sent unasked: a client that reads every `data:` line as an item must not be handed another frame.
  if (status !== undefined && status !== 'true' && status !== 'false')
    throw problems.validation([{ path: 'status', message: 'must be true or false' }], 'The feed query is not valid.');
  // node:querystring gives a string, or an array when the parameter is repeated (not a position: a 400).
  const inUrl = typeof lastEventId === 'string' ? lastEventId : Array.isArray(lastEventId) ? lastEventId.join(',') : undefined;
  const query = parseFeedQuery({ ...rest, after: lastEventIdOf(header) ?? lastEventIdOf(inUrl, 'lastEventId') ?? rest.after }, allowed);
  return { ...query, status: status === 'true' };
}

const pathOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

/**
 * Parses query parameters (or a WebSocket subscribe message); throws a 400 problem naming each bad field. With
 * `allowed` (an endpoint's parameters), any other parameter is refused too, as the reports refuse them: a typo such
 * as `type=` or `organisation=` would otherwise answer the whole, unfiltered feed as if it were the filtered one.
 */
export function parseFeedQuery(raw: Record<string, unknown>, allowed?: readonly string[]): FeedQuery {
  const unknown: FieldProblem[] = allowed
    ? Object.keys(raw)
        .filter((k) => !allowed.includes(k))
        .map((k) => ({ path: k, message: `unknown parameter (allowed: ${allowed.join(', ')})` }))
    : [];
  // null stands for an absent field (a JSON message may send it).
  const input = Object.fromEntries(
    Object.keys(feedQuerySchema.shape)
      .filter((k) => raw[k] != null && (!allowed || allowed.includes(k)))
      .map((k) => [k, raw[k]]),
  );
  const parsed = feedQuerySchema.safeParse(input);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
  if (unknown.length || !parsed.success) throw problems.validation([...unknown, ...issues], 'The feed query is not valid.');
  return parsed.data;
}

/** The fields a live item is matched on; `targetType` is the type of the event an amendment targets. */
export interface MatchableItem {
  type: string;
  subject: string;
  /** Every entity the item concerns (the projector's subjectsOf); its organizations are those among them. */
  subjects: string[];
  organizations: string[];
  targetType?: string | null;
}

/**
 * A filter compiled for the live path (sets, not arrays: it runs once per item per subscriber). It must agree
 * with FeedRepository.page: a type filter also takes the corrections and retractions of the events it matches,
 * so a client can update what it shows. Subjects and organizations need nothing more: an item carries every entity
 * its fact names in any role (and an amendment its target's), and matches when one of them is asked for.
 */
export function compileFilter(filter: FeedFilter): (item: MatchableItem) => boolean {
  const types = filter.types ? new Set(filter.types) : null;
  const subjects = filter.subjects ? new Set(filter.subjects) : null;
  const organizations = organizationsOf(filter);
  return (item) => {
    if (types && !types.has(item.type) && !(item.targetType && types.has(item.targetType))) return false;
    if (subjects && !item.subjects.some((s) => subjects.has(s))) return false;
    if (organizations && !organizations.some((o) => item.organizations.includes(o))) return false;
    return true;
  };
}
