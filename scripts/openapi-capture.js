// Preloaded into a compiled app's main (scripts/openapi.js): Nest builds the app in preview mode (modules and
// controllers, no providers run: no database, no broker, no port), and the document the app hands to
// SwaggerModule.setup is written to NEWSROOM_OPENAPI_OUT instead of being served. So the exported document is
// exactly the one /docs/openapi.json serves, however the app builds it.
'use strict';
const fs = require('node:fs');
const core = require('@nestjs/core');
const swagger = require('@nestjs/swagger');

const out = process.env.NEWSROOM_OPENAPI_OUT;
// No port either: each service opens a small starting server before Nest (startup.util's listenWhileStarting), on
// its default port here (the export's environment is clean), so a build failed with EADDRINUSE while anything, a
// running stack included, held 3000 or 3001. Listening is skipped; the callback still comes.
require('node:net').Server.prototype.listen = function listen(...args) {
  const done = args.find((a) => typeof a === 'function');
  if (done) process.nextTick(done);
  return this;
};
const create = core.NestFactory.create.bind(core.NestFactory);
core.NestFactory.create = (module, ...rest) => {
  const options = rest.find((a) => a && typeof a === 'object' && !('getHttpServer' in a) && !('listen' in a)) ?? {};
  return create(module, { ...options, preview: true, logger: false, bufferLogs: false, abortOnError: false });
};
swagger.SwaggerModule.setup = (_path, _app, documentOrFactory) => {
  const doc = typeof documentOrFactory === 'function' ? documentOrFactory() : documentOrFactory;
  fs.writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  process.exit(0);
};
// Reached only when the app set up no document: say so rather than listen.
core.NestApplication.prototype.listen = async function listen() {
  process.stderr.write('openapi export: the app listened without calling SwaggerModule.setup: no document to export\n');
  process.exit(3);
};
