import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';

/** Query parameters that carry secrets (a read key for EventSource and browsers); matched in any letter case. */
const SECRET_PARAMS = new Set(['key', 'apikey', 'api_key', 'api-key', 'token', 'access_token']);
const REDACTED = '[Redacted]';

function isSecretName(encoded: string): boolean {
  try {
    return SECRET_PARAMS.has(decodeURIComponent(encoded.replace(/\+/g, ' ')).toLowerCase());
  } catch {
    return SECRET_PARAMS.has(encoded.toLowerCase());
  }
}

/** A URL as logged: the value of every secret parameter replaced, everything else as it came. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return isSecretName(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash === -1 ? '' : url.slice(hash)}`;
}

function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) out[k] = SECRET_PARAMS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

/** One structured logger per app; request ids are the correlation id the client sent or one we made. */
export function loggingModule(service: string, level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      // Headers are logged lower-cased; a key parameter in the URL or the parsed query is redacted by the serializer.
      redact: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["proxy-authorization"]',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
      ],
      serializers: {
        req: (req: { url?: string; query?: unknown }) => {
          if (typeof req.url === 'string') req.url = redactUrl(req.url);
          if (req.query) req.query = redactQuery(req.query);
          return req;
        },
      },
      genReqId: (req, res) => {
        const given = req.headers['x-correlation-id'];
        const id = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-correlation-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
    },
  });
}
