import { ClientRequest, get, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { LatencyHistogram } from '../support/stats';

/**
 * A process holding many live-feed connections (forked by SseClients): SSE streams, or WebSockets that send
 * `subscribe` once open. It counts items and, for each, the delay from the item's `recordedAt` (set where the
 * event was accepted) to its arrival here. It decodes nothing else, so one client process keeps up with
 * thousands of connections.
 */
export type ClientCommand =
  | { cmd: 'connect'; url: string; count: number; concurrency: number; subscribe?: string }
  | { cmd: 'stats'; reset: boolean; since?: number; items?: boolean }
  | { cmd: 'close' };

export interface ClientStats {
  type: 'stats';
  frames: number;
  bytes: number;
  open: number;
  closedByServer: number;
  latency: Array<[number, number]>;
  /** With `items`: per item (its `recordedAt`), the earliest and latest delay of its frames here, in ms. */
  items?: Array<[string, number, number]>;
}

const histogram = new LatencyHistogram();
/** Per item (its `recordedAt` stamp): [earliest, latest] delay of its frames in this process. */
let items = new Map<string, [number, number]>();
const requests = new Set<ClientRequest>();
const sockets = new Set<WebSocket>();
let frames = 0;
let bytes = 0;
let open = 0;
let closedByServer = 0;
let closing = false;
/** Items recorded before this instant (epoch ms) are not counted: they belong to an earlier measurement. */
let since = 0;
const MARK = Buffer.from('"recordedAt":"');
const STAMP = 24; // 2024-10-02T12:34:56.789Z
const WINDOW = MARK.length + STAMP;

/**
 * Counts data frames in a chunk without decoding it: every feed item carries exactly one `recordedAt`, so each
 * occurrence is one frame, and its timestamp gives the latency. `carry` is the previous chunk's tail, so an
 * occurrence cut in two by a chunk boundary is counted once, in the chunk where it ends.
 */
function scan(carry: Buffer, chunk: Buffer): Buffer {
  const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
  let at = data.indexOf(MARK);
  while (at >= 0 && at + WINDOW <= data.length) {
    if (at + WINDOW > carry.length) {
      const stamp = data.toString('latin1', at + MARK.length, at + WINDOW);
      const sent = Date.parse(stamp);
      if (!(sent < since)) {
        frames++;
        if (Number.isFinite(sent)) {
          const delay = Date.now() - sent;
          histogram.record(delay);
          const seen = items.get(stamp);
          if (!seen) items.set(stamp, [delay, delay]);
          else if (delay < seen[0]) seen[0] = delay;
          else if (delay > seen[1]) seen[1] = delay;
        }
      }
    }
    at = data.indexOf(MARK, at + 1);
  }
  return Buffer.from(data.subarray(Math.max(0, data.length - (WINDOW - 1))));
}

function connectOne(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(false);
        return;
      }
      open++;
      resolve(true);
      let carry: Buffer = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        carry = scan(carry, chunk);
      });
      res.on('close', () => {
        open--;
        if (!closing) closedByServer++;
        requests.delete(req);
      });
    });
    req.on('error', () => resolve(false));
    requests.add(req);
  });
}

/** A WebSocket subscriber: open, send the subscribe message, count items from the `subscribed` answer on. */
function connectWs(url: string, subscribe: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (ok) open++;
      resolve(ok);
    };
    ws.on('open', () => ws.send(subscribe));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      // binaryType is 'nodebuffer' (the default): every message is one Buffer.
      const data = raw as Buffer;
      if (!settled) return settle(data.includes('"subscribed"'));
      bytes += data.length;
      scan(Buffer.alloc(0), data);
    });
    ws.on('error', () => settle(false));
    ws.on('close', () => {
      if (!settled) return settle(false);
      open--;
      if (!closing) closedByServer++;
      sockets.delete(ws);
    });
    sockets.add(ws);
  });
}

async function connect(
  url: string,
  count: number,
  concurrency: number,
  subscribe?: string,
): Promise<{ connected: number; failed: number }> {
  let next = 0;
  let connected = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      if (await (subscribe === undefined ? connectOne(url) : connectWs(url, subscribe))) connected++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { connected, failed };
}

const onMessage = async (m: ClientCommand) => {
  if (m.cmd === 'connect') {
    const result = await connect(m.url, m.count, m.concurrency, m.subscribe);
    process.send!({ type: 'connected', ...result });
  } else if (m.cmd === 'stats') {
    const stats: ClientStats = {
      type: 'stats',
      frames,
      bytes,
      open,
      closedByServer,
      latency: histogram.toSparse(),
      ...(m.items ? { items: [...items].map(([stamp, [first, last]]) => [stamp, first, last] as [string, number, number]) } : {}),
    };
    if (m.reset) {
      since = m.since ?? 0;
      histogram.reset();
      items = new Map();
      frames = 0;
      bytes = 0;
    }
    process.send!(stats);
  } else if (m.cmd === 'close') {
    closing = true;
    for (const req of requests) req.destroy();
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
};
process.on('message', (m: ClientCommand) => void onMessage(m));
process.on('disconnect', () => process.exit(0));
