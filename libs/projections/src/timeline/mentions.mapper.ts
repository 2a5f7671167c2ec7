import { isSubject } from '@newsroom/domain';

export interface Mention {
  subject: string;
  role: string;
}

/** Subject-valued fields of event data and the role they give the subject they name. */
const FIELDS: Array<[string, string]> = [
  ['organization', 'organization'],
  ['by', 'requested_by'],
  ['authority', 'authority'],
  ['setBy', 'set_by'],
  ['destination', 'destination'],
  ['leadInvestor', 'lead_investor'],
];
const LISTS: Array<[string, string]> = [
  ['plaintiffs', 'plaintiff'],
  ['defendants', 'defendant'],
  ['investors', 'investor'],
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Every subject an event's data names, the stream subject first ("subject"); each subject once. */
export function mentionsOf(subject: string, data: unknown): Mention[] {
  const found: Mention[] = [{ subject, role: 'subject' }];
  // Every type's data is scanned by field name: the subject-valued fields are named alike across the catalog.
  const d = isRecord(data) ? data : {};
  for (const [field, role] of FIELDS) if (isSubject(d[field])) found.push({ subject: d[field], role });
  for (const [field, role] of LISTS) {
    if (Array.isArray(d[field])) for (const s of d[field]) if (isSubject(s)) found.push({ subject: s, role });
  }
  const seen = new Set<string>();
  return found.filter((m) => (seen.has(m.subject) ? false : (seen.add(m.subject), true)));
}
