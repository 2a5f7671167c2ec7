import { useEffect, useState } from 'preact/hooks';
import { getJson, onPartialReadModels, partialReadModels } from './api';

/**
 * Loads a report whenever its URL or the refresh counter changes; keeps the last answer while the next loads. The
 * error is kept as thrown: the panel words it in the page's language (errorText).
 */
export function useReport<T>(url: string | null, refresh: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (!url) return;
    const abort = new AbortController();
    getJson<T>(url, abort.signal).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: Error) => {
        if (e.name !== 'AbortError') setError(e);
      },
    );
    return () => abort.abort();
  }, [url, refresh]);
  return { data, error };
}

/** The read models whose history is still being folded in, as the reports on the page last said (Newsroom-Partial). */
export function usePartialReadModels(): string[] {
  const [names, setNames] = useState<string[]>(partialReadModels());
  useEffect(() => onPartialReadModels(setNames), []);
  return names;
}
