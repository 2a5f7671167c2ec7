import { EntityGraph, EntityLinkRow } from '@newsroom/projections';

/** The fields of a feed item that can move a merge. */
interface LinkItem {
  type: string;
  subject: string;
  position: string;
  data: unknown;
}

/**
 * The merges standing now, kept in step with the live feed: loaded once the tail runs, then moved by the
 * entity.merged and entity.unmerged items the tail hands over in position order, so a live subscription's subjects
 * and organization widen (or narrow) at the very item that merges (or unmerges) them. Applying an item twice, or
 * one the load already saw, changes nothing.
 */
export class LiveEntityLinks {
  /** The only item types that move the merges (the tail reads these even when no one subscribes). */
  static readonly TYPES = ['entity.merged', 'entity.unmerged'] as const;
  private merges = new Map<string, EntityLinkRow>();
  private cached: EntityGraph | null = null;

  reset(rows: readonly EntityLinkRow[]): void {
    this.merges = new Map(rows.filter((r) => r.link === 'merge').map((r) => [r.subject, r]));
    this.cached = null;
  }

  /** True when the item changed the standing merges. */
  apply(item: LinkItem): boolean {
    const data = (item.data ?? {}) as { into?: unknown; from?: unknown };
    const standing = this.merges.get(item.subject);
    if (item.type === 'entity.merged' && typeof data.into === 'string' && standing?.target !== data.into) {
      this.merges.set(item.subject, { subject: item.subject, link: 'merge', target: data.into, linked_position: item.position });
    } else if (item.type === 'entity.unmerged' && standing && standing.target === data.from) {
      this.merges.delete(item.subject);
    } else {
      return false;
    }
    this.cached = null;
    return true;
  }

  graph(): EntityGraph {
    this.cached ??= new EntityGraph([...this.merges.values()]);
    return this.cached;
  }
}
