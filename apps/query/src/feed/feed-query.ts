import { EVENT_TYPES, parseSubject } from '@newsroom/domain';
import { FieldProblem, problems } from '@newsroom/platform';

/** A validated feed filter, shared by the history endpoint, SSE and WebSocket. */
export interface FeedFilter {
  types: string[] | null;
  subjects: string[] | null;
  organization: string | null;
}

export interface FeedQuery extends FeedFilter {
  after: string;
  limit: number;
  lang: 'en' | 'fr';
}

const MAX_POSITION = 9223372036854775807n;

const list = (v: unknown): string[] | null => {
  const s = Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : '';
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  return items.length ? [...new Set(items)] : null;
};

/** Parses query parameters (or a WebSocket subscribe message); throws a 400 problem naming each bad field. */
export function parseFeedQuery(raw: Record<string, unknown>, lastEventId?: string): FeedQuery {
  const errors: FieldProblem[] = [];
  const afterRaw = raw.after ?? lastEventId ?? '0';
  const after = String(afterRaw);
  // Positions are Postgres bigints: anything longer would fail in SQL instead of here.
  if (!/^\d{1,19}$/.test(after) || BigInt(after) > MAX_POSITION) errors.push({ path: 'after', message: 'must be a position (a non-negative integer)' });
  const limitRaw = raw.limit ?? '100';
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) errors.push({ path: 'limit', message: 'must be an integer from 1 to 1000' });
  const types = list(raw.types);
  types?.forEach((t, i) => {
    if (!(EVENT_TYPES as readonly string[]).includes(t)) errors.push({ path: `types[${i}]`, message: `unknown event type "${t}"` });
  });
  const subjects = list(raw.subjects);
  if (subjects && subjects.length > 100) errors.push({ path: 'subjects', message: 'at most 100 subjects' });
  subjects?.forEach((s, i) => {
    if (!parseSubject(s)) errors.push({ path: `subjects[${i}]`, message: `not a subject "<kind>:<slug>"` });
  });
  const organization = raw.organization == null || raw.organization === '' ? null : String(raw.organization);
  if (organization && parseSubject(organization)?.kind !== 'org') errors.push({ path: 'organization', message: 'must be an org subject like "org:openai"' });
  const lang = raw.lang ?? 'en';
  if (lang !== 'en' && lang !== 'fr') errors.push({ path: 'lang', message: 'must be "en" or "fr"' });
  if (errors.length) throw problems.validation(errors, 'The feed query is not valid.');
  return { after, limit, types, subjects, organization, lang: lang as 'en' | 'fr' };
}

/** The fields a live item is matched on; `targetType` is the type of the event an amendment targets. */
export interface MatchableItem {
  type: string;
  subject: string;
  organizations: string[];
  targetType?: string | null;
}

/**
 * A filter compiled for the live path (sets, not arrays: it runs once per item per subscriber). It must agree
 * with FeedRepository.page: a type filter also takes the corrections and retractions of the events it matches,
 * so a client can update what it shows. Subjects and organizations need nothing more: an amendment lives in its
 * target's stream (same subject) and carries its target's organizations.
 */
export function compileFilter(filter: FeedFilter): (item: MatchableItem) => boolean {
  const types = filter.types ? new Set(filter.types) : null;
  const subjects = filter.subjects ? new Set(filter.subjects) : null;
  const organization = filter.organization;
  return (item) => {
    if (types && !types.has(item.type) && !(item.targetType && types.has(item.targetType))) return false;
    if (subjects && !subjects.has(item.subject)) return false;
    if (organization && !item.organizations.includes(organization)) return false;
    return true;
  };
}
