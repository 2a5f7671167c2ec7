#!/usr/bin/env node
// `npm start`: the whole stack on this machine, the seed story loaded once; Ctrl-C stops all of it.
'use strict';
const path = require('node:path');
const stack = require('./stack');
const { loadSeed, OUTDATED } = require('./seed');
const { supervise } = require('./supervise');

let stopCurrent = async () => {};
/** How long a service that answered ready but degraded gets to settle before it is asked again. */
const DEGRADED_RECHECK_MS = 3000;

async function main() {
  stack.ensureInstalled();
  stack.build();
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/newsroom',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092',
    // The services stop themselves when this process is gone, even killed with -9 (it then runs no handler).
    NEWSROOM_SUPERVISOR_PID: String(process.pid),
  };
  let devKey = null;
  if (!env.NEWSROOM_API_KEYS) {
    devKey = stack.developmentKey();
    env.NEWSROOM_API_KEYS = `${devKey}:admin`;
  }
  await stack.ensurePostgres(env);
  const startedKafka = await stack.ensureKafka(env);
  stack.prepareDatabase(env);

  // Services are supervised like compose's `restart: unless-stopped`: a dead one is restarted with backoff (1 s
  // doubling to 30 s, back to 1 s after 30 s up). After 5 crashes within 60 s the stack stops with exit code 1:
  // a half-running stack (say, no projector) would look up while its reads go stale, so it fails loudly instead,
  // naming the service and its log. The services run in their own process groups, so Ctrl-C reaches only this
  // command, which stops them with SIGTERM (they drain) and never restarts them.
  const logDir = path.join(stack.RUN_DIR, 'logs');
  let stopping = false;
  const supervisor = supervise({
    services: stack.SERVICES,
    spawn: (service) => stack.startService(service, env, logDir, { detached: true }),
    say: stack.say,
    onGiveUp: ({ service, logFile }) => {
      stack.say(`stopping the stack because ${service.name} keeps crashing; fix the cause shown in ${logFile}, then run npm start again.`);
      void stopAll(1);
    },
  });
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    stack.say('stopping services...');
    await supervisor.stop();
    if (startedKafka) {
      stack.say('stopping the Kafka broker this command started...');
      stack.stopKafka(env);
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));
  // Started by a process that names itself as this one's supervisor (a test): once it is gone, stop as on Ctrl-C.
  const parent = Number(process.env.NEWSROOM_SUPERVISOR_PID);
  if (parent > 1)
    stack.watchProcess(parent, () => {
      stack.say(`the process that started this stack (pid ${parent}) is gone; stopping.`);
      void stopAll(0);
    });
  // The services have their own process groups: never leave them behind, whatever ends this process.
  process.on('exit', () => supervisor.killAll());
  stopCurrent = () => supervisor.stop();

  supervisor.start();
  const port = (s) => env[s.portVar] || s.port;
  const ready = (s) => stack.waitReady(`http://127.0.0.1:${port(s)}/health/ready`);
  let degraded = await Promise.all(stack.SERVICES.map(ready));
  // A part still settling at start (a consumer joining its group) reads degraded for a moment: asked again after a
  // short wait, only what is still degraded is reported.
  if (degraded.some((d) => d?.length)) {
    await new Promise((r) => setTimeout(r, DEGRADED_RECHECK_MS));
    degraded = await Promise.all(stack.SERVICES.map((s, i) => (degraded[i]?.length ? ready(s) : [])));
  }
  stack.SERVICES.forEach((s, i) => {
    if (degraded[i]?.length) stack.say(`${s.name} is ready with ${degraded[i].join(', ')} degraded (it says why in its log).`);
  });

  const seeded = await loadSeed(
    `http://127.0.0.1:${port(stack.SERVICES[0])}`,
    devKey ?? env.NEWSROOM_API_KEYS.split(',')[0].replace(/:[a-z]+$/, ''),
  );
  const seed = `${seeded.total} events (${seeded.created} new)${seeded.outdated ? `; ${OUTDATED}` : ''}`;
  const q = `http://127.0.0.1:${port(stack.SERVICES[3])}`;
  const i = `http://127.0.0.1:${port(stack.SERVICES[0])}`;
  process.stdout.write(`
Newsroom is up.
  dashboard  ${q}/           the live timeline, roster, charts and lawsuits in a browser
  query      ${q}            feed: ${q}/v1/feed   live: curl -N ${q}/v1/feed/stream   docs: ${q}/docs
             Atom: ${q}/v1/feed.atom   AsyncAPI: ${q}/docs/asyncapi.json
  ingest     ${i}            POST ${i}/v1/events                docs: ${i}/docs
  projector  http://127.0.0.1:${port(stack.SERVICES[2])}/health/ready
  relay      http://127.0.0.1:${port(stack.SERVICES[1])}/health/ready
  Kafka      ${env.KAFKA_BROKERS}    Postgres ${env.DATABASE_URL}
  seed story ${seed}
  ${devKey ? `development key (write + admin): ${devKey}\n  e.g. curl -H "Authorization: Bearer ${devKey}" -H 'content-type: application/json' -d @event.json ${i}/v1/events` : 'keys: from NEWSROOM_API_KEYS'}
  CLI        npx newsroom --help   (e.g. npx newsroom tail, npx newsroom report leadership)
  logs       ${logDir}
Ctrl-C stops everything.
`);
  watchBroker(env.KAFKA_BROKERS.split(',')[0].trim(), startedKafka);
}

/** How often the supervisor asks whether the broker still takes connections. */
const BROKER_CHECK_MS = 5000;

/**
 * One line when the broker stops taking connections and one when it takes them again: the services' own logs say
 * it at most every 30 s each, and the terminal `npm start` runs in said nothing (t29).
 */
function watchBroker(broker, startedKafka) {
  let up = true;
  const check = async () => {
    const now = await stack.canConnect(broker);
    if (now === up) return;
    up = now;
    if (!now) {
      const fix = startedKafka ? '`npm run kafka -- start` starts it again' : 'start it again, or check KAFKA_BROKERS';
      stack.say(`the Kafka broker at ${broker} is not answering: writes are kept in Postgres and the services retry; ${fix}.`);
    } else stack.say(`the Kafka broker at ${broker} answers again: the services catch up by themselves.`);
  };
  setInterval(() => void check().catch(() => undefined), BROKER_CHECK_MS).unref();
}

main().catch((error) => {
  process.stderr.write(`[newsroom] start failed: ${error.message}\n`);
  stopCurrent().finally(() => process.exit(1));
});
