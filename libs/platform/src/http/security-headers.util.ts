import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** The JSON API: nothing may be loaded, framed or run from a response. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The Swagger UI page: its own scripts, stylesheet (plus its inline <style>), images and API calls, nothing else. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const CORS_HEADERS = 'Authorization, Content-Type, X-Api-Key, Idempotency-Key, Last-Event-ID, If-None-Match';
const CORS_EXPOSE =
  'Retry-After, Location, ETag, Link, X-Request-Id, X-Next-Cursor, Newsroom-Position, Newsroom-Partial, Content-Disposition, ' +
  'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset';
/** /docs, /docs/..., /docs?...: the Swagger page and its assets. */
const DOCS_PATH = /^\/docs(?:[/?]|$)/;

/**
 * Security headers on every response (a few lines instead of helmet: four fixed headers, no new dependency), and
 * CORS closed unless the Origin is in NEWSROOM_CORS_ORIGINS: only then are the Access-Control headers set; any
 * other Origin gets no CORS header, so a browser keeps the response from the page.
 *
 * Adapter-neutral: it writes on Node's response (Express's `res`, Fastify's `reply.raw`; Fastify merges those
 * headers with its own when it writes the head). Returns true for a CORS preflight from a listed Origin, which the
 * caller answers with 204 and nothing else.
 */
export function securityHeaders(corsOrigins: readonly string[]) {
  const allowed = new Set(corsOrigins);
  const vary = allowed.size > 0;
  return (req: { method?: string; url?: string; headers: IncomingHttpHeaders }, res: ServerResponse): boolean => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', DOCS_PATH.test(req.url ?? '') ? DOCS_CSP : API_CSP);
    // Answers are the read models' state at one position, and some need a key: a cache (a browser's, a proxy's) may
    // keep them but must ask again each time (ETag, 304), so a key is checked and the freshness headers are current.
    // Routes with a policy of their own (the dashboard's assets, the streams) set theirs over it.
    res.setHeader('Cache-Control', 'no-cache');
    if (vary) res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE);
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    return true;
  };
}
