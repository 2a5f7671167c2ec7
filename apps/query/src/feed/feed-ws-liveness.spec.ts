import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { FeedHub } from './feed-hub.service';
import { FeedWsConnection } from './feed-ws.connection';

/** Just what the connection's liveness uses of a ws socket: ping, pong events, terminate. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  ping() {
    this.pings++;
  }
  pong() {
    this.emit('pong');
  }
  terminate() {
    this.terminated = true;
  }
  send() {}
  close() {}
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function connection() {
  const socket = new FakeSocket();
  const conn = new FeedWsConnection(socket as unknown as WebSocket, {} as FeedHub, 1 << 20, 60_000, () => undefined);
  return { socket, conn };
}

describe('WebSocket liveness (FeedWsConnection.tick)', () => {
  it('keeps a peer that answers every ping', async () => {
    const { socket, conn } = connection();
    for (let i = 0; i < 5; i++) {
      conn.tick();
      socket.pong();
      await nextTurn();
    }
    expect(socket.pings).toBe(5);
    expect(socket.terminated).toBe(false);
  });

  it('terminates a peer that leaves a ping unanswered through two more ticks', async () => {
    const { socket, conn } = connection();
    conn.tick(); // ping
    conn.tick(); // one miss: forgiven
    await nextTurn();
    expect(socket.terminated).toBe(false);
    conn.tick(); // second miss: judged once the sockets have been read
    expect(socket.terminated).toBe(false);
    await nextTurn();
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toBe(1);
  });

  it('does not terminate a peer whose pong was read after a late tick (the server stalled, not the peer)', async () => {
    const { socket, conn } = connection();
    conn.tick(); // ping
    conn.tick(); // the process stalled: this tick comes late, the pong is still unread
    conn.tick();
    socket.pong(); // the loop reads the socket before the verdict runs
    await nextTurn();
    expect(socket.terminated).toBe(false);
    conn.tick(); // answered: a fresh ping
    expect(socket.pings).toBe(2);
  });
});
