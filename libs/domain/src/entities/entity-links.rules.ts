import { DOMAIN_ERROR_CODES as CODES, DomainError } from '../errors/domain.errors';
import { withArticle } from '../values/article.util';
import { CURRENT_SCHEMA_VERSION } from '../events/event-catalog.registry';
import type { NewEvent, StreamState } from '../streams/stream-state.types';
import { parseSubject } from '../values/subject.value';
import { readerKey } from '../values/reader-key.util';

/** The subject this stream's subject is merged into now, or null: the last merge unless an unmerge followed it. */
export function mergedInto(state: StreamState): string | null {
  let into: string | null = null;
  for (const e of state.events.values()) {
    if (e.type === 'entity.merged') into = e.data.into;
    else if (e.type === 'entity.unmerged') into = null;
  }
  return into;
}

/** The display names recorded as this subject's aliases and not removed since, in the order first given. */
export function aliasNames(state: StreamState): string[] {
  const names = new Set<string>();
  for (const e of state.events.values()) {
    if (e.type !== 'entity.aliased') continue;
    if (e.data.removed) names.delete(e.data.name);
    else names.add(e.data.name);
  }
  return [...names];
}

// Editors' records: no date of their own, no outside source; the stored recordedAt is when they became known.
const RECORD = { occurredAt: null, modality: 'reported' } as const;

/**
 * `alias` (the stream's subject) becomes the same entity as `canonical.subject`. Same kind only, never itself,
 * not twice, and only into a subject that is not itself merged: since each merge needs a target that is not
 * merged, a merge can never close a cycle (the last edge of a cycle would point at a merged subject).
 */
export function decideMerge(alias: StreamState, canonical: StreamState, reason: string): NewEvent<'entity.merged'> {
  const into = canonical.subject;
  if (alias.subject === into) {
    throw new DomainError(CODES.ENTITY_SELF_MERGE, 'validation', `${into} cannot be merged into itself`, [
      { path: 'subject', message: 'must be another subject' },
    ]);
  }
  const [from, to] = [parseSubject(alias.subject)?.kind ?? 'unknown', parseSubject(into)?.kind ?? 'unknown'];
  if (from !== to) {
    throw new DomainError(
      CODES.ENTITY_KIND_MISMATCH,
      'validation',
      `${withArticle(from)} subject cannot be merged into ${withArticle(to)} subject`,
      [{ path: 'subject', message: `must be ${withArticle(to)} subject` }],
    );
  }
  const current = mergedInto(alias);
  if (current !== null) {
    throw new DomainError(CODES.ENTITY_ALREADY_MERGED, 'conflict', `${alias.subject} is already merged into ${current}; unmerge it first`, [
      { path: 'subject', message: `already merged into ${current}` },
    ]);
  }
  const above = mergedInto(canonical);
  if (above !== null) {
    // The subject in the URL, which a client names there: the body's field of the same name is the other one.
    throw new DomainError(CODES.ENTITY_NOT_CANONICAL, 'rule', `${into} is itself merged into ${above}: merge into ${above} instead`, [
      { path: 'subject', message: `the subject in the URL, ${into}, is merged into ${above}: use ${above}` },
    ]);
  }
  return {
    ...RECORD,
    sources: [],
    type: 'entity.merged',
    subject: alias.subject,
    data: { into, reason },
    schemaVersion: CURRENT_SCHEMA_VERSION['entity.merged'],
  };
}

/** The reversal: `alias` stands apart from `canonical` again; it must be merged into it now. */
export function decideUnmerge(alias: StreamState, canonical: string, reason: string): NewEvent<'entity.unmerged'> {
  const current = mergedInto(alias);
  if (current !== canonical) {
    throw new DomainError(CODES.ENTITY_NOT_MERGED, 'rule', `${alias.subject} is not merged into ${canonical}`, [
      { path: 'subject', message: `not merged into ${canonical}` },
    ]);
  }
  return {
    ...RECORD,
    sources: [],
    type: 'entity.unmerged',
    subject: alias.subject,
    data: { from: canonical, reason },
    schemaVersion: CURRENT_SCHEMA_VERSION['entity.unmerged'],
  };
}

/** A display name as kept: NFC, no edge or repeated spaces (`Sam  Altman ` is `Sam Altman`). */
function cleanName(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * How two display names are compared: as corroboration compares outlets (`readerKey`), so names a reader cannot
 * tell apart are one alias: without case (`OpenAI`, `Openai`), spacing, invisible characters (`bobby\u200b t7` is
 * `Bobby T7`), compatibility forms, apostrophe and dash look-alikes (`O’Brien`, `O'Brien`). Folded as the name would
 * be kept, so a name given again meets the alias it made (`Bob\ufeffT7` is kept as `Bob T7`: \s takes U+FEFF).
 */
const nameKey = (name: string) => readerKey(cleanName(name));

/** A display name becomes one of the subject's aliases (`removed`: it stops being one). */
export function decideAliasName(state: StreamState, given: string, removed: boolean, reason?: string): NewEvent<'entity.aliased'> {
  const key = nameKey(given);
  const known = aliasNames(state).find((n) => nameKey(n) === key);
  // A removal names the alias as it was recorded, so the fold drops that very name; an addition is kept clean.
  const name = known ?? cleanName(given);
  if (!removed && known !== undefined) {
    throw new DomainError(CODES.ENTITY_ALIAS_EXISTS, 'conflict', `"${name}" is already an alias of ${state.subject}`, [
      { path: 'name', message: `already an alias of ${state.subject}` },
    ]);
  }
  if (removed && known === undefined) {
    throw new DomainError(CODES.ENTITY_ALIAS_UNKNOWN, 'rule', `"${name}" is not an alias of ${state.subject}`, [
      { path: 'name', message: `not an alias of ${state.subject}` },
    ]);
  }
  const data = { name, ...(removed ? { removed: true } : {}), ...(reason ? { reason } : {}) };
  return {
    ...RECORD,
    sources: [],
    type: 'entity.aliased',
    subject: state.subject,
    data,
    schemaVersion: CURRENT_SCHEMA_VERSION['entity.aliased'],
  };
}
