import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { redactUrl, requestLogMiddleware } from './logging.module';

describe('redactUrl (what the request logger writes)', () => {
  it.each([
    ['/v1/feed/stream?key=s3cret', '/v1/feed/stream?key=[Redacted]'],
    ['/v1/feed/stream/?KEY=s3cret&after=5', '/v1/feed/stream/?KEY=[Redacted]&after=5'],
    ['/V1/Feed/Stream?types=a&Key=s3cret#x', '/V1/Feed/Stream?types=a&Key=[Redacted]#x'],
    ['/v1/reports/timeline?k%65y=s3cret', '/v1/reports/timeline?k%65y=[Redacted]'],
    ['/v1/feed?api_key=s3cret&token=t&access_token=a', '/v1/feed?api_key=[Redacted]&token=[Redacted]&access_token=[Redacted]'],
    ['/v1/feed?monkey=1&keys=2', '/v1/feed?monkey=1&keys=2'],
    // Near misses of a key's name (t13): the value is a key all the same.
    [
      '/v1/feed?limit=1&key%00=s3cret&key[]=s&key%5B%5D=s&key%20=s&key.=s&x-api-key=s&authorization=s',
      '/v1/feed?limit=1&key%00=[Redacted]&key[]=[Redacted]&key%5B%5D=[Redacted]&key%20=[Redacted]&key.=[Redacted]&x-api-key=[Redacted]&authorization=[Redacted]',
    ],
    ['/v1/feed?key%ff=s3cret', '/v1/feed?key%ff=[Redacted]'],
    ['/v1/feed', '/v1/feed'],
  ])('given %s, then %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});

describe('requestLogMiddleware (the one line of a request)', () => {
  const run = (level: string, req: Record<string, unknown>, status: number) => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const headers: Record<string, string> = {};
    const res = Object.assign(new EventEmitter(), { statusCode: status, headers });
    const setHeader = (k: string, v: string) => void (headers[k] = v);
    const request = { method: 'POST', url: '/v1/events', headers: {}, ...req };
    let nextCalled = false;
    requestLogMiddleware(logger)(request as never, Object.assign(res, { setHeader }) as never, () => (nextCalled = true));
    res.emit('finish');
    return { lines, res, request: request as { id?: string }, nextCalled };
  };

  it('given a client correlation id, then it is the request id, echoed, and kept on the request', () => {
    const { res, request, nextCalled } = run('info', { headers: { 'x-correlation-id': 'corr-1' } }, 201);
    expect(nextCalled).toBe(true);
    expect(res.headers['x-correlation-id']).toBe('corr-1');
    expect(request.id).toBe('corr-1');
  });

  it('given none or an unsafe one, then a new UUID', () => {
    const { res } = run('info', { headers: { 'x-correlation-id': 'bad id\n' } }, 201);
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given a served request at info, then no line; at debug, one line with the few fields', () => {
    expect(run('info', {}, 201).lines).toEqual([]);
    const [line] = run('debug', { originalUrl: '/v1/feed?key=s3cret', method: 'GET', actor: 'k1' }, 200).lines;
    expect(line).toMatchObject({
      level: 20,
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/feed?key=[Redacted]' },
      res: { statusCode: 200 },
      actor: 'k1',
    });
    expect(typeof line.responseTime).toBe('number');
  });

  it('given a 4xx or a 5xx, then a warn or an error line; health probes never', () => {
    expect(run('info', {}, 400).lines.map((l) => l.level)).toEqual([40]);
    expect(run('info', {}, 500).lines.map((l) => [l.level, l.msg])).toEqual([[50, 'request errored']]);
    // A 503 is an expected, retried answer (an outage, a full queue): a warning, not an error.
    expect(run('info', {}, 503).lines.map((l) => [l.level, l.msg])).toEqual([[40, 'request deferred']]);
    expect(run('debug', { url: '/health/ready', method: 'GET' }, 503).lines).toEqual([]);
  });
});
