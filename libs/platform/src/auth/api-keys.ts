import { timingSafeEqual, createHash } from 'node:crypto';

export type Scope = 'read' | 'write' | 'admin';
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export interface ApiKey {
  secret: string;
  scope: Scope;
}

/** Parses `secret:scope,secret:scope`; refuses short secrets and unknown scopes at boot. */
export function parseApiKeys(spec: string): ApiKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.lastIndexOf(':');
      const secret = i > 0 ? entry.slice(0, i) : '';
      const scope = entry.slice(i + 1) as Scope;
      if (!secret || !(scope in RANK)) throw new Error(`NEWSROOM_API_KEYS entry must be "secret:read|write|admin"`);
      if (secret.length < 16) throw new Error('NEWSROOM_API_KEYS secrets must be at least 16 characters');
      return { secret, scope };
    });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class ApiKeyRing {
  private readonly keys: Array<{ digest: Buffer; scope: Scope; id: string }>;

  constructor(keys: ApiKey[]) {
    // A key is named in logs and event metadata by a digest prefix, never by its secret.
    this.keys = keys.map((k) => ({ digest: digest(k.secret), scope: k.scope, id: `key:${digest(k.secret).toString('hex').slice(0, 12)}` }));
  }

  get size(): number {
    return this.keys.length;
  }

  /** The key a presented secret belongs to, compared in constant time; null when unknown. */
  identify(secret: string | undefined): { scope: Scope; id: string } | null {
    if (!secret) return null;
    const d = digest(secret);
    let found: { scope: Scope; id: string } | null = null;
    for (const k of this.keys) if (timingSafeEqual(k.digest, d)) found = { scope: k.scope, id: k.id };
    return found;
  }

  static satisfies(held: Scope, needed: Scope): boolean {
    return RANK[held] >= RANK[needed];
  }
}
