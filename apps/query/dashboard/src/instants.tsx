// The steps of the "What we knew at" slider: every instant the newsroom recorded something, read from the feed's
// history page by page. The feed is append-only by position, so one walk reads it once: a refresh while it runs
// asks it to read on from where it is when it gets there, never to start again, and each page's instants are
// handed to the slider as soon as they are read (a long feed under steady writes is usable from its first page).

/** Items per page of the walk: the history's largest page. */
export const WALK_PAGE = 1000;

export interface FeedWalk {
  /** The last position read: the next page starts after it. */
  after: string;
  seen: Set<string>;
  /** The walk reached the end of the feed once (everything recorded before it started is among `seen`). */
  complete: boolean;
  running: boolean;
  /** A refresh came while the walk ran: read on once more at its end (live items extend the feed). */
  again: boolean;
}

export const newWalk = (): FeedWalk => ({ after: '0', seen: new Set(), complete: false, running: false, again: false });

type Page = { items: Array<{ position: string; recordedAt: string }> };

/**
 * Reads the feed after `walk.after` to its end, calling `publish` with every instant found so far after each page that
 * added one (and when the end is first reached). Called while it runs, it only asks the running walk to go on: one
 * walk at a time, so no page is read twice and the position moves once per page. A page that fails ends the walk
 * with its error; the next call resumes from the last page read.
 */
export async function walkFeed(
  walk: FeedWalk,
  fetchPage: (after: string) => Promise<Page>,
  publish: (instants: string[], complete: boolean) => void,
): Promise<void> {
  if (walk.running) {
    walk.again = true;
    return;
  }
  walk.running = true;
  try {
    do {
      walk.again = false;
      for (;;) {
        const page = await fetchPage(walk.after);
        const before = walk.seen.size;
        for (const item of page.items) {
          walk.seen.add(item.recordedAt);
          walk.after = item.position;
        }
        const end = page.items.length < WALK_PAGE;
        const first = end && !walk.complete;
        if (end) walk.complete = true;
        if (walk.seen.size !== before || first) publish([...walk.seen].sort(), walk.complete);
        if (end) break;
      }
    } while (walk.again);
  } finally {
    walk.running = false;
  }
}
