import type { NextFunction, Request, Response } from 'express';

/** The paths that take a read key as `?key=`: the SSE stream, and the WebSocket (whose plain GET answers 426). */
const KEY_PATHS = new Set(['/v1/feed/stream', '/v1/feed/ws']);

/** The path as Express routes it: letter case and trailing slashes do not matter (non-strict, case-insensitive). */
const routed = (pathname: string) => pathname.toLowerCase().replace(/\/+$/, '');

/**
 * Takes the read key out of a URL: every query parameter named `key` in any letter case. Answers the first key
 * found (null when none) and the URL without them.
 */
export function takeKeyParam(url: string): { key: string | null; url: string } {
  const parsed = new URL(url, 'http://query.local');
  let key: string | null = null;
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (name.toLowerCase() !== 'key') continue;
    key ??= parsed.searchParams.get(name);
    parsed.searchParams.delete(name);
  }
  return key === null ? { key, url } : { key, url: parsed.pathname + parsed.search };
}

/**
 * EventSource cannot send headers, so the SSE stream also takes a read key as `?key=`. This runs before the
 * request logger and the API-key guard: the key moves to X-API-Key (checked like any key, redacted in logs) and
 * leaves the URL, so the secret is never logged. Every form Express routes to the stream counts
 * (`/v1/feed/stream/`, `/V1/Feed/Stream`, `?KEY=`); other URLs are left alone and the logger's serializer
 * redacts key parameters there. Mounted first in main.ts.
 * The WebSocket's URL takes the key too (FeedWsGateway moves it on an upgrade); a plain GET of it with a good key is
 * told to upgrade (426) like one where reads need no key, not refused 401 for a key it carried.
 */
export function feedKeyParam(req: Request, _res: Response, next: NextFunction): void {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q !== -1 && /key/i.test(url.slice(q)) && KEY_PATHS.has(routed(url.slice(0, q)))) {
    const taken = takeKeyParam(url);
    if (taken.key !== null) {
      if (!req.headers.authorization && !req.headers['x-api-key']) req.headers['x-api-key'] = taken.key;
      req.url = taken.url;
      req.originalUrl = req.url;
    }
  }
  next();
}
