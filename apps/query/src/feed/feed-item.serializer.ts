import { FeedItemRow } from '@newsroom/projections';
import { toFeedItemDto } from './feed-item.dto';
import type { FeedConflictFields } from './feed-conflicts.mapper';

// The tail hands the same row object to every subscriber: serialise it once per language, not once per client.
const cache = new WeakMap<FeedItemRow & Partial<FeedConflictFields>, { en?: string; fr?: string }>();

/** The item's JSON in that language, computed at most once per row object (history rows are fresh objects). */
export function feedItemJson(row: FeedItemRow & Partial<FeedConflictFields>, lang: 'en' | 'fr'): string {
  let entry = cache.get(row);
  if (!entry) cache.set(row, (entry = {}));
  return (entry[lang] ??= JSON.stringify(toFeedItemDto(row, lang)));
}
