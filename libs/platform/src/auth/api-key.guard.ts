import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import { ApiKeyRing, Scope } from './api-keys.service';
import { problems } from '../http/problem.errors';

export const REQUIRED_SCOPE = 'newsroom:scope';
export const API_KEY_RING = Symbol('API_KEY_RING');
export const REQUIRE_READ_KEY = Symbol('REQUIRE_READ_KEY');

/** Marks a handler or controller with the scope it needs. Reads are open unless NEWSROOM_REQUIRE_READ_KEY. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
/** Health stays open even when reads need a key (probes carry no secrets); /metrics and /docs then need the read key. */
export const Public = () => SetMetadata(REQUIRED_SCOPE, 'public');

export function presentedKey(req: Request): string | undefined {
  return keyInHeaders(req.headers);
}

/**
 * The key in a request's headers: Express's request and Fastify's both carry Node's headers. The scheme's name is
 * case-insensitive (RFC 9110 section 11.1: `bearer` and `BEARER` are `Bearer`). Undefined when none was sent.
 */
export function keyInHeaders(headers: IncomingHttpHeaders): string | undefined {
  const bearer = BEARER.exec(headers.authorization ?? '')?.[1].trim() || undefined;
  const header = headers['x-api-key'];
  const apiKey = typeof header === 'string' && header.trim() ? header : undefined;
  // Two different keys in one request are no key: answered as an unknown one (401), whichever of them is valid, so a
  // proxy's or a client's stale second key is noticed rather than one of them chosen silently. A line break is in
  // no key, so the pair identifies nothing.
  if (bearer !== undefined && apiKey !== undefined && apiKey !== bearer) return `${bearer}\n${apiKey}`;
  return bearer ?? apiKey;
}

const BEARER = /^bearer +(.*)$/i;

/** The header a refusal names as its field: the one that carried a key, else Authorization (where one belongs). */
export function keyHeaderOf(headers: IncomingHttpHeaders): string {
  return !BEARER.test(headers.authorization ?? '') && typeof headers['x-api-key'] === 'string' ? 'X-API-Key' : 'Authorization';
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(REQUIRE_READ_KEY) private readonly requireReadKey: boolean,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const needed = this.reflector.getAllAndOverride<Scope | 'public'>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ?? null;
    if (needed === 'public') return true;
    const req = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; actor?: string }>();
    const presented = keyInHeaders(req.headers);
    const held = this.ring.identify(presented);
    if (held) req.actor = held.id; // named in event metadata, even on open routes
    const scope = needed ?? (this.requireReadKey ? 'read' : null);
    if (!scope) return true;
    if (!held) throw problems.unauthorized(presented !== undefined, keyHeaderOf(req.headers));
    if (!ApiKeyRing.satisfies(held.scope, scope)) throw problems.forbidden(scope, keyHeaderOf(req.headers));
    return true;
  }
}
