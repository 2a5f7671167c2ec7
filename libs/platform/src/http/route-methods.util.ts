/**
 * Which methods a path takes, from the routes an app registered: a request whose path exists under other methods is
 * answered 405 with `Allow` (RFC 9110 15.5.6), not 404 as if the resource did not exist (`PUT /v1/events` says "use
 * POST"). Routes are patterns of literal segments and `:param` segments (each one segment, as both routers match
 * them); Nest registers them on Express or Fastify, and `collectExpressRoutes` or the Fastify `onRoute` hook hands
 * them here.
 */
export class RouteMethods {
  private readonly routes: Array<{ segments: string[]; methods: Set<string> }> = [];

  add(methods: string | readonly string[], path: string): void {
    const segments = splitPath(path);
    const known = this.routes.find((r) => r.segments.length === segments.length && r.segments.every((s, i) => s === segments[i]));
    const route = known ?? { segments, methods: new Set<string>() };
    if (!known) this.routes.push(route);
    for (const m of [methods].flat()) route.methods.add(m.toUpperCase());
  }

  /** The methods some route takes at this path (its query ignored), HEAD wherever GET is; [] when none matches. */
  allowed(url: string): string[] {
    const path = splitPath(url.split('?')[0]);
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.segments.length !== path.length) continue;
      if (!route.segments.every((s, i) => (s.startsWith(':') ? path[i] !== '' : s === path[i]))) continue;
      for (const m of route.methods) methods.add(m);
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed
    .split('/')
    .slice(1)
    .map((segment) => {
      try {
        return segment.startsWith(':') ? segment : decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

/** Express 5's routes, once Nest has registered them (after `init`). */
export function collectExpressRoutes(instance: unknown, into: RouteMethods): void {
  const app = instance as { router?: { stack?: unknown[] }; _router?: { stack?: unknown[] } };
  const stack = (app.router ?? app._router)?.stack ?? [];
  for (const layer of stack as Array<{ route?: { path?: unknown; methods?: Record<string, boolean> } }>) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string' || !route.methods) continue;
    const methods = Object.keys(route.methods).filter((m) => route.methods![m] && m !== '_all');
    if (methods.length) into.add(methods, route.path);
  }
}

const ROUTE_METHODS = Symbol.for('newsroom.routeMethods');

/** Keeps an app's routes on its HTTP server, where the problem filter finds them from a request's socket. */
export function attachRouteMethods(server: object, routes: RouteMethods): void {
  (server as { [ROUTE_METHODS]?: RouteMethods })[ROUTE_METHODS] = routes;
}

/** The routes of the app that accepted this request (Express's request or Fastify's, whose `raw` is Node's). */
export function routeMethodsOf(request: unknown): RouteMethods | undefined {
  const req = request as { raw?: { socket?: { server?: object } }; socket?: { server?: object } };
  const server = (req.raw?.socket ?? req.socket)?.server as { [ROUTE_METHODS]?: RouteMethods } | undefined;
  return server?.[ROUTE_METHODS];
}
