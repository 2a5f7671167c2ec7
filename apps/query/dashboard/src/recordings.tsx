// The "What we knew at" slider's steps: the instants the newsroom recorded something (one walk over the feed,
// instants.tsx), and what each step recorded, in the page's language, so two steps never read alike.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api';
import { spokenHeadline } from './fallback';
import { t, tn, type Lang } from './i18n';
import { newWalk, WALK_PAGE, walkFeed, type FeedWalk, type StepItems } from './instants';
import type { FeedItem } from './types';

export interface Recordings {
  instants: string[];
  /** What was recorded at each instant (read with the instants). */
  steps: ReadonlyMap<string, StepItems>;
  /** The walk has read the whole feed once. */
  complete: boolean;
  /** Why the last page could not be read (the walk resumes from there at the next refresh). */
  error: Error | null;
}

/**
 * The instants the newsroom recorded something: the steps of the "what we knew at" picker. One walk over the feed
 * (instants.tsx): a refresh never restarts it, it reads on from the last position, and the steps found so far are
 * shown after each page, so a long feed under steady writes is usable while the rest is read.
 */
export function useRecordedInstants(refresh: number): Recordings {
  const walk = useRef<FeedWalk>(newWalk());
  const [recordings, setRecordings] = useState<Recordings>({ instants: [], steps: walk.current.steps, complete: false, error: null });
  const abort = useRef(new AbortController());
  useEffect(() => () => abort.current.abort(), []);
  useEffect(() => {
    walkFeed(
      walk.current,
      (after) => getJson<{ items: FeedItem[] }>(`/v1/feed?after=${after}&limit=${WALK_PAGE}`, abort.current.signal),
      (instants, complete) => setRecordings({ instants, steps: walk.current.steps, complete, error: null }),
    ).catch((e: Error) => {
      if (e.name !== 'AbortError') setRecordings((r) => ({ ...r, error: e }));
    });
  }, [refresh]);
  return recordings;
}

/**
 * What the step at `instant` recorded, in `lang`: the headline of its first item, and how many more came with it
 * ("Recorded then: Fidji Simo appointed CEO of Applications at OpenAI and 2 more"); null while it is asked, or for
 * "now". One item read from the feed at the step's first position, asked again when the step or the language changes.
 */
export function useStepAdded(instant: string | null, step: StepItems | undefined, lang: Lang, keyVersion: number): string | null {
  const [added, setAdded] = useState<{ key: string; text: string } | null>(null);
  const key = instant && step ? `${lang}|${instant}|${step.position}|${step.count}` : '';
  useEffect(() => {
    if (!instant || !step) return;
    const request = new AbortController();
    const after = String(BigInt(step.position) - 1n);
    getJson<{ items: FeedItem[] }>(`/v1/feed?after=${after}&limit=1&lang=${lang}`, request.signal).then(
      ({ items: [item] }) => {
        if (request.signal.aborted || !item || item.recordedAt !== instant) return;
        // The fallback in words, as the live announcement says it ("[en]" was dropped here, t32).
        const headline = spokenHeadline(lang, item.headline);
        const what = step.count > 1 ? tn(lang, 'travel.addedMore', step.count - 1, { headline }) : headline;
        setAdded({ key, text: t(lang, 'travel.added', { what }) });
      },
      () => undefined, // the step keeps its instant alone
    );
    return () => request.abort();
  }, [key, keyVersion]);
  return added?.key === key ? added.text : null;
}
