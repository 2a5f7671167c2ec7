import { createHash } from 'node:crypto';

/** A story's stable id: a hash of outlet, url and title, so the same article cited twice is one source. */
export function sourceIdOf(source: { outlet?: unknown; url?: unknown; title?: unknown }): string {
  const key = JSON.stringify([String(source.outlet ?? '').trim(), source.url ?? null, source.title ?? null]);
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** Sources merged in order, without repeating a story (a later citation of the same story adds its quote). */
export function mergeSources(base: any[], extra: any[]): any[] {
  const seen = new Map<string, number>();
  const out: any[] = [];
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
  return out;
}
