import { RouteMethods } from './route-methods.util';

describe('RouteMethods: which methods a path takes', () => {
  const routes = new RouteMethods();
  routes.add('POST', '/v1/events');
  routes.add(['GET', 'HEAD'], '/v1/events/:id');
  routes.add('POST', '/v1/events/:id/corrections');
  routes.add('GET', '/v1/feed.atom');
  routes.add('GET', '/dashboard/:file');

  it('names the methods of every route matching the path, HEAD wherever GET is, the query ignored', () => {
    expect(routes.allowed('/v1/events')).toEqual(['POST']);
    expect(routes.allowed('/v1/events/')).toEqual(['POST']);
    expect(routes.allowed('/v1/events/0193b7f0-0000-7000-8000-000000000001?x=1')).toEqual(['GET', 'HEAD']);
    expect(routes.allowed('/v1/events/abc/corrections')).toEqual(['POST']);
    expect(routes.allowed('/v1/feed.atom')).toEqual(['GET', 'HEAD']);
    expect(routes.allowed('/dashboard/app.js')).toEqual(['GET', 'HEAD']);
  });

  it('is empty for a path no route takes: a param is one whole segment, never an empty one or several', () => {
    expect(routes.allowed('/v1/nothing')).toEqual([]);
    expect(routes.allowed('/v1/events/a/b')).toEqual([]);
    expect(routes.allowed('/v1/events//corrections')).toEqual([]);
    expect(routes.allowed('/dashboard')).toEqual([]);
    expect(routes.allowed('/v1/feed%2Eatom')).toEqual(['GET', 'HEAD']);
    expect(routes.allowed('/v1/%E0%A4%A')).toEqual([]);
  });
});
