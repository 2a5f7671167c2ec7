import { feedQueryParams } from '../feed-query.reader';

/**
 * The Atom feed's parameters: the feed history's filters and language; `limit` is the number of entries (the
 * newest events, newest first). No `after`: a feed reader polls the same URL and compares entry ids and `updated`.
 */
export const atomFeedParams = feedQueryParams.omit({ after: true }).extend({
  limit: feedQueryParams.shape.limit.meta({ description: 'Entries (the newest events), 1..1000, default 100' }),
});

/** The Atom feed's parameters; any other is refused (parseFeedQuery). */
export const ATOM_PARAMS: readonly string[] = Object.keys(atomFeedParams.shape);
