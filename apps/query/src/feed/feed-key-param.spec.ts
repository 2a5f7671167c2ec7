import type { NextFunction, Request, Response } from 'express';
import { feedKeyParam, takeKeyParam } from './feed-key-param.middleware';

const run = (url: string, headers: Record<string, string> = {}) => {
  const req = { url, originalUrl: url, headers: { ...headers } } as unknown as Request;
  const next = jest.fn() as NextFunction;
  feedKeyParam(req, {} as Response, next);
  expect(next).toHaveBeenCalledTimes(1);
  return req;
};

describe('feedKeyParam: ?key= leaves every URL Express routes to the SSE stream or the WebSocket', () => {
  it.each([
    ['/v1/feed/ws?key=K', '/v1/feed/ws'],
    ['/V1/Feed/Ws/?KEY=K&after=3', '/V1/Feed/Ws/?after=3'],
    ['/v1/feed/stream?key=K', '/v1/feed/stream'],
    ['/v1/feed/stream/?key=K&after=3', '/v1/feed/stream/?after=3'],
    ['/V1/Feed/Stream?key=K', '/V1/Feed/Stream'],
    ['/v1/feed/stream?KEY=K', '/v1/feed/stream'],
    ['/v1/feed/stream?after=1&Key=K&key=other', '/v1/feed/stream?after=1'],
  ])('given %s, then the key is a header and the URL is %s', (url, left) => {
    const req = run(url);
    expect(req.url).toBe(left);
    expect(req.originalUrl).toBe(left);
    expect(req.headers['x-api-key']).toBe('K');
  });

  it('given a key header already, then the header wins and the URL still loses the parameter', () => {
    const req = run('/v1/feed/stream?key=K', { authorization: 'Bearer H' });
    expect(req.url).toBe('/v1/feed/stream');
    expect(req.headers['x-api-key']).toBeUndefined();
  });

  it('given other routes, then they are left alone (the logger redacts their key parameters)', () => {
    expect(run('/v1/feed?key=K').url).toBe('/v1/feed?key=K');
    expect(run('/v1/feed/streams?key=K').url).toBe('/v1/feed/streams?key=K');
    expect(run('/v1/feed/wss?key=K').url).toBe('/v1/feed/wss?key=K');
  });

  it('takeKeyParam strips every letter case and keeps the rest', () => {
    expect(takeKeyParam('/v1/feed/ws?KEY=K&after=2')).toEqual({ key: 'K', url: '/v1/feed/ws?after=2' });
    expect(takeKeyParam('/v1/feed/ws?after=2')).toEqual({ key: null, url: '/v1/feed/ws?after=2' });
  });
});
