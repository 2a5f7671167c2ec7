import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const yaml = require('js-yaml') as { load(text: string): any };

/**
 * Issue 11 point 9: docker-compose.yml ships no secret (no default admin key, no default Postgres password) and
 * publishes every port on 127.0.0.1 only. Checked with `docker-compose config`, which resolves the variables the
 * way `up` would.
 */
const ROOT = join(__dirname, '..', '..');
const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
const maybe = COMPOSE ? describe : describe.skip;
if (!COMPOSE) process.stderr.write('compose-defaults: docker-compose is not installed; skipped\n');

function config(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEWSROOM_|POSTGRES_)/.test(k))) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(COMPOSE!, ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { cwd: ROOT, env: { ...clean, ...env }, timeout: 30000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

maybe('docker-compose.yml: secrets required, ports on loopback only', () => {
  it('refuses to resolve without NEWSROOM_API_KEYS or POSTGRES_PASSWORD, naming what to set', async () => {
    const none = await config({});
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/set (NEWSROOM_API_KEYS|POSTGRES_PASSWORD)/);
    const noKeys = await config({ POSTGRES_PASSWORD: 'a-long-test-password-1' });
    expect(noKeys.code).not.toBe(0);
    expect(noKeys.stderr).toMatch(/set NEWSROOM_API_KEYS \(secret:scope, secrets >= 16 chars\)/);
    const noPassword = await config({ NEWSROOM_API_KEYS: 'an-operator-secret-0001:admin' });
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.stderr).toMatch(/set POSTGRES_PASSWORD/);
  }, 60000);

  it('with them set, every published port is bound to 127.0.0.1 and the secrets given are the ones used', async () => {
    const ok = await config({ NEWSROOM_API_KEYS: 'an-operator-secret-0001:admin', POSTGRES_PASSWORD: 'a-long-test-password-1' });
    expect(ok.stderr).not.toMatch(/ERROR/);
    expect(ok.code).toBe(0);
    const doc = yaml.load(ok.stdout);
    const published: string[] = [];
    for (const [name, service] of Object.entries<any>(doc.services)) {
      for (const p of service.ports ?? []) {
        const text = typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}:${p.target}`;
        published.push(`${name} ${text}`);
        expect(`${name} ${text}`).toMatch(new RegExp(`^${name} 127\\.0\\.0\\.1:\\d+:\\d+`));
      }
      const env = service.environment ?? {};
      if (env.NEWSROOM_API_KEYS !== undefined) expect(env.NEWSROOM_API_KEYS).toBe('an-operator-secret-0001:admin');
      if (env.DATABASE_URL !== undefined) expect(env.DATABASE_URL).toContain(':a-long-test-password-1@');
    }
    expect(published.length).toBe(6); // postgres, kafka and the four apps
    expect(doc.services.postgres.environment.POSTGRES_PASSWORD).toBe('a-long-test-password-1');
    const source = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(source).not.toMatch(/dev-compose-change-me|postgres:postgres@|POSTGRES_PASSWORD: postgres/);
  }, 60000);
});
