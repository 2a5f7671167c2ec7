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
  if (!/^\d{1,19}$/.test(after)) errors.push({ path: 'after', message: 'must be a position (a non-negative integer)' });
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

export function matches(filter: FeedFilter, item: { type: string; subject: string; organizations: string[] }): boolean {
  if (filter.types && !filter.types.includes(item.type)) return false;
  if (filter.subjects && !filter.subjects.includes(item.subject)) return false;
  if (filter.organization && !item.organizations.includes(filter.organization)) return false;
  return true;
}
