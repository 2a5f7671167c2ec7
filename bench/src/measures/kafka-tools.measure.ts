import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../config/bench.config';

/** Runs a main class of the broker's own jars (infra/kafka/kafka.sh run-class); resolves with its output. */
function runClass(mainClass: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'infra', 'kafka', 'kafka.sh'), 'run-class', mainClass, ...args], {
      cwd: ROOT,
      env: { ...env, KAFKA_TOOL_HEAP_OPTS: '-Xmx384m' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${mainClass} exited ${code}: ${out.slice(-800)}`))));
  });
}

/**
 * Kafka's ProducerPerformance on our topic settings with our payloads (one wire event per line), acks=all.
 * The first tenth is its warm-up; the steady-state rate is the figure.
 */
export async function producerPerformance(options: {
  brokers: string[];
  topic: string;
  records: number;
  payloadFile: string;
  env: Record<string, string>;
}): Promise<number> {
  const out = await runClass(
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--bootstrap-server',
      options.brokers.join(','),
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--throughput',
      '-1',
      '--payload-file',
      options.payloadFile,
      '--warmup-records',
      String(Math.floor(options.records / 10)),
      '--command-property',
      'acks=all',
    ],
    options.env,
  );
  const line =
    out.split('\n').find((l) => l.includes('steady state records sent')) ?? out.split('\n').find((l) => l.includes('records sent'));
  const rate = Number(/([\d.]+) records\/sec/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(rate)) throw new Error(`could not read ProducerPerformance output: ${out.slice(-500)}`);
  return rate;
}

/** Kafka's ConsumerPerformance reading the same topic back; fetch.nMsg.sec leaves the group join out. */
export async function consumerPerformance(options: {
  brokers: string[];
  topic: string;
  records: number;
  group: string;
  env: Record<string, string>;
}): Promise<number> {
  const out = await runClass(
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      options.brokers.join(','),
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--group',
      options.group,
      '--timeout',
      '30000',
    ],
    options.env,
  );
  const lines = out.split('\n').map((l) => l.trim());
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  if (header < 0 || !lines[header + 1]) throw new Error(`could not read ConsumerPerformance output: ${out.slice(-500)}`);
  const names = lines[header].split(',').map((s) => s.trim());
  const values = lines[header + 1].split(',').map((s) => s.trim());
  const rate = Number(values[names.indexOf('fetch.nMsg.sec')]);
  if (!Number.isFinite(rate)) throw new Error(`no fetch.nMsg.sec in ConsumerPerformance output: ${out.slice(-500)}`);
  return rate;
}
