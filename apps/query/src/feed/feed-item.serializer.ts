import { FeedItemRow } from '@newsroom/projections';
import { toFeedItemDto } from './feed-item.dto';

// The tail hands the same row object to every subscriber: serialise it once per language, not once per client.
const cache = new WeakMap<FeedItemRow, { en?: string; fr?: string }>();

/** The item's JSON in that language, computed at most once per row object (history rows are fresh objects). */
export function feedItemJson(row: FeedItemRow, lang: 'en' | 'fr'): string {
  let entry = cache.get(row);
  if (!entry) cache.set(row, (entry = {}));
  return (entry[lang] ??= JSON.stringify(toFeedItemDto(row, lang)));
}
