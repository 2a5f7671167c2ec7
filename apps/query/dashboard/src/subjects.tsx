// What the page's subject boxes accept, by the API's rule for a subject ("<kind>:<slug>", slug [a-z0-9-]{1,80}:
// libs/domain subject.value). Checked here so the page can say what is wrong in its own language and keep what
// was typed; the API checks again and its reason is shown when it refuses.

const SLUG = /^[a-z0-9-]{1,80}$/;
const ORG = /^org:[a-z0-9-]{1,80}$/;

/**
 * The organization a box's text names: `org:t9-acme` as typed, a bare slug `t9-acme` as `org:t9-acme` (the box only
 * takes organizations, so a slug alone can mean nothing else), empty as `fallback`. Anything else (`T9 Acme`,
 * `person:x`) is no organization: null, and the page says so rather than guessing.
 */
export function orgSubjectOf(text: string, fallback: string): string | null {
  const v = text.trim();
  if (!v) return fallback;
  if (ORG.test(v)) return v;
  if (SLUG.test(v)) return `org:${v}`;
  return null;
}
