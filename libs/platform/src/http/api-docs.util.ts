import type { INestApplication } from '@nestjs/common';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problems } from './problem.errors';
import { sendProblem } from './problem.filter';

/**
 * What the Swagger page at /docs loads, besides the page itself (/docs, /docs/): the stylesheet, the two scripts
 * from swagger-ui-dist, the script SwaggerModule builds with the document (swagger-ui-init.js), the two icons, and
 * the document. Everything else of the package (its package.json with the version, README.md, the stock petstore
 * index.html and swagger-initializer.js, source maps, oauth2-redirect.html) used to be served too.
 */
const PAGE_FILES = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'swagger-ui-init.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
  'openapi.json',
];

/** The URL's path as sent, without its query. */
const pathOf = (url: string) => url.split('?', 1)[0];

/**
 * Whether a request is for /docs (in any letter case, as Express mounts it) and not one of `served`: the path is
 * compared as sent, so `%2E`, `./`, `//` or another case never reach a file the list does not name.
 */
function refused(url: string, served: ReadonlySet<string>): boolean {
  const path = pathOf(url);
  return /^\/docs(\/|$)/i.test(path) && !served.has(path);
}

/**
 * The API's description at /docs: the Swagger page, `/docs/openapi.json` and `files` of the app's own (under
 * /docs, e.g. `asyncapi.json`, routed by the app), and nothing else under /docs: any other path there is a 404
 * problem, before the static files of swagger-ui-dist. No other copy of the description (`/docs-yaml`, `/docs-json`). On Express, middleware in front of SwaggerModule's; on
 * Fastify, an onRequest hook. Call it after requireReadKeyOn (the key is checked first) and before the app listens.
 */
export function serveApiDocs(app: INestApplication, document: () => OpenAPIObject, files: readonly string[] = []): void {
  const served = new Set(['/docs', '/docs/', ...[...PAGE_FILES, ...files].map((f) => `/docs/${f}`)]);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) =>
      refused(request.url, served) ? sendProblem(reply, problems.noRoute(request.method, pathOf(request.url)), request.url) : done(),
    );
  } else {
    app.use((req: Request, res: Response, next: NextFunction) =>
      refused(req.originalUrl, served) ? sendProblem(res, problems.noRoute(req.method, pathOf(req.originalUrl)), req.originalUrl) : next(),
    );
  }
  // The description as JSON only: `raw` defaults to JSON and YAML, and the YAML would be served at /docs-yaml,
  // outside /docs and so beside the files above.
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'] });
}
