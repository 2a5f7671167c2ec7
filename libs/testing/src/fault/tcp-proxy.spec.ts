import { createConnection, createServer, Server, Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy.harness';

/** An echo server behind the proxy: what a client writes comes back through both directions of the proxy. */
describe('TcpProxy', () => {
  let echo: Server;
  let echoPort: number;
  let proxy: TcpProxy;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    echo = createServer((s) => s.on('error', () => undefined).pipe(s));
    echoPort = await new Promise<number>((r) => echo.listen(0, '127.0.0.1', () => r((echo.address() as { port: number }).port)));
  });
  beforeEach(async () => {
    proxy = await TcpProxy.start(echoPort);
  });
  afterEach(async () => {
    sockets.forEach((s) => s.destroy());
    await proxy.close();
  });
  afterAll(() => new Promise<void>((r) => echo.close(() => r())));

  const connect = async () => {
    const s = createConnection({ host: '127.0.0.1', port: proxy.port });
    sockets.push(s);
    s.on('error', () => undefined);
    s.setEncoding('utf8');
    await new Promise((r) => s.once('connect', r));
    let received = '';
    s.on('data', (d: Buffer) => (received += d.toString()));
    return { s, received: () => received };
  };
  const until = async (f: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!f()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('forwards both ways, in order, with added latency', async () => {
    const c = await connect();
    proxy.setLatency(50);
    const started = Date.now();
    for (let i = 0; i < 20; i++) c.s.write(`${i},`);
    await until(() => c.received().split(',').length === 21);
    expect(c.received()).toBe(Array.from({ length: 20 }, (_, i) => `${i},`).join(''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90); // at least one delay each way
  });

  it('holds everything during a blackhole, new connections too, and lets it flow on heal', async () => {
    const c = await connect();
    proxy.blackhole();
    c.s.write('held');
    const late = await connect();
    late.s.write('late');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.received()).toBe('');
    expect(late.received()).toBe('');
    proxy.heal();
    await until(() => c.received() === 'held' && late.received() === 'late');
  });

  it('resets every open connection and accepts new ones', async () => {
    const c = await connect();
    const closed = new Promise((r) => c.s.once('close', r));
    c.s.on('error', () => undefined);
    proxy.resetAll();
    await closed;
    expect(proxy.connections).toBe(0);
    const again = await connect();
    again.s.write('ok');
    await until(() => again.received() === 'ok');
  });
});
