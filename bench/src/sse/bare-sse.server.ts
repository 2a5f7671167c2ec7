import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { toFeedItemDto } from '../../../apps/query/src/feed/feed-item.dto';
import { benchEnvelope, benchSubject } from '../support/event-shape';
import { feedRowOf } from '../support/feed-rows';

/**
 * The baseline for fan-out: a bare Node SSE broadcast server (node:http, no framework, no database) sending the
 * same feed items, each frame serialised once and written to every subscriber, pausing for back-pressure. Items are
 * stamped (`recordedAt`) at injection, like ours, so the two delivery p99s compare like with like.
 */
export type BareCommand = { cmd: 'broadcast'; count: number };

const clients = new Set<ServerResponse>();
const rows = Array.from({ length: 100 }, (_, i) => feedRowOf(benchEnvelope(i, benchSubject('bare', i)), i + 1));
let position = 0;

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.socket?.setNoDelay(true);
  res.write('retry: 2000\n: connected\n\n');
  clients.add(res);
  res.on('close', () => clients.delete(res));
  void req;
});

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Every item of a broadcast is stamped once, when the broadcast is asked for (its injection), as the query service's
 * items are stamped when they are committed: the latency of an item includes the time it waits behind the ones
 * written before it, on both sides.
 */
async function broadcast(count: number): Promise<void> {
  const recordedAt = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    position++;
    const row = { ...rows[i % rows.length], position: String(position), recordedAt };
    const frame = `id: ${position}\ndata: ${JSON.stringify(toFeedItemDto(row, 'en'))}\n\n`;
    const full: Array<Promise<void>> = [];
    for (const res of clients) {
      if (!res.write(frame)) full.push(drained(res));
    }
    if (full.length) await Promise.all(full);
    else if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
  }
}

server.listen(0, '127.0.0.1', () => process.send!({ type: 'listening', port: (server.address() as AddressInfo).port }));
process.on('message', (m: BareCommand) => {
  if (m.cmd === 'broadcast') void broadcast(m.count).then(() => process.send!({ type: 'broadcast-done' }));
});
process.on('disconnect', () => process.exit(0));
