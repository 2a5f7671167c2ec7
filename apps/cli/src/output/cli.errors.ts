import { terminalLines } from './terminal-text.util';

/** An error the CLI prints as it is (no stack), with what to do next, and the exit code it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * The error as terminal text. Messages carry what a service answered, a file held or a parser quoted from it, so
 * each line is escaped (terminal-text.util): the line breaks the CLI puts between a message, its fields and its
 * hint stay, an ESC or CR inside them is shown.
 */
export function describeError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof CliError)
    return { text: terminalLines(`error: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}`), exitCode: error.exitCode };
  const e = error as Error;
  return { text: terminalLines(`error: ${e?.message ?? String(error)}`), exitCode: 1 };
}
