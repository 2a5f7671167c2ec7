#!/usr/bin/env node
// Loads the seed story through the write API. Its events carry fixed ids, so loading it again records nothing new.
// Usage: INGEST_URL=http://127.0.0.1:3001 NEWSROOM_API_KEY=<write key> node scripts/seed.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SEED = path.join(__dirname, '..', 'infra', 'seed', 'openai-commercial-transformation.story.json');

async function loadSeed(ingestUrl, key, attempts = 30) {
  const body = fs.readFileSync(SEED, 'utf8');
  for (let i = 1; ; i++) {
    try {
      const res = await fetch(`${ingestUrl}/v1/stories`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
          'x-correlation-id': 'seed-openai-commercial-transformation',
        },
        body,
      });
      const answer = await res.json().catch(() => ({}));
      if (res.status >= 500 && i < attempts) throw new Error(`${res.status}`);
      // The database holds an earlier version of the seed under the same ids: nothing is recorded, the log keeps it
      // as it was (infra/seed/README.md, "databases that hold the earlier seed").
      if (res.status === 409 && answer.code === 'EVENT.ID_CONFLICT') {
        return { total: JSON.parse(body).events.length, created: 0, outdated: true };
      }
      if (!res.ok) throw Object.assign(new Error(`seed story was refused: ${res.status} ${JSON.stringify(answer)}`), { final: true });
      const results = answer.results ?? [];
      return { total: results.length, created: results.filter((r) => r.status === 'created').length };
    } catch (error) {
      if (error.final || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const OUTDATED = 'this database holds an earlier version of the seed story, kept as recorded (see infra/seed/README.md)';

module.exports = { loadSeed, OUTDATED };

if (require.main === module) {
  const url = process.env.INGEST_URL || 'http://127.0.0.1:3001';
  const key = process.env.NEWSROOM_API_KEY || (process.env.NEWSROOM_API_KEYS || '').split(',')[0].replace(/:[a-z]+$/, '');
  loadSeed(url, key)
    .then(({ total, created, outdated }) =>
      process.stdout.write(`seed story: ${total} events, ${created} new${outdated ? `; ${OUTDATED}` : ''}\n`),
    )
    .catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    });
}
