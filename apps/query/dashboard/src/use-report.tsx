import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, onPartialReadModels, partialReadModels, retryable } from './api';

/** How long a failed report waits before it is asked again (the last one repeats), unless the browser comes online. */
const RETRY_MS = [2000, 5000, 10000, 20000];

/**
 * Loads a report whenever its URL or the refresh counter changes; keeps the last answer while the next loads. The
 * error is kept as thrown: the panel words it in the page's language (errorText). A failure that asking again may
 * mend (no answer, a 5xx, a 429) is asked again by itself, backing off, and at once when the browser says it is back
 * online: a panel that failed while the network was down stayed failed until the next live item (t32).
 */
export function useReport<T>(url: string | null, refresh: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [retry, setRetry] = useState(0);
  const failures = useRef(0); // in a row: how long the next retry waits
  useEffect(() => {
    if (!url) return;
    const abort = new AbortController();
    let timer: number | undefined;
    const again = () => setRetry((r) => r + 1);
    getJson<T>(url, abort.signal).then(
      (d) => {
        failures.current = 0;
        setData(d);
        setError(null);
      },
      (e: Error) => {
        if (e.name === 'AbortError') return;
        setError(e);
        if (retryable(e)) timer = window.setTimeout(again, RETRY_MS[Math.min(failures.current++, RETRY_MS.length - 1)]);
      },
    );
    window.addEventListener('online', again);
    return () => {
      abort.abort();
      window.clearTimeout(timer);
      window.removeEventListener('online', again);
    };
  }, [url, refresh, retry]);
  return { data, error };
}

/** The read models whose history is still being folded in, as the reports on the page last said (Newsroom-Partial). */
export function usePartialReadModels(): string[] {
  const [names, setNames] = useState<string[]>(partialReadModels());
  useEffect(() => onPartialReadModels(setNames), []);
  return names;
}
