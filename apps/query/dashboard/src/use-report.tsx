import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api';

/** Loads a report whenever its URL or the refresh counter changes; keeps the last answer while the next loads. */
export function useReport<T>(url: string | null, refresh: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    const abort = new AbortController();
    getJson<T>(url, abort.signal).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: Error) => {
        if (e.name !== 'AbortError') setError(e.message);
      },
    );
    return () => abort.abort();
  }, [url, refresh]);
  return { data, error };
}
