import { readerKey } from '@newsroom/domain';

/** One standing link as read from read_model.entity_links (at some knownAt). */
export interface EntityLinkRow {
  subject: string;
  link: 'merge' | 'name';
  target: string;
  linked_position: string;
}

/**
 * Pure: which subjects are one entity, from the links standing at an instant. Merges are taken in log order and
 * one that would close a cycle (two editors merging A into B and B into A at the same moment) is left out, so
 * every instant has one answer and rebuild and incremental agree.
 */
export class EntityGraph {
  private readonly parent = new Map<string, string>();
  private readonly names = new Map<string, string[]>();

  constructor(rows: readonly EntityLinkRow[]) {
    const ordered = [...rows].sort((a, b) => (BigInt(a.linked_position) < BigInt(b.linked_position) ? -1 : 1));
    for (const r of ordered) {
      if (r.link === 'name') {
        this.names.set(r.subject, [...(this.names.get(r.subject) ?? []), r.target]);
      } else if (!this.parent.has(r.subject) && this.canonicalOf(r.target) !== r.subject) {
        this.parent.set(r.subject, r.target);
      }
    }
  }

  get isEmpty(): boolean {
    return this.parent.size === 0;
  }

  /** The subject an entity is shown under: follow merges to the one not merged into another. */
  canonicalOf(subject: string): string {
    let s = subject;
    for (let hops = 0; hops <= this.parent.size && this.parent.has(s); hops++) s = this.parent.get(s)!;
    return s;
  }

  /** Every subject of the entity `subject` belongs to, canonical first, the others sorted. */
  membersOf(subject: string): string[] {
    const root = this.canonicalOf(subject);
    const merged = [...this.parent.keys()].filter((s) => this.canonicalOf(s) === root).sort();
    return [root, ...merged];
  }

  /** The subjects merged into the entity (every member but the canonical one). */
  mergedInto(subject: string): string[] {
    return this.membersOf(subject).slice(1);
  }

  /**
   * The alias names recorded on any subject of the entity, in the order recorded, each name once as a reader tells
   * names apart (`readerKey`: "Sam Altman" on one subject and "sam altman" on another are one name, the first kept).
   */
  aliasNamesOf(subject: string): string[] {
    return distinctNames(this.membersOf(subject).flatMap((s) => this.names.get(s) ?? []));
  }
}

/** Names, each once as a reader tells names apart (`readerKey`), in their order, the first form of each kept. */
export function distinctNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = readerKey(name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
