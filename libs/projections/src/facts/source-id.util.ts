import { createHash } from 'node:crypto';

// Every read model hashes the same source objects of an event; the id is kept per object (sources are never mutated).
const ids = new WeakMap<object, string>();

/** A story's stable id: a hash of outlet, url and title, so the same article cited twice is one source. */
export function sourceIdOf(source: { outlet?: unknown; url?: unknown; title?: unknown }): string {
  const known = typeof source === 'object' && source !== null ? ids.get(source) : undefined;
  if (known !== undefined) return known;
  const key = JSON.stringify([String(source.outlet ?? '').trim(), source.url ?? null, source.title ?? null]);
  const id = createHash('sha256').update(key).digest('hex').slice(0, 24);
  if (typeof source === 'object' && source !== null) ids.set(source, id);
  return id;
}

/** Sources merged in order, without repeating a story (a later citation of the same story adds its quote). */
export function mergeSources<S extends { outlet?: unknown; url?: unknown; title?: unknown; quote?: unknown }>(base: S[], extra: S[]): S[] {
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
