// A report's CSV, as the panel shows it: the same query as a file, with the byte-order mark Excel reads UTF-8 by
// (`bom=true`: without it Excel shows "gÃ©nÃ©rale" for "générale").
import { useState } from 'preact/hooks';
import { readKey } from './api';
import { t, type Lang } from './i18n';

/**
 * The CSV of a report URL the page asks as JSON: its filters and language kept, `format=csv&bom=true`, and the largest
 * page (1,000 rows; the API's CSV sends the next page's cursor in a header a link cannot follow).
 * @public Read by its unit test too (through esbuild).
 */
export function csvHref(path: string): string {
  const [base, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  params.set('format', 'csv');
  params.set('bom', 'true');
  params.set('limit', '1000');
  return `${base}?${params.toString()}`;
}

/** Saves a fetched file under the name its answer gives (Content-Disposition), as the link would. */
function save(blob: Blob, disposition: string | null): void {
  const name = /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? 'report.csv';
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A link to the report's CSV. A read key goes in a header (X-API-Key), which a link cannot send: with one saved the
 * file is fetched with it and saved from the page, and a refusal is said beside the link.
 */
export function CsvLink(props: { lang: Lang; path: string; what: string }) {
  const { lang, path, what } = props;
  const [failed, setFailed] = useState<number | null>(null);
  const href = csvHref(path);
  const onClick = async (e: MouseEvent) => {
    const key = readKey();
    if (!key) return;
    e.preventDefault();
    const res = await fetch(href, { headers: { accept: 'text/csv', 'x-api-key': key } }).catch(() => null);
    setFailed(res?.ok ? null : (res?.status ?? 0));
    if (res?.ok) save(await res.blob(), res.headers.get('content-disposition'));
  };
  return (
    <p class="csv-link">
      <a href={href} download title={t(lang, 'csv.title')} onClick={onClick}>
        {t(lang, 'csv.link')}
        <span class="sr-only">{t(lang, 'csv.for', { what })}</span>
      </a>
      {failed !== null && (
        <span role="alert" class="error">
          {' '}
          {t(lang, 'csv.failed', { status: failed || '?' })}
        </span>
      )}
    </p>
  );
}
