import { createServer, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { httpDrain } from './http-drain.util';

/**
 * The drain on a real server over loopback, with raw sockets as kept-alive clients: a request sent on a kept-alive
 * connection while the server stops is answered (with `Connection: close`), never reset.
 */
describe('httpDrain', () => {
  let server: Server;
  let port: number;
  let release: (() => void) | null;
  const clients: Socket[] = [];

  const start = async (graceMs: number) => {
    release = null;
    server = createServer((req, res) => {
      const answer = () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`ok ${req.url}`);
      if (req.url === '/slow') release = answer;
      else answer();
    });
    const drain = httpDrain(server, graceMs);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    return drain;
  };
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
      clients.push(socket);
    });
  /** Sends one request and reads its answer's head and whether the server then closed the connection. */
  const send = (socket: Socket, path: string) =>
    new Promise<{ head: string; closed: Promise<'closed'> }>((resolve, reject) => {
      let text = '';
      const closed = new Promise<'closed'>((r) => socket.once('close', () => r('closed')));
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes(`ok ${path}`)) {
          socket.off('data', onData);
          resolve({ head: text.split('\r\n\r\n')[0], closed });
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
    });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('given a kept-alive connection idle at the drain, when it sends a request, then it is answered with Connection: close and the drain ends with it', async () => {
    const drain = await start(60_000);
    const socket = await open();
    expect((await send(socket, '/first')).head).toMatch(/connection: keep-alive/i);

    const drained = drain();
    const { head, closed } = await send(socket, '/second');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/connection: close/i);
    expect(await closed).toBe('closed');
    // Nothing was left to close: the drain ended when the last connection did, not at the grace.
    expect(await drained).toMatchObject({ closedIdle: 0, busy: 0 });
  });

  it('given a request in progress at the drain, then its answer carries Connection: close and new connections are refused', async () => {
    const drain = await start(60_000);
    const socket = await open();
    const answered = send(socket, '/slow');
    await new Promise<void>((resolve) => {
      const wait = () => (release ? resolve() : setImmediate(wait));
      wait();
    });
    const drained = drain();
    await expect(open()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release!();
    const { head, closed } = await answered;
    expect(head).toMatch(/connection: close/i);
    await closed;
    expect(await drained).toMatchObject({ closedIdle: 0, busy: 0 });
  });

  it('given a kept-alive connection that sends nothing, then it is closed once the grace is over', async () => {
    const drain = await start(50);
    const socket = await open();
    const { closed } = await send(socket, '/only');
    expect(await drain()).toMatchObject({ closedIdle: 1, busy: 0 });
    expect(await closed).toBe('closed');
  });
});
