#!/usr/bin/env node
// Builds the dashboard (apps/query/dashboard) into static files the query service serves at `/`:
// one JS bundle and one stylesheet with content hashes in their names (cached for a year), and index.html
// (revalidated on every load) that names them. Prints the sizes and fails past the JavaScript budget.
// Usage: node scripts/build-dashboard.js [outdir]   (default dist/dashboard)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'apps', 'query', 'dashboard');
const DEFAULT_OUT = path.join(ROOT, 'dist', 'dashboard');
/** The first view's JavaScript, uncompressed (issue 13: under 200 KB). */
const JS_BUDGET_BYTES = 200 * 1024;

async function buildDashboard(outdir = DEFAULT_OUT) {
  const esbuild = require('esbuild');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(SRC, 'src', 'main.tsx'), styles: path.join(SRC, 'src', 'styles.css') },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(SRC, 'tsconfig.json'),
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.resolve(ROOT, f));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  const html = fs
    .readFileSync(path.join(SRC, 'index.html'), 'utf8')
    .replace('{{JS}}', path.basename(js))
    .replace('{{CSS}}', path.basename(css));
  fs.writeFileSync(path.join(outdir, 'index.html'), html);
  const size = (f) => {
    const body = fs.readFileSync(f);
    return { file: path.basename(f), bytes: body.length, gzipBytes: zlib.gzipSync(body, { level: 9 }).length };
  };
  const report = { js: size(js), css: size(css), html: size(path.join(outdir, 'index.html')), budgetBytes: JS_BUDGET_BYTES };
  return report;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

module.exports = { buildDashboard, JS_BUDGET_BYTES };

if (require.main === module) {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT;
  buildDashboard(outdir)
    .then((r) => {
      process.stdout.write(
        `dashboard: ${path.relative(ROOT, outdir)}/ ` +
          `JS ${kb(r.js.bytes)} (${kb(r.js.gzipBytes)} gzipped, budget ${kb(r.budgetBytes)}), ` +
          `CSS ${kb(r.css.bytes)} (${kb(r.css.gzipBytes)} gzipped), HTML ${kb(r.html.bytes)}\n`,
      );
      if (r.js.bytes > r.budgetBytes) {
        process.stderr.write(`dashboard: the JavaScript (${kb(r.js.bytes)}) is over its budget of ${kb(r.budgetBytes)}\n`);
        process.exit(1);
      }
    })
    .catch((error) => {
      process.stderr.write(`dashboard build failed: ${error.message}\n`);
      process.exit(1);
    });
}
