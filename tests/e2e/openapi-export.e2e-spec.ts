import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Holds a port when it is free (when it is not, something already holds it, which is the case under test). */
async function hold(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

/**
 * The build exports each service's OpenAPI document by starting its compiled app in Nest's preview mode
 * (scripts/openapi.js with scripts/openapi-capture.js). A tester's `npm start` with other ports failed its build with
 * EADDRINUSE: the export bound the service's default port (3001) through the starting server while another stack held it.
 */
describe('the OpenAPI export of the build', () => {
  it.each([
    ['ingest', 3001],
    ['query', 3000],
  ])(
    'given the %s service default port %d taken, then the export still writes the document and listens on nothing',
    async (service, port) => {
      const held = await hold(port);
      const dir = mkdtempSync(join(tmpdir(), 'openapi-export-'));
      try {
        const out = join(dir, `${service}.json`);
        const run = spawnSync(
          process.execPath,
          [
            '-r',
            join(ROOT, 'scripts', 'register-paths.js'),
            '-r',
            join(ROOT, 'scripts', 'openapi-capture.js'),
            join(ROOT, 'dist', 'apps', service, 'src', 'main.js'),
          ],
          {
            cwd: ROOT,
            encoding: 'utf8',
            timeout: 60_000,
            env: {
              PATH: process.env.PATH,
              NODE_ENV: 'production',
              LOG_LEVEL: 'fatal',
              NEWSROOM_API_KEYS: 'openapi-export-placeholder-key:read',
              NEWSROOM_OPENAPI_OUT: out,
            },
          },
        );
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
        expect(existsSync(out)).toBe(true);
        expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
      }
    },
  );
});
