import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, pollUntil } from '@newsroom/testing';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', 'infra', 'kafka', 'kafka.sh');

/** A Kafka broker of one test's own (infra/kafka/kafka.sh on free ports, a temp data dir): never the shared one. */
export interface OwnBroker {
  port: number;
  brokers: string[];
  start(): Promise<void>;
  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
  /** Stops it and removes its data dir. */
  remove(): Promise<void>;
}

export async function ownBroker(label: string): Promise<OwnBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), `${label}-kafka-`));
  const port = await freePort();
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx256m',
    // A broker of minutes: the JVM profile that starts on less CPU (infra/kafka/README.md).
    KAFKA_JVM_PROFILE: 'quick-start',
  };
  const kafkaSh = (cmd: 'start' | 'stop') => run('bash', [KAFKA_SH, cmd], { env, timeout: 120000 }).then(() => undefined);
  const pid = () => Number(readFileSync(join(dataDir, 'kafka.pid'), 'utf8').trim());
  return {
    port,
    brokers: [`127.0.0.1:${port}`],
    start: () => kafkaSh('start'),
    kill: async () => {
      const p = pid();
      process.kill(p, 'SIGKILL');
      await pollUntil(
        () => {
          try {
            process.kill(p, 0);
            return false;
          } catch {
            return true;
          }
        },
        { what: 'broker process gone' },
      );
    },
    freeze: () => process.kill(pid(), 'SIGSTOP'),
    thaw: () => process.kill(pid(), 'SIGCONT'),
    remove: async () => {
      try {
        process.kill(pid(), 'SIGCONT');
      } catch {
        /* not running */
      }
      await kafkaSh('stop').catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
