// The steps of the "What we knew at" slider: every instant the newsroom recorded something, read from the feed's
// history page by page. The feed is append-only by position, so one walk reads it once: a refresh while it runs
// asks it to read on from where it is when it gets there, never to start again, and each page's instants are
// handed to the slider as soon as they are read (a long feed under steady writes is usable from its first page).

/** Items per page of the walk: the history's largest page. */
export const WALK_PAGE = 1000;

/** What the newsroom recorded at one instant: the first item's position and how many items it recorded then. */
export interface StepItems {
  position: string;
  count: number;
}

export interface FeedWalk {
  /** The last position read: the next page starts after it. */
  after: string;
  /** Every instant read so far, with what was recorded then (a step of the slider says it). */
  steps: Map<string, StepItems>;
  /** The walk reached the end of the feed once (everything recorded before it started is among `seen`). */
  complete: boolean;
  running: boolean;
  /** A refresh came while the walk ran: read on once more at its end (live items extend the feed). */
  again: boolean;
}

export const newWalk = (): FeedWalk => ({ after: '0', steps: new Map(), complete: false, running: false, again: false });

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
        const before = walk.steps.size;
        for (const item of page.items) {
          const step = walk.steps.get(item.recordedAt);
          if (step) step.count++;
          else walk.steps.set(item.recordedAt, { position: item.position, count: 1 });
          walk.after = item.position;
        }
        const end = page.items.length < WALK_PAGE;
        const first = end && !walk.complete;
        if (end) walk.complete = true;
        if (walk.steps.size !== before || first) publish([...walk.steps.keys()].sort(), walk.complete);
        if (end) break;
      }
    } while (walk.again);
  } finally {
    walk.running = false;
  }
}

/**
 * Whether the step at `i` shares its second with a step beside it (a batch and the item after it, recorded 40 ms
 * apart): its label then says the milliseconds, or two steps would read alike.
 */
export const sharesSecond = (instants: readonly string[], i: number): boolean =>
  [instants[i - 1], instants[i + 1]].some((other) => other !== undefined && other.slice(0, 19) === instants[i]?.slice(0, 19));
