import { compileFilter, FeedFilter, scopeFeedFilter } from './feed-query.reader';
import { FeedRow } from './feed.repository';
import { FeedBurst, Lang } from './feed-burst.builder';

/** The standing merges, as scopeFeedFilter reads them. */
type EntityScope = Parameters<typeof scopeFeedFilter>[1];

/**
 * Subscribers with the same language and filter. A broadcast is matched against the filter and encoded once per
 * group, not once per subscriber; the compiled filter is shared too, so a subscriber adds no sets of its own.
 */
export class FeedGroup<M> {
  readonly members = new Set<M>();
  private matches: ReturnType<typeof compileFilter>;

  constructor(
    readonly key: string,
    /** The filter as the clients gave it; what is matched is its scope (each subject standing for its entity). */
    readonly filter: FeedFilter,
    readonly lang: Lang,
    graph: EntityScope,
  ) {
    this.matches = compileFilter(scopeFeedFilter(filter, graph));
  }

  /** A merge or unmerge changed the entities: match against the new scope from the next item on. */
  rescope(graph: EntityScope): void {
    this.matches = compileFilter(scopeFeedFilter(this.filter, graph));
  }

  /** The items of a broadcast this group takes, encoded on demand; null when none matches. */
  burst(items: readonly FeedRow[]): FeedBurst | null {
    const matched = items.filter(this.matches);
    return matched.length ? new FeedBurst(matched, this.lang) : null;
  }
}

/** The groups of one hub, keyed by language and filter (lists in any order and repetition are the same filter). */
export class FeedGroups<M> {
  private readonly groups = new Map<string, FeedGroup<M>>();

  static keyOf(filter: FeedFilter, lang: Lang): string {
    const list = (values: string[] | null) => (values ? [...new Set(values)].sort() : null);
    return JSON.stringify([lang, list(filter.types), list(filter.subjects), filter.organization ?? null]);
  }

  get size(): number {
    return this.groups.size;
  }

  join(member: M, filter: FeedFilter, lang: Lang, graph: EntityScope): FeedGroup<M> {
    const key = FeedGroups.keyOf(filter, lang);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new FeedGroup<M>(key, filter, lang, graph)));
    group.members.add(member);
    return group;
  }

  leave(member: M, group: FeedGroup<M>): void {
    group.members.delete(member);
    if (group.members.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  values(): IterableIterator<FeedGroup<M>> {
    return this.groups.values();
  }
}
