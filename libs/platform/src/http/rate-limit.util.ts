import { CanActivate, ExecutionContext, SetMetadata } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ProblemError } from './problem.errors';

/**
 * Token buckets keyed by a client identity (an API key's digest id, an IP address): `rate` tokens a second up to
 * `burst`; a request takes one. The semantics of @fastify/rate-limit / express-rate-limit with a token bucket
 * instead of a fixed window, so a burst never doubles at a window edge.
 *
 * Cost per request: one Map lookup, a delete + set (the Map stays in least-recently-used order) and arithmetic.
 * Memory is bounded: a bucket that has refilled is the same as no bucket, so idle ones are dropped from the cold
 * end; past `maxTracked` the least recently used is dropped even if not yet full (it would only gain tokens).
 */
export interface TokenBucketOptions {
  /** Tokens added per second; 0 switches the limit off. */
  rate: number;
  /** Most tokens a bucket holds (the burst a client may send at once); at least 1. */
  burst: number;
  /** Most identities tracked at once. */
  maxTracked?: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until a token is available again (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxTracked: number;
  private readonly fullAfterMs: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.maxTracked = options.maxTracked ?? 10_000;
    this.fullAfterMs = options.rate > 0 ? (options.burst / options.rate) * 1000 : 0;
  }

  get enabled(): boolean {
    return this.options.rate > 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  take(id: string, now = Date.now()): TakeResult {
    const { rate, burst } = this.options;
    const found = this.buckets.get(id);
    let tokens = burst;
    if (found) {
      tokens = Math.min(burst, found.tokens + ((now - found.at) / 1000) * rate);
      this.buckets.delete(id); // re-inserted below: the Map's order is least recently used first
    }
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.buckets.set(id, { tokens, at: now });
    this.evict(now);
    return {
      allowed,
      limit: burst,
      remaining: Math.floor(tokens),
      retryAfterMs: allowed ? 0 : Math.ceil(((1 - tokens) / rate) * 1000),
      resetMs: Math.ceil(((burst - tokens) / rate) * 1000),
    };
  }

  /** Drops buckets from the cold end: those idle long enough to be full, and any past the bound. O(1) amortised. */
  private evict(now: number): void {
    for (const [id, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxTracked && now - bucket.at < this.fullAfterMs) return;
      this.buckets.delete(id);
    }
  }
}

/** The 429 a limited client gets: problem+json with Retry-After (whole seconds, at least 1). */
export function tooManyRequests(detail: string, retryAfterMs: number, code = 'RATE_LIMITED'): ProblemError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ProblemError(429, code, 'Too many requests', detail, undefined, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
}

/** Sets the RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers, as express-rate-limit's `draft-6`). */
export function setRateLimitHeaders(res: ServerResponse, result: TakeResult): void {
  if (res.headersSent) return;
  res.setHeader('RateLimit-Limit', String(result.limit));
  res.setHeader('RateLimit-Remaining', String(result.remaining));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(result.resetMs / 1000))));
}

/** The client's address as the socket sees it (no X-Forwarded-For: a proxy in front must do its own limiting). */
export function clientIp(req: { socket?: { remoteAddress?: string } }): string {
  const address = req.socket?.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export const SKIP_RATE_LIMIT = 'newsroom:skip-rate-limit';
/** Health probes and metric scrapes are not counted (readiness is cached; it costs nothing to answer). */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

export interface RateLimitPolicy {
  buckets: TokenBuckets;
  /** Which requests count; all when absent. */
  applies?: (req: LimitedRequest) => boolean;
  /** The identity a request is counted against: the API key's id when there is one, else the client's IP. */
  by: 'key' | 'ip';
  what: string;
}

/** What the guard reads of a request: Express's request and Fastify's both have these. */
export interface LimitedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string };
  actor?: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isWrite = (req: LimitedRequest) => WRITE_METHODS.has(req.method);

/**
 * A global guard that takes a token per request from the client's bucket; past the limit it answers 429. Register
 * it after the API-key guard (APP_GUARD providers run in order), which names the key on `req.actor`:
 * `{ provide: APP_GUARD, inject: [Reflector], useFactory: (r) => new RateLimitGuard(r, policy) }`.
 */
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly policy: RateLimitPolicy,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = this.policy;
    if (context.getType() !== 'http' || !policy.buckets.enabled) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const result = takeRateLimitToken(policy, context.switchToHttp().getRequest<LimitedRequest>());
    if (!result) return true;
    // On Node's response itself: Express's `res` is one, Fastify's reply holds it as `raw` (and merges its headers).
    const res = context.switchToHttp().getResponse<ServerResponse | { raw: ServerResponse }>();
    setRateLimitHeaders('raw' in res ? res.raw : res, result);
    if (!result.allowed) throw tooManyRequests(`more than ${policy.what}; retry after the time in Retry-After`, result.retryAfterMs);
    return true;
  }
}

/**
 * The guard's rule for one request: the token it takes from its client's bucket, or null when the policy does not
 * count it. For a route served outside Nest's pipeline (the query service's SSE stream) with the guard's own policy.
 * A refused take changes nothing that a second take at the same instant would not (the bucket only refills), so a
 * caller may hand a refused request on to the guard.
 */
export function takeRateLimitToken(policy: RateLimitPolicy, req: LimitedRequest): TakeResult | null {
  if (!policy.buckets.enabled || (policy.applies && !policy.applies(req))) return null;
  return policy.buckets.take(policy.by === 'key' && req.actor ? req.actor : `ip:${clientIp(req)}`);
}

/** The APP_GUARD provider of a rate-limit policy. */
export function rateLimitGuardProvider(policy: RateLimitPolicy) {
  return { provide: APP_GUARD, inject: [Reflector], useFactory: (reflector: Reflector) => new RateLimitGuard(reflector, policy) };
}
