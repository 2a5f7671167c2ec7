import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardAssets, DASHBOARD_CSP } from './dashboard-assets.service';

// The build script is plain Node (it runs before anything is compiled); its exports are untyped here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildDashboard, JS_BUDGET_BYTES } = require('../../../../scripts/build-dashboard.js') as {
  buildDashboard(outdir: string): Promise<{ js: { file: string; bytes: number; gzipBytes: number }; css: { file: string; bytes: number } }>;
  JS_BUDGET_BYTES: number;
};

describe('dashboard build and assets', () => {
  let out: string;
  let built: Awaited<ReturnType<typeof buildDashboard>>;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'newsroom-dashboard-'));
    built = await buildDashboard(out);
  }, 60000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('given the sources, when built, then the first view is one script under the 200 KB budget', () => {
    expect(JS_BUDGET_BYTES).toBe(200 * 1024);
    expect(built.js.bytes).toBeGreaterThan(1000);
    expect(built.js.bytes).toBeLessThan(JS_BUDGET_BYTES);
    process.stdout.write(`[dashboard] JS ${built.js.bytes} bytes (${built.js.gzipBytes} gzipped)\n`);
  });

  it('given the built page, then it loads only its own hashed files: no inline script or style, no other origin', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="/dashboard/${built.js.file}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/dashboard/${built.css.file}"`);
    expect(built.js.file).toMatch(/^app-[A-Z0-9]{8}\.js$/);
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The bundle makes requests only to relative paths of this origin (a namespace URI like SVG's is no request).
    const js = readFileSync(join(out, built.js.file), 'utf8');
    expect(js.match(/https?:\/\/[^"'`\s]+/g)?.filter((u) => !u.startsWith('http://www.w3.org/')) ?? []).toEqual([]);
  });

  it('given the folder, then files are served from memory by exact name with their types and cache rules', () => {
    const assets = new DashboardAssets(out);
    expect(assets.built).toBe(true);
    expect(assets.index()).toMatchObject({ type: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(assets.asset(built.js.file)).toMatchObject({
      type: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(assets.asset(built.css.file)?.type).toBe('text/css; charset=utf-8');
    expect(assets.asset(built.js.file)?.etag).toMatch(/^"[\w-]{27}"$/);
    for (const name of ['index.html', '../package.json', `../${built.js.file}`, 'nope.js']) expect(assets.asset(name)).toBeUndefined();
  });

  it('given no build, then nothing is served', () => {
    const assets = new DashboardAssets(join(out, 'missing'));
    expect(assets.built).toBe(false);
    expect(assets.index()).toBeUndefined();
  });

  it('the page policy allows its own scripts, styles and API only', () => {
    expect(DASHBOARD_CSP).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
    expect(DASHBOARD_CSP).toMatch(/connect-src 'self'/);
    expect(DASHBOARD_CSP).toMatch(/frame-ancestors 'none'/);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https?:/);
  });
});
