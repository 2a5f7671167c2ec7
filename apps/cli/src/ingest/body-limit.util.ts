/** The body limit of ingest's POST /v1/events when nothing says otherwise (INGEST_BODY_LIMIT's default, 2048kb). */
export const DEFAULT_BODY_LIMIT = '2048kb';

/** '2mb', '2048kb', '512b', '1024' as bytes (1 kb = 1024 bytes, as the service counts), or null when it is not a size. */
export function sizeBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(m[1]) * unit);
}

/** The limit a 413 REQUEST.TOO_LARGE problem names ("The body exceeds the limit of 2048kb."), in bytes, if it names one. */
export function limitOf413(problem: unknown): number | null {
  const detail = (problem as { detail?: unknown } | undefined)?.detail;
  if (typeof detail !== 'string') return null;
  const m = /limit of ([\d.]+\s*(?:b|kb|mb|gb)?)\b/i.exec(detail);
  return m ? sizeBytes(m[1]) : null;
}

/** The bytes of `{"events":[...]}` holding envelopes of these encoded sizes (JSON.stringify, as openapi-fetch sends it). */
export const batchBodyBytes = (sizes: readonly number[]): number =>
  '{"events":[]}'.length + sizes.reduce((sum, n) => sum + n, 0) + Math.max(0, sizes.length - 1);

/** The envelopes in order, cut into batches whose bodies stay under the limit (one too large alone is a batch of its own). */
export function packed<T extends { bytes: number }>(items: T[], limitBytes: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let sizes: number[] = [];
  for (const item of items) {
    if (group.length && batchBodyBytes([...sizes, item.bytes]) > limitBytes) {
      groups.push(group);
      group = [];
      sizes = [];
    }
    group.push(item);
    sizes.push(item.bytes);
  }
  if (group.length) groups.push(group);
  return groups;
}
