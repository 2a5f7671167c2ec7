import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, probeFeed, streamUrl } from './api';
import type { FeedItem } from './types';

/** `refused`: the API said no to these filters (a 400); retrying cannot help until they change. */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'refused';

export interface FeedFilters {
  types?: string;
  subjects?: string;
  organization?: string;
  lang: 'en' | 'fr';
}

/** A timeline row: the event, plus the amendments that changed it since (applied in place). */
export interface Row {
  item: FeedItem;
  status: FeedItem['status'];
  amendments: FeedItem[];
}

/** Manual reconnect delays when the browser's own EventSource retry gives up (a refused or failed response). */
const BACKOFF_MS = [1000, 2000, 5000, 10000, 20000];
const MAX_ROWS = 500;
/**
 * Items are applied to the rows at most this often, each burst in one render: a stream resumed from position 0 replays
 * the whole history (thousands of items), and a render per item (500 rows each) froze the page for minutes (t29).
 */
const APPLY_EVERY_MS = 100;

/**
 * Applies one feed item to the rows: an amendment (event.corrected / event.retracted) or an attached source
 * (event.sourced, which carries the target's new corroboration) updates the row of its target when that row is shown, and is a row of its own otherwise; anything else is appended. Positions only
 * grow on one stream, and an item already seen (a resume overlap) is ignored.
 */
function applyItem(rows: Row[], item: FeedItem): Row[] {
  const next = placeItem(rows, item);
  return next === rows || !item.conflictUpdates?.length ? next : applyConflictUpdates(next, item.conflictUpdates);
}

/** A conflict opened or closed: the rows of its two facts gain or lose its id (their marker follows). */
function applyConflictUpdates(rows: Row[], updates: NonNullable<FeedItem['conflictUpdates']>): Row[] {
  return rows.map((r) => {
    const mine = updates.filter((u) => u.eventIds.includes(r.item.eventId));
    if (!mine.length) return r;
    let ids = r.item.conflictsWith ?? [];
    for (const u of mine)
      ids = u.change === 'opened' ? [...ids.filter((id) => id !== u.conflictId), u.conflictId] : ids.filter((id) => id !== u.conflictId);
    return { ...r, item: { ...r.item, conflictsWith: ids } };
  });
}

function placeItem(rows: Row[], item: FeedItem): Row[] {
  if (rows.some((r) => r.item.position === item.position || r.amendments.some((a) => a.position === item.position))) return rows;
  if (item.targetEventId && (item.targetStatus || item.type === 'event.sourced')) {
    const i = rows.findIndex((r) => r.item.eventId === item.targetEventId);
    if (i !== -1) {
      const next = rows.slice();
      const target =
        item.type === 'event.sourced' && item.corroboration ? { ...rows[i].item, corroboration: item.corroboration } : rows[i].item;
      next[i] = { ...rows[i], item: target, status: item.targetStatus ?? rows[i].status, amendments: [...rows[i].amendments, item] };
      return next;
    }
  }
  const next = [...rows, { item, status: item.status, amendments: [] }];
  return next.length > MAX_ROWS ? next.slice(next.length - MAX_ROWS) : next;
}

/**
 * The live feed over SSE: history from position 0, then live. EventSource reconnects by itself and sends
 * Last-Event-ID (the server's `id:` is the global position); when it gives up (closed), we reconnect with
 * `after=<last position>` after a backoff. Changing the filters starts over; a new read key resumes.
 */
