import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ROOT } from '../config/bench.config';

/** What the figures ran on: they mean nothing without it. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  kafka: string;
  loadStart: number[];
  loadEnd: number[];
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

export async function machineInfo(serverUrl: string): Promise<MachineInfo> {
  let postgres = 'unknown';
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
    postgres = (await client.query('SHOW server_version')).rows[0].server_version;
  } catch {
    /* reported as unknown */
  } finally {
    await client.end().catch(() => undefined);
  }
  const versionFile = join(ROOT, 'infra', 'kafka', '.data', 'kafka.version');
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    postgres,
    kafka: existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown',
    loadStart: load(),
    loadEnd: [],
  };
}

export const loadNow = load;
