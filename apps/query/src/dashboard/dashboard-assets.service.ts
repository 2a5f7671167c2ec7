import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** What the page may load: its own script, stylesheet and API, nothing else (no inline code, no other origin). */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface DashboardFile {
  body: Buffer;
  type: string;
  etag: string;
  /** index.html is revalidated on every load; the bundles have content hashes in their names, so they never change. */
  cacheControl: string;
}

/** The repository (or image) root: the nearest folder above `from` with a package.json. */
function rootFrom(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Where `npm run build` (scripts/build-dashboard.js) puts the dashboard, seen from the running code. */
export const defaultDashboardDir = () => join(rootFrom(__dirname), 'dist', 'dashboard');

/**
 * The built dashboard, read once into memory (three small files). Only the names found in the folder are
 * served, so no request path ever reaches the file system.
 */
export class DashboardAssets {
  private readonly files = new Map<string, DashboardFile>();

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'index.html'))) return;
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      this.files.set(name, {
        body,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        cacheControl: name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
    }
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  index(): DashboardFile | undefined {
    return this.files.get('index.html');
  }

  /** A bundle by its exact name; index.html is only served at `/`. */
  asset(name: string): DashboardFile | undefined {
    return name === 'index.html' ? undefined : this.files.get(name);
  }
}