export function useFeed(filters: FeedFilters, keyVersion: number) {
  const [rows, setRows] = useState<Row[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [closeReason, setCloseReason] = useState<string | null>(null);
  /** The stream's `event: status`: new items are late (the broker down, the pipeline behind) while true. */
  const [delayed, setDelayed] = useState(false);
  /** Why the API refused the filters (its 400's fields and messages, in English), while they are the ones shown. */
  const [refusal, setRefusal] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const last = useRef('0');
  const shown = useRef('');
  const shownRows = useRef<Row[]>([]);
  shownRows.current = rows;

  useEffect(() => {
    // New filters or language: start over from the beginning. A new key only reconnects, from the last position.
    const filterKey = JSON.stringify(filters);
    if (filterKey !== shown.current) {
      shown.current = filterKey;
      setRows([]);
      last.current = '0';
    }
    let source: EventSource | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let stopped = false;
    let refused = false;
    const probe = new AbortController();
    setRefusal(null);
    const streamFilters = { types: filters.types, subjects: filters.subjects, organization: filters.organization, lang: filters.lang };

    const open = () => {
      if (stopped) return;
      setConnection(attempt === 0 ? 'connecting' : 'reconnecting');
      source = new EventSource(streamUrl({ ...streamFilters, status: 'true' }, last.current));
      source.onopen = () => {
        attempt = 0;
        setConnection('live');
        setCloseReason(null);
      };
      source.onmessage = (e) => {
        const item = JSON.parse(e.data) as FeedItem;
        last.current = e.lastEventId || item.position;
        pending.push(item);
        applyTimer ??= window.setTimeout(applyPending, APPLY_EVERY_MS);
      };
      // Asked with status=true: the stream opens with the current status and sends each change (README, live feed).
      source.addEventListener('status', (e) => {
        const data = JSON.parse((e as MessageEvent).data ?? '{}') as { delayed?: unknown };
        setDelayed(data.delayed === true);
      });
      source.addEventListener('close', (e) => {
        const data = JSON.parse((e as MessageEvent).data ?? '{}');
        setCloseReason(data.code ?? null);
      });
      source.onerror = () => {
        if (!source) return;
        if (source.readyState === EventSource.CONNECTING) {
          setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
          return;
        }
        // Closed for good by the browser (an error status such as 400, 401 or 429). EventSource cannot read why: the
        // same filters asked of the history can. A 400 will be a 400 again until the filters change, so the page says
        // the API's reason and stops; anything else (a key, a limit, the network) is retried, later.
        source.close();
        source = null;
        setConnection('offline');
        const retry = () => {
          if (!stopped) timer = window.setTimeout(open, BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]);
        };
        probeFeed(streamFilters, last.current, probe.signal).then(retry, (e: unknown) => {
          if (stopped) return;
          if (e instanceof ApiError && e.status === 400) {
            refused = true;
            setConnection('refused');
            setRefusal(e.reason);
          } else retry();
        });
      };
    };

    // A correction's sources count for the fact it corrects, but its feed item carries its own entries: the shown row
    // of the target is read again (the feed's row for it holds the merged count once the correction is in).
    const refreshOutlets = (targetEventId: string, subject: string) => {
      const target = shownRows.current.find((r) => r.item.eventId === targetEventId);
      if (!target) return;
      const after = String(BigInt(target.item.position) - 1n);
      getJson<{ items: FeedItem[] }>(`/v1/feed?subjects=${encodeURIComponent(subject)}&after=${after}&limit=1`).then(
        ({ items: [fresh] }) => {
          if (stopped || fresh?.eventId !== targetEventId || !fresh.corroboration) return;
          setRows((rs) =>
            rs.map((r) => (r.item.eventId === targetEventId ? { ...r, item: { ...r.item, corroboration: fresh.corroboration } } : r)),
          );
        },
        () => undefined, // the count stays as it was until the next load
      );
    };

    // The items received since the last render, applied together (the position they resume from is already past them).
    let pending: FeedItem[] = [];
    let applyTimer: number | undefined;
    const applyPending = () => {
      window.clearTimeout(applyTimer);
      applyTimer = undefined;
      const items = pending;
      pending = [];
      if (!items.length) return;
      setRows((rs) => items.reduce(applyItem, rs));
      setVersion((v) => v + 1);
      const corrected = items.filter((i) => i.type === 'event.corrected' && i.sources.length && i.targetEventId);
      // Once the rows are rendered: a correction's target may have arrived in the same burst.
      if (corrected.length) window.setTimeout(() => corrected.forEach((i) => !stopped && refreshOutlets(i.targetEventId!, i.subject)));
    };

    const goneOffline = () => refused || setConnection('offline');
    // Back online: a stream the browser kept open through the outage is live again (it said Offline for good, t32);
    // one still reconnecting is left to the browser; one given up is opened again now.
    const backOnline = () => {
      if (refused) return;
      if (source) {
        if (source.readyState === EventSource.OPEN) setConnection('live');
        else if (source.readyState === EventSource.CONNECTING) setConnection('reconnecting');
        return;
      }
      window.clearTimeout(timer);
      open();
    };
    window.addEventListener('offline', goneOffline);
    window.addEventListener('online', backOnline);
    open();
    return () => {
      // What arrived stays applied (a new key resumes after it; new filters empty the rows next).
      applyPending();
      stopped = true;
      probe.abort();
      window.clearTimeout(timer);
      source?.close();
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
    };
  }, [filters.types, filters.subjects, filters.organization, filters.lang, keyVersion]);

  return { rows, connection, closeReason, refusal, version, delayed };
}
