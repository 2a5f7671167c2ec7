import { outletKey, textOf } from '@newsroom/domain';
import { RecentMap } from '@newsroom/platform';
import { hash } from 'node:crypto';

// Every read model hashes the same source objects of an event; the id is kept per object (sources are never mutated).
const ids = new WeakMap<object, string>();
// A report parses its rows afresh on every request, so the objects are new each time while the stories are the same
// few: ids are also kept by key (a sha256 a source was 6.7% of the leadership report's CPU in the twenty-sixth
// session's profile), the KEPT_KEYS most recent at least (RecentMap: a new key costs the same however many came
// before, and the projector and the rebuild see new stories all the time).
const KEPT_KEYS = 10_000;
const byKey = new RecentMap<string, string>(KEPT_KEYS);

/** What tells a story apart besides its outlet, url and title: its date, for a story that has neither url nor title. */
type StoryFields = { outlet?: unknown; url?: unknown; title?: unknown; publishedAt?: unknown };

/**
 * The fields hashed after the outlet: the url and title, and for a story with neither its `publishedAt` too. Without
 * it every article of an outlet given with no url or title was one story (Le Monde of 6 May and of 16 September: one
 * id, dated by whichever was recorded first). One date's such articles of one outlet stay one story; a story with a
 * url or a title, or with no date either, keeps the id it always had (ids are public: clients store them).
 */
function storyFieldsOf(source: StoryFields): unknown[] {
  const url = source.url ?? null;
  const title = source.title ?? null;
  const dated = url === null && title === null && source.publishedAt != null;
  return dated ? [url, title, source.publishedAt] : [url, title];
}

/**
 * A story's stable id: a hash of outlet, url and title (and of its date when it has neither url nor title, see
 * storyFieldsOf), so the same article cited twice is one source.
 */
export function sourceIdOf(source: StoryFields): string {
  const known = typeof source === 'object' && source !== null ? ids.get(source) : undefined;
  if (known !== undefined) return known;
  const key = JSON.stringify([textOf(source.outlet).trim(), ...storyFieldsOf(source)]);
  let id = byKey.get(key);
  if (id === undefined) {
    id = hash('sha256', key, 'hex').slice(0, 24);
    byKey.set(key, id);
  }
  if (typeof source === 'object' && source !== null) ids.set(source, id);
  return id;
}

const storyKeys = new RecentMap<string, string>(KEPT_KEYS);
/**
 * The story as a reader tells stories apart: its outlet folded as corroboration folds it (outletKey: case, spacing,
 * invisible characters, compatibility forms, apostrophes and dashes), its url and title (and date, as the id has it).
 * "T3 Daily" and "t3  daily" citing one url are two ids (the id hashes the outlet as written, and stored ids stay as
 * they are) but one story key: GET /v1/sources lists them as one story.
 */
export function storyKeyOf(source: StoryFields): string {
  const fields = storyFieldsOf(source);
  // Kept by the story as written: the projector registers the same few stories batch after batch.
  const written = JSON.stringify([textOf(source.outlet), ...fields]);
  let id = storyKeys.get(written);
  if (id === undefined) {
    const key = JSON.stringify([outletKey({ outlet: textOf(source.outlet) }), ...fields]);
    id = hash('sha256', key, 'hex').slice(0, 24);
    storyKeys.set(written, id);
  }
  return id;
}

/** Sources merged in order, without repeating a story (a later citation of the same story adds its quote). */
export function mergeSources<S extends StoryFields & { quote?: unknown }>(base: S[], extra: S[]): S[] {
  // One source and nothing to add: nothing can repeat (most events; every read model merges each event's sources).
  if (extra.length === 0 && base.length < 2) return base;
  const seen = new Map<string, number>();
  const out: S[] = [];
  for (const s of [...base, ...extra]) {
    const id = sourceIdOf(s);
    const at = seen.get(id);
    if (at === undefined) {
      seen.set(id, out.length);
      out.push(s);
    } else if (!out[at].quote && s.quote) {
      out[at] = { ...out[at], quote: s.quote };
    }
  }
  // Nothing merged: the same array (fewer copies of every event's sources across the read models).
  return extra.length === 0 && out.length === base.length && out.every((s, i) => s === base[i]) ? base : out;
}
