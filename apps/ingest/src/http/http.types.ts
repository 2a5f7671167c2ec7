import type { IncomingHttpHeaders } from 'node:http';
import type { FieldError } from '@newsroom/domain';

/**
 * What the write controllers read from a request. Ingest runs on Fastify (`bootstrapHttp(..., { adapter:
 * 'fastify' })`); these are fields Fastify's request and Express's both have, so the controllers do not depend on
 * either (bench/stream-length.js still starts the module on Express).
 */
export interface IngestRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The request id (Fastify's `request.id` from genReqId; on Express the request logger sets it). */
  readonly id?: unknown;
  /** The key's id, set by the API-key guard. */
  actor?: string;
  /**
   * The body's numbers JSON.parse read as another value, each with its path, set by the JSON body parser when there
   * are any (libs/platform's fastify-http.util): each write route refuses them with its validation's errors
   * (refusingInexactNumbers).
   */
  readonly inexactNumbers?: FieldError[];
}

/** What they set on the answer: status and headers, methods Fastify's reply and Express's response both have. */
export interface IngestReply {
  status(code: number): IngestReply;
  header(name: string, value: string): IngestReply;
}
