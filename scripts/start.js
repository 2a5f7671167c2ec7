#!/usr/bin/env node
// `npm start`: the whole stack on this machine, the seed story loaded once; Ctrl-C stops all of it.
'use strict';
const path = require('node:path');
const stack = require('./stack');
const { loadSeed } = require('./seed');

const children = [];

async function main() {
  stack.ensureInstalled();
  stack.build();
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/newsroom',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092',
  };
  let devKey = null;
  if (!env.NEWSROOM_API_KEYS) {
    devKey = stack.developmentKey();
    env.NEWSROOM_API_KEYS = `${devKey}:admin`;
  }
  await stack.ensurePostgres(env);
  const startedKafka = await stack.ensureKafka(env);
  stack.prepareDatabase(env);

  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    stack.say('stopping services...');
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    if (startedKafka) {
      stack.say('stopping the Kafka broker this command started...');
      stack.stopKafka(env);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const logDir = path.join(stack.RUN_DIR, 'logs');
  for (const service of stack.SERVICES) {
    const child = stack.startService(service, env, logDir);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        stack.say(`${service.name} exited (${signal ?? code}); see ${child.logFile}. Stopping the stack.`);
        void stopAll(1);
      }
    });
    children.push(child);
  }
  const port = (s) => env[s.portVar] || s.port;
  await Promise.all(stack.SERVICES.map((s) => stack.waitReady(`http://127.0.0.1:${port(s)}/health/ready`)));

  const seeded = await loadSeed(`http://127.0.0.1:${port(stack.SERVICES[0])}`, devKey ?? env.NEWSROOM_API_KEYS.split(',')[0].replace(/:[a-z]+$/, ''));
  const seed = `${seeded.total} events (${seeded.created} new)`;
  const q = `http://127.0.0.1:${port(stack.SERVICES[3])}`;
  const i = `http://127.0.0.1:${port(stack.SERVICES[0])}`;
  process.stdout.write(`
Newsroom is up.
  query      ${q}            feed: ${q}/v1/feed   live: curl -N ${q}/v1/feed/stream   docs: ${q}/docs
  ingest     ${i}            POST ${i}/v1/events                docs: ${i}/docs
  projector  http://127.0.0.1:${port(stack.SERVICES[2])}/health/ready
  relay      http://127.0.0.1:${port(stack.SERVICES[1])}/health/ready
  Kafka      ${env.KAFKA_BROKERS}    Postgres ${env.DATABASE_URL}
  seed story ${seed}
  ${devKey ? `development key (write + admin): ${devKey}\n  e.g. curl -H "Authorization: Bearer ${devKey}" -H 'content-type: application/json' -d @event.json ${i}/v1/events` : 'keys: from NEWSROOM_API_KEYS'}
  logs       ${logDir}
Ctrl-C stops everything.
`);
}

main().catch((error) => {
  process.stderr.write(`[newsroom] start failed: ${error.message}\n`);
  for (const c of children) c.kill('SIGTERM');
  process.exit(1);
});
