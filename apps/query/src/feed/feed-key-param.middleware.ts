import type { NextFunction, Request, Response } from 'express';

const STREAM_PATH = '/v1/feed/stream';

/**
 * EventSource cannot send headers, so the SSE stream also takes a read key as `?key=`. This runs before the
 * request logger and the API-key guard: the key moves to X-API-Key (checked like any key, redacted in logs) and
 * leaves the URL, so the secret is never logged. Mounted first in main.ts.
 */
export function feedKeyParam(req: Request, _res: Response, next: NextFunction): void {
  const url = req.url ?? '';
  if (url.startsWith(`${STREAM_PATH}?`) && url.includes('key=')) {
    const parsed = new URL(url, 'http://query.local');
    const key = parsed.searchParams.get('key');
    if (parsed.pathname === STREAM_PATH && key !== null) {
      parsed.searchParams.delete('key');
      if (!req.headers.authorization && !req.headers['x-api-key']) req.headers['x-api-key'] = key;
      req.url = parsed.pathname + parsed.search;
      req.originalUrl = req.url;
    }
  }
  next();
}
