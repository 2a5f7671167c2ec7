// eslint-disable-next-line @typescript-eslint/no-require-imports
const { formatLogLine, consoleLevel } = require('../../scripts/pretty-log.js');

describe('formatLogLine (npm start terminal output)', () => {
  const time = new Date(2026, 10, 29, 9, 5, 7, 42).getTime();

  it('one line: level and service first, then time, context, message and the other fields', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 1,
      hostname: 'h',
      service: 'relay',
      context: 'RelayLoop',
      msg: 'published',
      count: 12,
      topic: 'newsroom.events.v1',
    });
    expect(formatLogLine('relay', line)).toBe('INFO  relay     09:05:07.042 [RelayLoop] published count=12 topic=newsroom.events.v1');
  });

  it('requests and errors in short; strings with spaces quoted; multi-line messages folded', () => {
    const req = JSON.stringify({
      level: 50,
      time,
      service: 'query',
      req: { method: 'GET', url: '/v1/feed' },
      res: { statusCode: 503 },
      responseTime: 4,
      msg: 'request errored',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n  at x' },
    });
    expect(formatLogLine('query', req)).toBe('ERROR query     09:05:07.042 request errored GET /v1/feed -> 503 (4 ms) err="Error: boom"');
    expect(formatLogLine('ingest', JSON.stringify({ level: 40, msg: 'slow\n  store', reason: 'a b' }))).toBe(
      'WARN  ingest    slow store reason="a b"',
    );
  });

  it('colours the level on a terminal', () => {
    expect(formatLogLine('ingest', JSON.stringify({ level: 40, msg: 'x' }), { color: true })).toBe('\x1b[33mWARN \x1b[0m ingest    x');
  });

  it('hides lines below the level and Nest start-up chatter; shows text that is not JSON as it is', () => {
    expect(formatLogLine('ingest', JSON.stringify({ level: 20, msg: 'debug' }))).toBeNull();
    expect(
      formatLogLine('ingest', JSON.stringify({ level: 30, context: 'RouterExplorer', msg: 'Mapped {/v1/events, POST} route' })),
    ).toBeNull();
    expect(formatLogLine('ingest', JSON.stringify({ level: 20, msg: 'debug' }), { minLevel: 20 })).toBe('DEBUG ingest    debug');
    expect(formatLogLine('query', 'Error: Cannot find module x')).toBe('OUT   query     Error: Cannot find module x');
    expect(formatLogLine('query', '   ')).toBeNull();
    expect([consoleLevel({}), consoleLevel({ NEWSROOM_CONSOLE_LEVEL: 'WARN' })]).toEqual([30, 40]);
  });
});
