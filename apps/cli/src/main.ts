import { Command, CommanderError } from 'commander';
import { CliConfig, GlobalOptions, resolveConfig } from './cli.config';
import { registerCorrect } from './correct/correct.command';
import { registerIngest } from './ingest/ingest.command';
import { describeError } from './output/cli.errors';
import { registerRebuild } from './rebuild/rebuild.command';
import { registerReport } from './report/report.command';
import { registerResolve } from './resolve/resolve.command';
import { registerRetract } from './retract/retract.command';
import { registerStack } from './stack/stack.command';
import { registerTail } from './tail/tail.command';

/** The `newsroom` command line: one folder per subcommand; bin/newsroom.js runs it from dist/. */
export function buildProgram(): Command {
  const program = new Command('newsroom')
    .description('Record, correct and follow story events; read reports; run the local stack.')
    .option('--ingest-url <url>', 'the write API (env NEWSROOM_INGEST_URL; default http://127.0.0.1:3001)')
    .option('--query-url <url>', 'the query service (env NEWSROOM_QUERY_URL; default http://127.0.0.1:3000)')
    .option('--url <url>', 'one base URL serving both, e.g. behind a proxy (env NEWSROOM_URL)')
    .option('--key <secret>', 'API key (env NEWSROOM_API_KEY; default: the development key in .run/dev-api-key)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', "\nRun `newsroom <command> --help` for a command's options and examples.")
    // Before the subcommands exist: they copy it when made, so their usage errors throw to run() too instead of
    // exiting the process with commander's own code.
    .exitOverride();
  const config = (): CliConfig => resolveConfig(program.opts<GlobalOptions>());
  registerIngest(program, config);
  registerCorrect(program, config);
  registerRetract(program, config);
  registerResolve(program, config);
  registerTail(program, config);
  registerReport(program, config);
  registerRebuild(program);
  registerStack(program);
  return program;
}

export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; usage errors (printed by commander) end with 2 as the README says, not
      // commander's 1, which scripts would read as a refused request.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { text, exitCode } = describeError(error);
    process.stderr.write(`${text}\n`);
    process.exitCode = exitCode;
  }
}
