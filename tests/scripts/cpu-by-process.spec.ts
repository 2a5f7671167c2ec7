import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { categorize, summarize, table } = require('../../scripts/cpu-by-process.js');

describe('npm run cpu-by-process (where the CPU of a command and the processes it starts went)', () => {
  it('tells the kinds of process the suite starts apart by their command lines', () => {
    const broker = 'java -Xms128m -server -XX:+UseG1GC -cp /x/lib/* kafka.Kafka /tmp/d/server.properties';
    expect(categorize(broker)).toBe('kafka broker');
    expect(categorize(broker.replace('-XX:+UseG1GC', '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'))).toBe('kafka broker (quick-start)');
    expect(categorize('java -Xmx256m -cp /x/lib/* kafka.tools.StorageTool format -t id')).toMatch(/^java tools/);
    expect(categorize('/usr/bin/node -r /r/scripts/register-paths.js /r/dist/apps/ingest/src/main.js')).toBe('app ingest');
    expect(categorize('node -r ./scripts/register-paths.js dist/apps/projector/src/rebuild/rebuild.main.js')).toBe(
      'app projector (rebuild.main)',
    );
    expect(categorize('postgres: 15/main: postgres newsroom_t_x 127.0.0.1(5000) idle')).toBe('postgres');
    expect(categorize('/usr/lib/postgresql/15/bin/postgres -D /tmp/pg -p 5999')).toBe('postgres');
    expect(categorize('/usr/bin/node /r/node_modules/jest-worker/build/workers/processChild.js')).toBe('jest workers');
    expect(categorize('node /r/node_modules/.bin/eslint --cache .')).toBe('static checks and build');
  });

  it('sums CPU and counts processes by kind, largest first, and shares them in a table', () => {
    const rows = summarize([
      { kind: 'app ingest', cpu: 2 },
      { kind: 'postgres', cpu: 1 },
      { kind: 'app ingest', cpu: 3 },
      { kind: 'other', cpu: 0 },
    ]);
    expect(rows).toEqual([
      ['app ingest', 5, 2],
      ['postgres', 1, 1],
    ]);
    const text = table(rows, 10);
    expect(text).toContain('6 s of CPU (0.60 cores busy on average)');
    expect(text).toContain('| app ingest | 5.0 | 83.3% | 2 |');
  });

  it('runs a command, passes its exit code on, and counts the CPU of a process it started', () => {
    // 1.5 s of its own CPU, not of wall time: on a busy machine (the suite's other lanes) a wall-time loop got 0.5 s.
    const busy =
      'const t = Date.now(); const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (cpu() < 1500 && Date.now() - t < 20000); process.exit(3)';
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'cpu-by-process.js'), process.execPath, '-e', busy], {
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(3);
    const row = /\| other node \| ([\d.]+) \|/.exec(r.stdout);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0.5);
  });
});
