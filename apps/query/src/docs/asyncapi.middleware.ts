import type { Request, Response } from 'express';
import { AsyncApiOptions, buildAsyncApiDocument } from '@newsroom/messaging';

/**
 * GET /docs/asyncapi.json: the AsyncAPI 3 document of the Kafka topics this deployment uses (its topic prefix,
 * brokers and partitions), built once from the same schemas and header names the services use.
 */
export function asyncApiDocument(options: AsyncApiOptions) {
  const body = JSON.stringify(buildAsyncApiDocument(options));
  return (req: Request, res: Response, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
