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

export function describeError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof CliError)
    return { text: `error: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}`, exitCode: error.exitCode };
  const e = error as Error;
  return { text: `error: ${e?.message ?? String(error)}`, exitCode: 1 };
}
