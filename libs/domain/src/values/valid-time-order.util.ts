/**
 * A dated item's place in valid time: its period [start, end) in epoch milliseconds (undated: both -Infinity), the
 * order it was recorded in, and whether it counts (a case's step that sets its status: not denied, not a rumour).
 */
export interface ValidTimePlace {
  start: number;
  end: number;
  order: number;
  counts: boolean;
}

/**
 * Whether `b` surely happened after `a`: `a`'s period ends before `b`'s starts. Two periods that overlap (one holds
 * the other, or they share a stretch) are in no order by their dates: "2025" is neither before nor after 2025-03.
 * Undated items come before every dated one.
 */
export const surelyAfter = (b: ValidTimePlace, a: ValidTimePlace): boolean => a.end <= b.start && a.start < b.start;

interface Placed<T> extends ValidTimePlace {
  item: T;
}

/**
 * Builds the order from its end: the last is the latest recorded of the items no other remaining item is surely after
 * (and that `eligible`, asked once a round, lets go last), again and again. An item is surely before some remaining
 * item exactly when it is surely before the one that starts last, so a round is one pass: O(n^2) in all.
 */
function fromTheEnd<T>(rest: Placed<T>[], eligible: (rest: Placed<T>[]) => (p: Placed<T>) => boolean = () => () => true): Placed<T>[] {
  const reversed: Placed<T>[] = [];
  while (rest.length) {
    let latestStart = -Infinity;
    for (const p of rest) if (p.start > latestStart) latestStart = p.start;
    const mayGoLast = eligible(rest);
    let last = -1;
    for (let i = 0; i < rest.length; i += 1) {
      const p = rest[i];
      const beforeAnother = p.end <= latestStart && p.start < latestStart;
      if (!beforeAnother && mayGoLast(p) && (last < 0 || p.order > rest[last].order)) last = i;
    }
    // Surely-after is a strict order, so some item always has none after it; -1 would be a bug, not data.
    reversed.push(...rest.splice(last < 0 ? 0 : last, 1));
  }
  return reversed.reverse();
}

/**
 * Items in valid-time order: an item comes after every item its date is surely after, and items the dates do not
 * order (overlapping periods) keep the order they were recorded in where they can. Built from the end, the last item
 * is the latest recorded of those no other item is surely after, so a case's current status (the last counting step)
 * is one SQL can pick too. The counting items are ordered among themselves first, and the others (denied steps,
 * unconfirmed rumours) placed around them in valid time, so the counting items keep that order whatever the others.
 */
export function inValidTimeOrder<T>(items: readonly T[], place: (item: T) => ValidTimePlace): T[] {
  const placed: Placed<T>[] = items.map((item) => ({ item, ...place(item) }));
  const counting = fromTheEnd(placed.filter((p) => p.counts));
  const rank = new Map(counting.map((p, i) => [p, i]));
  // A counting item may go last only when it is the last of the counting ones still to place.
  const order = fromTheEnd(placed, (rest) => {
    let lastCounting = -1;
    for (const p of rest) lastCounting = Math.max(lastCounting, rank.get(p) ?? -1);
    return (p) => !p.counts || rank.get(p) === lastCounting;
  });
  return order.map((p) => p.item);
}
