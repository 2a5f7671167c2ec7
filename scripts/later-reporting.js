#!/usr/bin/env node
// Loads a file of later reporting on top of the seed story through the write API: its new events (POST /v1/events,
// fixed ids) and other outlets' words on facts already on record (POST /v1/events/{id}/sources, each with a fixed
// Idempotency-Key), so loading it again records nothing twice. The CLI's `ingest` takes envelopes only.
// Usage: node scripts/later-reporting.js [file]     default file: infra/seed/fixtures/later-reporting.fixture.json
// Env: NEWSROOM_INGEST_URL (or INGEST_URL; default http://127.0.0.1:$INGEST_PORT, 3001), NEWSROOM_API_KEY (default: .run/dev-api-key).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { ROOT, RUN_DIR } = require('./stack');
const FIXTURE = path.join(ROOT, 'infra', 'seed', 'fixtures', 'later-reporting.fixture.json');

function defaultKey() {
  if (process.env.NEWSROOM_API_KEY) return process.env.NEWSROOM_API_KEY;
  const file = path.join(RUN_DIR, 'dev-api-key');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
}

async function send(url, key, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const problem = (body) =>
  `${body.code ?? 'ERROR'}: ${body.detail ?? body.title ?? ''}${(body.errors ?? []).map((e) => ` ${e.path}: ${e.message}`).join(';')}`;

/** Records the file's events, then its attached sources; one line each through `print`. Resolves to the counts. */
async function loadLaterReporting(file, ingestUrl, key, print = (line) => process.stdout.write(`${line}\n`)) {
  const fixture = JSON.parse(fs.readFileSync(file, 'utf8'));
  const counts = { created: 0, duplicate: 0, rejected: 0 };
  const events = fixture.events ?? [];
  if (events.length) {
    const res = await send(`${ingestUrl}/v1/events`, key, { events });
    if (res.status !== 200) throw new Error(`the events were refused: ${res.status} ${problem(res.body)}`);
    for (const r of res.body.results) {
      const e = events[r.index];
      counts[r.status]++;
      print(
        `event   ${r.status.padEnd(9)} ${e.id}  ${e.type} ${e.subject} (${e.sources.map((s) => s.outlet).join(', ')})${r.error ? `  ${problem(r.error)}` : ''}`,
      );
    }
  }
  for (const s of fixture.sources ?? []) {
    const res = await send(
      `${ingestUrl}/v1/events/${s.targetEventId}/sources`,
      key,
      { source: s.source, stance: s.stance },
      { 'idempotency-key': s.id },
    );
    const status = res.status === 201 ? 'created' : res.status === 200 ? 'duplicate' : 'rejected';
    counts[status]++;
    const outlet = s.source.via ? `${s.source.outlet} via ${s.source.via}` : s.source.outlet;
    print(
      `source  ${status.padEnd(9)} ${s.id}  ${outlet} ${s.stance} ${s.targetEventId}${status === 'rejected' ? `  ${res.status} ${problem(res.body)}` : ''}`,
    );
  }
  return counts;
}

module.exports = { loadLaterReporting, FIXTURE };

if (require.main === module) {
  const file = path.resolve(process.argv[2] ?? FIXTURE);
  const url = process.env.NEWSROOM_INGEST_URL || process.env.INGEST_URL || `http://127.0.0.1:${process.env.INGEST_PORT || 3001}`;
  loadLaterReporting(file, url, defaultKey())
    .then((c) => {
      process.stdout.write(
        `${path.relative(process.cwd(), file)}: ${c.created} created, ${c.duplicate} duplicate, ${c.rejected} rejected\n`,
      );
      process.exit(c.rejected ? 1 : 0);
    })
    .catch((error) => {
      process.stderr.write(`${error.cause?.code === 'ECONNREFUSED' ? `ingest is not answering at ${url}` : error.message}\n`);
      process.exit(2);
    });
}
