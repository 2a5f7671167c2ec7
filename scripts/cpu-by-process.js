#!/usr/bin/env node
// `npm run cpu-by-process -- <command> [args...]` (e.g. `npm run cpu-by-process -- npm test`): runs the command and,
// every second while it runs, reads the CPU time of every process on the machine from /proc (Linux), so the
// processes the command starts and ends are counted too; at the end prints where the CPU went, by kind of process
// (each app, the shared broker, the tests' own brokers, the tool JVMs, jest's workers, Postgres...), with how many
// processes of each kind ran. The suite is CPU-bound on 2-core machines (vmstat idle 0%), so this table, not the
// files' durations, says what would shorten it. A process that starts and ends between two samples is not seen.
'use strict';
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const HZ = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second on Linux.

/** The kind of a process, from its command line. */
function categorize(cmdline) {
  if (/\bjava\b/.test(cmdline)) {
    if (/ kafka\.Kafka /.test(cmdline)) return /TieredStopAtLevel=1/.test(cmdline) ? 'kafka broker (quick-start)' : 'kafka broker';
    return 'java tools (storage format, readiness, perf tools...)';
  }
  if (/^postgres|^postgres:|\/bin\/postgres /.test(cmdline)) return 'postgres';
  const app = /dist\/apps\/(\w+)\/src\/(\S+)\.js/.exec(cmdline);
  if (app) return app[2] === 'main' ? `app ${app[1]}` : `app ${app[1]} (${app[2].split('/').pop()})`;
  if (/jest-worker|processChild\.js/.test(cmdline)) return 'jest workers';
  if (/\bjest\b/.test(cmdline)) return 'jest (main)';
  if (/eslint|prettier|knip|depcruise|typescript\/bin\/tsc|redocly/.test(cmdline)) return 'static checks and build';
  if (/chrom/.test(cmdline)) return 'chromium';
  if (/bench\//.test(cmdline)) return 'bench';
  if (/initdb|pg_ctl/.test(cmdline)) return 'postgres tools';
  if (/\bnode\b/.test(cmdline)) return 'other node';
  return 'other';
}

/** Rows of [kind, cpu seconds, processes], largest first, from per-process records. */
function summarize(records) {
  const byKind = new Map();
  for (const r of records) {
    if (!(r.cpu > 0)) continue;
    const row = byKind.get(r.kind) ?? { cpu: 0, processes: 0 };
    row.cpu += r.cpu;
    row.processes += 1;
    byKind.set(r.kind, row);
  }
  return [...byKind].map(([kind, row]) => [kind, row.cpu, row.processes]).sort((a, b) => b[1] - a[1]);
}

/** A markdown table of the rows, with each kind's share of the total. */
function table(rows, wallSeconds) {
  const total = rows.reduce((s, r) => s + r[1], 0);
  const lines = [
    `CPU by process kind over ${wallSeconds.toFixed(0)} s: ${total.toFixed(0)} s of CPU (${(total / wallSeconds).toFixed(2)} cores busy on average)`,
    '',
    '| kind | CPU s | share | processes |',
    '|---|---:|---:|---:|',
    ...rows.map(([kind, cpu, n]) => `| ${kind} | ${cpu.toFixed(1)} | ${((100 * cpu) / (total || 1)).toFixed(1)}% | ${n} |`),
  ];
  return lines.join('\n');
}

/** Samples /proc until stopped; records only the CPU a process used after the first sample (not the machine's past). */
function sampler() {
  const seen = new Map();
  let first = true;
  const tick = () => {
    let pids;
    try {
      pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpu = (Number(fields[11]) + Number(fields[12])) / HZ;
        const key = `${pid}:${fields[19]}`; // pid and start time: a reused pid is another process
        let r = seen.get(key);
        if (!r) {
          const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
          if (!cmdline) continue; // kernel threads
          r = { kind: categorize(cmdline), base: first ? cpu : 0, cpu: 0 };
          seen.set(key, r);
        }
        r.cpu = cpu - r.base;
      } catch {
        // gone between readdir and read
      }
    }
    first = false;
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return [...seen.values()];
    },
  };
}

function main(argv) {
  if (!argv.length || !fs.existsSync('/proc/self/stat')) {
    process.stderr.write('usage: npm run cpu-by-process -- <command> [args...]   (Linux: reads /proc)\n');
    return process.exit(2);
  }
  const started = Date.now();
  const s = sampler();
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  // Ctrl-C reaches the command from the terminal (same process group); passing it on as well would be a second SIGINT
  // (the bench and npm stop their clean-up on a second). Here it only waits for the command to end, then prints.
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => {
    const rows = summarize(s.stop());
    process.stdout.write(`\n${table(rows, (Date.now() - started) / 1000)}\n`);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

module.exports = { categorize, summarize, table };

if (require.main === module) main(process.argv.slice(2));
