import { hash, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { Logger } from '@nestjs/common';

export type Scope = 'read' | 'write' | 'admin';
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export interface ApiKey {
  secret: string;
  scope: Scope;
}

/** Parses `secret:scope,secret:scope`; refuses short secrets and unknown scopes at boot. */
export function parseApiKeys(spec: string): ApiKey[] {
  return spec
    .split(/[,\n]/)
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

// crypto.hash: one call, no Hash object per request (the key is checked on every request).
const digest = (s: string) => hash('sha256', s, 'buffer');

export class ApiKeyRing {
  private keys: Array<{ digest: Buffer; scope: Scope; id: string }> = [];

  constructor(keys: ApiKey[]) {
    this.replace(keys);
  }

  /** Swaps the whole set at once (key rotation): a request is checked against the old set or the new, never half. */
  replace(keys: ApiKey[]): void {
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

/**
 * The ring a service uses: NEWSROOM_API_KEYS plus, when NEWSROOM_API_KEYS_FILE is set, the file's `secret:scope`
 * lines (blank lines and `#` comments ignored). The file is read again on SIGHUP and when its mtime changes
 * (polled once a second), so an operator adds a key, moves clients to it, then removes the old one without a
 * restart. A file that no longer parses is refused (logged) and the keys in force stay. A file missing at boot, or
 * unreadable, fails the boot like a bad NEWSROOM_API_KEYS.
 */
export function apiKeyRingFromConfig(config: { NEWSROOM_API_KEYS: string; NEWSROOM_API_KEYS_FILE?: string }): ApiKeyRing {
  const file = config.NEWSROOM_API_KEYS_FILE;
  const load = () => {
    const lines = file
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => !l.trim().startsWith('#'))
          .join('\n')
      : '';
    return [...parseApiKeys(config.NEWSROOM_API_KEYS), ...parseApiKeys(lines)];
  };
  const ring = new ApiKeyRing(load());
  if (!file) return ring;
  const logger = new Logger('ApiKeys');
  const reload = (why: string) => {
    try {
      ring.replace(load());
      logger.log(`API keys reloaded from ${file} (${why}): ${ring.size} key(s)`);
    } catch (error) {
      logger.error(`API keys file ${file} refused (${why}), the previous keys stay: ${(error as Error).message}`);
    }
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  watchFile(file, { interval: 1000, persistent: false }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) reload('file changed');
  });
  process.once('beforeExit', () => unwatchFile(file));
  return ring;
}
