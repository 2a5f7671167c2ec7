/**
 * A map that keeps the most recently used keys of an unbounded set: two generations of `perGeneration` keys each, so
 * at least the `perGeneration` most recent and at most twice that. When the young generation is full it becomes the
 * old one and the old one goes; a key read from the old one moves back to the young one. So a new key costs the same
 * however many came before. (Dropping the oldest key of one Map, one at a time, cost 5-9 µs a new key: V8's Map
 * iterator walks past every deleted entry from the start until the table is rebuilt.) `perGeneration` 0 keeps nothing.
 */
export class RecentMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly perGeneration: number) {}

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const older = this.old.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: K, value: V): void {
    if (this.perGeneration <= 0) return;
    if (this.young.size >= this.perGeneration && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
    // Not kept twice: a later delete must find it gone from both, and a stale old value must never come back.
    this.old.delete(key);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }
}
