#!/usr/bin/env node
// `npm run check`: the static checks `npm test` runs before jest. Layer rules (dependency-cruiser), ESLint with
// type information, Prettier, knip (unused files, exports, dependencies) and Redocly's lint of the OpenAPI documents
// the build writes (openapi/ingest.json, openapi/query.json; rules in redocly.yaml). ESLint, the slow one, runs beside
// the four others (two lanes for a 2-CPU machine); each keeps a cache under node_modules/.cache, so a second run
// only looks at changed files. Each step's output is printed whole when it ends, with its duration.
// Exit code 0 when every step passes; `--only lint,knip` runs a subset.
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

const STEPS = {
  deps: [bin('depcruise'), '--config', '.dependency-cruiser.js', 'apps', 'libs'],
  lint: [bin('eslint'), '--cache', '--cache-location', 'node_modules/.cache/eslint/', '--cache-strategy', 'content', '.'],
  format: [bin('prettier'), '--check', '--cache', '--log-level', 'warn', '.'],
  knip: [bin('knip'), '--cache', '--no-progress'],
  names: [process.execPath, path.join(__dirname, 'file-names.js'), '--check'],
  openapi: [bin('redocly'), 'lint', '--config', 'redocly.yaml', '--format', 'summary', 'openapi/ingest.json', 'openapi/query.json'],
};
// Lanes run in parallel; the steps of one lane run one after the other.
const LANES = [['lint'], ['deps', 'names', 'format', 'knip', 'openapi']];

function run(name) {
  const [command, ...args] = STEPS[name];
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    // Redocly: no telemetry, no update notice (the check runs offline).
    const env = {
      ...process.env,
      FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    };
    const child = spawn(command, args, { cwd: ROOT, env });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const text = Buffer.concat(output).toString().trimEnd();
      if (text) process.stdout.write(`${text}\n`);
      process.stdout.write(`[check] ${name}: ${code === 0 ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s\n`);
      resolve({ name, ok: code === 0, seconds });
    });
  });
}

async function main() {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = (only ?? []).filter((name) => !STEPS[name]);
  if (unknown.length > 0) throw new Error(`unknown step(s) ${unknown.join(', ')}; known: ${Object.keys(STEPS).join(', ')}`);
  const lanes = LANES.map((lane) => lane.filter((name) => !only || only.includes(name)));
  const results = (
    await Promise.all(
      lanes.map(async (lane) => {
        const done = [];
        for (const name of lane) done.push(await run(name));
        return done;
      }),
    )
  ).flat();
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  process.stdout.write(`[check] ${failed.length === 0 ? 'all passed' : `failed: ${failed.join(', ')}`}\n`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`[check] ${error.message}\n`);
  process.exit(1);
});
