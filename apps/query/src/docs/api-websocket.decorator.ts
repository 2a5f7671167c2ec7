import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiParams, ApiReadProblems, codes, type Headers, problemContent, RATE_LIMIT } from './zod-openapi.decorator';

/** The handshake headers a client sends: without Upgrade and Connection it is a plain request (426). */
const HANDSHAKE: ReadonlyArray<[string, string]> = [
  ['Upgrade', 'websocket: without it (and Connection), the request is a plain GET, answered 426.'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', 'A random 16-byte value in base64 (RFC 6455 4.1); missing or malformed: 400.'],
  ['Sec-WebSocket-Version', '13 (or 8); another version: 400 with Sec-WebSocket-Version: 13, 8.'],
];

const SWITCHING: Headers = {
  Upgrade: { description: 'websocket', schema: { type: 'string', example: 'websocket' } },
  Connection: { description: 'Upgrade', schema: { type: 'string', example: 'Upgrade' } },
  'Sec-WebSocket-Accept': {
    description: "The handshake's answer to Sec-WebSocket-Key (RFC 6455 4.2.2)",
    schema: { type: 'string', example: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
  },
  ...RATE_LIMIT,
};

/**
 * `/v1/feed/ws` in the OpenAPI document: a GET whose success is 101 Switching Protocols, and the answers the
 * handshake gets instead, as FeedWsGateway (an upgrade) and FeedController (a plain GET: 426) give them. The frames
 * themselves are in the README (OpenAPI has no words for them).
 */
export function ApiWebSocketUpgrade() {
  return applyDecorators(
    ApiOperation({
      // Named for what a client does here (the controller's method only answers the plain GET's 426).
      operationId: 'FeedController_webSocket',
      summary: 'The live feed over WebSocket: history then live, no gap, no duplicate.',
      description:
        'Open it with a WebSocket client, then send a subscribe message {"after":"0","types":[...],"subjects":[...],' +
        '"organization":"org:openai","lang":"en"}; the server answers {"type":"subscribed","after"} and one ' +
        '{"type":"item","position","item"} frame per item; after each subscribed, and on each change, a ' +
        '{"type":"status","delayed","since","reason"?} frame says whether recorded items are late (as the SSE stream\'s ' +
        '`event: status`). The URL takes no parameter but `key`: filters and the position ' +
        'go in the subscribe message. Frames, close codes and resuming are described in the README (WebSocket).',
    }),
    ...HANDSHAKE.map(([name, description]) => ApiHeader({ name, description, required: false })),
    ApiParams(z.object({ key: z.string().optional().meta({ description: 'Read key, for clients that cannot send headers (browsers)' }) })),
    ApiResponse({ status: 101, description: 'Switching Protocols: the socket is open; send the subscribe message.', headers: SWITCHING }),
    ApiBadRequestResponse({
      description:
        'Not a WebSocket handshake (Sec-WebSocket-Key missing, a version other than 13 or 8: `errors` names the header), ' +
        `or a URL parameter other than \`key\` (each named: filters go in the subscribe message). ${codes(['REQUEST.INVALID'])}`,
      content: problemContent(['REQUEST.INVALID']),
      headers: {
        ...RATE_LIMIT,
        'Sec-WebSocket-Version': { description: 'The versions taken (13, 8), on a version refused', schema: { type: 'string' } },
      },
    }),
    ApiForbiddenResponse({
      description: `A browser page from an origin not in NEWSROOM_CORS_ORIGINS (nor this host). ${codes(['AUTH.ORIGIN_REFUSED'])}`,
      content: problemContent(['AUTH.ORIGIN_REFUSED']),
    }),
    ApiResponse({
      status: 426,
      description: `A plain request, without Connection: Upgrade and Upgrade: websocket. ${codes(['REQUEST.UPGRADE_REQUIRED'])}`,
      content: problemContent(['REQUEST.UPGRADE_REQUIRED']),
      headers: { Upgrade: { description: 'websocket', schema: { type: 'string', example: 'websocket' } }, ...RATE_LIMIT },
    }),
    // 503: FEED.SHUTTING_DOWN to a handshake that reaches an instance shutting down; SERVICE.STARTING before it is ready.
    ApiReadProblems({ unavailable: ['FEED.SHUTTING_DOWN'] }),
  );
}
