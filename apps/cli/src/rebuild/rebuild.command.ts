import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ROOT } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { ProgressBar } from '../output/progress-bar.renderer';
import { parseRebuildProgress } from './rebuild-progress.util';

/** The projector's own rebuild (apps/projector/src/rebuild), the one `npm run rebuild` runs, with a progress bar. */
const REBUILD_MAIN = join(ROOT, 'dist', 'apps', 'projector', 'src', 'rebuild', 'rebuild.main.js');

export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .description('rebuild read models from the event store into shadow tables and swap them in (the live projector keeps serving)')
    .argument('[projection...]', 'projection names, or all (the default)')
    .option('--batch <n>', 'events per batch')
    .option('--database-url <url>', 'the database (default: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/newsroom)')
    .addHelpText(
      'after',
      [
        '',
        '  newsroom rebuild            # every read model',
        '  newsroom rebuild leadership departures --batch 5000',
        '',
        'Exit codes: 0 done, 1 failed, 2 bad usage, 3 refused (a rebuild of one of them is already running),',
        '128+n stopped by signal n (130 after Ctrl-C, 143 after SIGTERM; the signal is passed on to the rebuild,',
        'which stops and leaves the live read models as they were).',
      ].join('\n'),
    )
    .action(async (projections: string[], o: { batch?: string; databaseUrl?: string }) => {
      if (!existsSync(REBUILD_MAIN)) throw new CliError(`${REBUILD_MAIN} is missing`, 'run `npm run build` first');
      const args = ['-r', join(ROOT, 'scripts', 'register-paths.js'), REBUILD_MAIN, ...(projections.length ? projections : ['all'])];
      if (o.batch) args.push(`--batch=${o.batch}`);
      const env = { ...process.env, ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
      process.exitCode = await runWithBar(args, env);
    });
}

function runWithBar(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const bar = new ProgressBar('events');
    let tail = '';
    const onLine = (line: string) => {
      const p = parseRebuildProgress(line);
      // On a terminal the bar replaces the progress lines; everything else (start, done, errors) is printed as it comes.
      if (p && process.stderr.isTTY) return bar.update(p.position, p.head, `${p.phase} ${p.position}/${p.head}`);
      bar.clear();
      process.stdout.write(`${line}\n`);
    };
    child.stdout.on('data', (d: Buffer) => {
      const lines = (tail + d.toString()).split('\n');
      tail = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onLine);
    });
    let said = '';
    child.stderr.on('data', (d: Buffer) => {
      bar.clear();
      process.stderr.write(d);
      said = (said + d.toString()).slice(-4000);
    });
    // A stop asked of the CLI (a supervisor's SIGTERM, Ctrl-C) is passed on: the rebuild stops too, not orphaned.
    const forward = (signal: NodeJS.Signals) => void child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
    signals.forEach((s) => process.on(s, forward));
    child.on('error', (error) => {
      signals.forEach((s) => process.off(s, forward));
      reject(error);
    });
    child.on('close', (code, signal) => {
      signals.forEach((s) => process.off(s, forward));
      if (tail) onLine(tail);
      bar.done();
      // Its own codes (0 done, 1 failed, 2 bad usage, 3 refused, 128+n stopped by signal n) are the CLI's.
      // The hint about the database only when the rebuild could not reach it; any other failure says its own reason above.
      if (code === 1 && UNREACHABLE.test(said))
        process.stderr.write(
          "rebuild failed: is Postgres up and DATABASE_URL (or --database-url) the stack's database? `newsroom stack status` shows the stack\n",
        );
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** What a rebuild says when it cannot reach its database (refused, unknown host, no such database, a login refused, cut off). */
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|database "[^"]*" does not exist|authentication failed|Connection terminated|timeout expired/i;
