import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from './cli.config';
import { CliError } from './output/cli.errors';

describe('resolveConfig', () => {
  const root = mkdtempSync(join(tmpdir(), 'cli-root-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('defaults to the ports npm start uses and no key', () => {
    expect(resolveConfig({}, {}, root)).toEqual({
      ingestUrl: 'http://127.0.0.1:3001',
      queryUrl: 'http://127.0.0.1:3000',
      ingestUrlSource: 'the default',
      queryUrlSource: 'the default',
      key: undefined,
      keySource: 'none',
    });
    expect(resolveConfig({}, { INGEST_PORT: '4001' }, root).ingestUrl).toBe('http://127.0.0.1:4001');
  });

  it('flags win over the environment; NEWSROOM_URL serves both; the development key is the last resort', () => {
    const env = { NEWSROOM_URL: 'https://news.example/', NEWSROOM_QUERY_URL: 'http://q:1', NEWSROOM_API_KEY: 'from-env' };
    expect(resolveConfig({}, env, root)).toMatchObject({
      ingestUrl: 'https://news.example',
      queryUrl: 'http://q:1',
      key: 'from-env',
      keySource: 'NEWSROOM_API_KEY',
    });
    expect(resolveConfig({ queryUrl: 'http://flag', key: 'k' }, env, root)).toMatchObject({
      queryUrl: 'http://flag',
      key: 'k',
      keySource: '--key',
    });
    // Any flag beats any variable: --url over the per-service variables, a per-service flag over --url.
    const both = { NEWSROOM_INGEST_URL: 'http://i-env:1', NEWSROOM_QUERY_URL: 'http://q-env:1' };
    expect(resolveConfig({ url: 'https://proxy.example/' }, both, root)).toMatchObject({
      ingestUrl: 'https://proxy.example',
      queryUrl: 'https://proxy.example',
      ingestUrlSource: '--url',
      queryUrlSource: '--url',
    });
    expect(resolveConfig({}, env, root)).toMatchObject({ ingestUrlSource: 'NEWSROOM_URL', queryUrlSource: 'NEWSROOM_QUERY_URL' });
    expect(resolveConfig({ url: 'https://proxy.example', ingestUrl: 'http://i-flag:2' }, both, root)).toMatchObject({
      ingestUrl: 'http://i-flag:2',
      queryUrl: 'https://proxy.example',
    });
    mkdirSync(join(root, '.run'));
    writeFileSync(join(root, '.run', 'dev-api-key'), 'dev-123\n');
    expect(resolveConfig({}, {}, root)).toMatchObject({ key: 'dev-123', keySource: '.run/dev-api-key' });
    // A stack started with NEWSROOM_RUN_DIR keeps its key there.
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere', 'dev-api-key'), 'dev-456\n');
    expect(resolveConfig({}, { NEWSROOM_RUN_DIR: join(root, 'elsewhere') }, root)).toMatchObject({
      key: 'dev-456',
      keySource: join(root, 'elsewhere', 'dev-api-key'),
    });
  });

  it('refuses a URL that is not http(s) as a usage error (exit 2), naming where it came from', () => {
    const refused = (o: Parameters<typeof resolveConfig>[0], env: NodeJS.ProcessEnv) => {
      try {
        resolveConfig(o, env, root);
      } catch (error) {
        return { message: (error as CliError).message, exitCode: (error as CliError).exitCode };
      }
      return null;
    };
    expect(refused({ ingestUrl: 'notaurl' }, {})).toEqual({ message: '--ingest-url "notaurl" is not an http(s) URL', exitCode: 2 });
    expect(refused({}, { NEWSROOM_URL: 'ftp://x' })).toEqual({ message: 'NEWSROOM_URL "ftp://x" is not an http(s) URL', exitCode: 2 });
    expect(refused({ queryUrl: '127.0.0.1:3000' }, {})).toMatchObject({ exitCode: 2 });
  });
});
