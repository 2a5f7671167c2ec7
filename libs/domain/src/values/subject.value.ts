import { z } from 'zod';
import { withArticle } from './article.util';

export const SUBJECT_KINDS = ['org', 'person', 'case', 'product', 'authority'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface ParsedSubject {
  kind: SubjectKind;
  slug: string;
}

const SUBJECT_RE = /^(org|person|case|product|authority):([a-z0-9-]{1,80})$/;
const SUBJECT_FORMAT = 'must be "<kind>:<slug>" with kind org, person, case, product or authority and slug [a-z0-9-]{1,80}';

/** "person:mira-murati" -> { kind: 'person', slug: 'mira-murati' }; null when malformed. */
export function parseSubject(s: string): ParsedSubject | null {
  if (typeof s !== 'string') return null;
  const match = SUBJECT_RE.exec(s);
  return match ? { kind: match[1] as SubjectKind, slug: match[2] } : null;
}

export function isSubject(s: unknown): s is string {
  return typeof s === 'string' && SUBJECT_RE.test(s);
}

/** Any subject: the regex is also the JSON-schema `pattern`. */
export const subjectSchema = z
  .string({ error: 'must be a subject string' })
  .max(100)
  .regex(SUBJECT_RE, SUBJECT_FORMAT)
  .meta({ description: 'A subject "<kind>:<slug>"', examples: ['org:openai', 'person:mira-murati'] });

/** A subject of one kind; the message tells a wrong kind apart from a malformed subject. */
export function subjectOfKind(kind: SubjectKind) {
  const pattern = new RegExp(`^${kind}:[a-z0-9-]{1,80}$`);
  return z
    .string({ error: `must be ${withArticle(kind)} subject string` })
    .max(100)
    .regex(pattern, {
      error: (issue) => {
        const parsed = parseSubject(String(issue.input));
        return parsed ? `must be ${withArticle(kind)} subject, got ${withArticle(parsed.kind)} subject` : SUBJECT_FORMAT;
      },
    })
    .meta({ description: `A ${kind} subject "${kind}:<slug>"` });
}
