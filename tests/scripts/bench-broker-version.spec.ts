import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerAgeLine, WARM_BROKER_SECONDS } from '../../bench/src/report/markdown';
import { localBrokerUptimeSeconds, localBrokerVersion } from '../../bench/src/report/machine';

// The bench records which Kafka it measured. A broker started from another checkout has no version file in this
// one, so the bench reads it from the broker's own process: its arguments and its server.properties.
describe('bench: the Kafka release of the broker listening on a port, from the process table', () => {
  let root: string;
  const proc = () => join(root, 'proc');
  const broker = (pid: number, checkout: string, version: string, port: number) => {
    const data = join(root, checkout, 'infra', 'kafka', '.data');
    mkdirSync(data, { recursive: true });
    writeFileSync(
      join(data, 'server.properties'),
      `process.roles=broker,controller\nlisteners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}\n`,
    );
    mkdirSync(join(proc(), String(pid)), { recursive: true });
    const args = [
      'java',
      '-server',
      '-cp',
      `${root}/${checkout}/infra/kafka/.cache/${version}/lib/*`,
      'kafka.Kafka',
      join(data, 'server.properties'),
    ];
    writeFileSync(join(proc(), String(pid), 'cmdline'), args.join('\0') + '\0');
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-broker-version-'));
    mkdirSync(join(proc(), 'self'), { recursive: true });
    mkdirSync(join(proc(), '12'), { recursive: true });
    writeFileSync(join(proc(), '12', 'cmdline'), 'node\0bench/run.js\0');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names the release of the broker on that port, whichever checkout started it', () => {
    broker(300, 'other-checkout', '4.4.0', 9092);
    broker(301, 'fault-test', '3.9.1', 29092);
    expect(localBrokerVersion(9092, proc())).toBe('4.4.0');
    expect(localBrokerVersion(29092, proc())).toBe('3.9.1');
  });

  it('does not take a controller port for the broker, and answers null when nothing here listens there', () => {
    broker(300, 'other-checkout', '4.4.0', 9092);
    expect(localBrokerVersion(9093, proc())).toBeNull();
    expect(localBrokerVersion(19092, proc())).toBeNull();
  });

  it('reads the version file beside the properties when the jars are not under a versioned cache', () => {
    const data = join(root, 'elsewhere');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'server.properties'), 'listeners=PLAINTEXT://127.0.0.1:9092\n');
    writeFileSync(join(data, 'kafka.version'), '4.1.0\n');
    mkdirSync(join(proc(), '400'), { recursive: true });
    writeFileSync(
      join(proc(), '400', 'cmdline'),
      ['java', '-cp', '/opt/kafka/libs/*', 'kafka.Kafka', join(data, 'server.properties')].join('\0'),
    );
    expect(localBrokerVersion(9092, proc())).toBe('4.1.0');
  });

  // A broker's first minutes run slower (its JIT compiling): the results say how long it had run, from /proc.
  it("tells how long that broker has run: the machine's uptime less the process start, in clock ticks", () => {
    broker(300, 'other-checkout', '4.4.0', 9092);
    writeFileSync(join(proc(), 'uptime'), '1000.42 1900.10\n');
    // pid (comm) state, then fields 4..21, then field 22 (starttime) = 93,000 ticks: started 930 s after boot.
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '93000', '1', '2'];
    writeFileSync(join(proc(), '300', 'stat'), `300 (java main) ${fields.join(' ')}\n`);
    expect(localBrokerUptimeSeconds(9092, proc())).toBe(70);
    expect(localBrokerUptimeSeconds(19092, proc())).toBeNull();
  });
});

describe("bench: the broker's age in the results header", () => {
  it('says how long the broker had run, and warns while it was still warming', () => {
    expect(brokerAgeLine(70)).toMatch(/^The Kafka broker had run 1 min 10 s when the run started\. A broker this young is still warming/);
    expect(brokerAgeLine(WARM_BROKER_SECONDS + 5)).toBe('The Kafka broker had run 10 min 5 s when the run started.');
    expect(brokerAgeLine(3 * 3600 + 100)).toBe('The Kafka broker had run 3 h when the run started.');
    expect(brokerAgeLine(null)).toBeNull();
    expect(brokerAgeLine(undefined)).toBeNull();
  });
});
