/**
 * A reader that leaves early (`newsroom report timeline | head -3`) closes the pipe: the next write to stdout fails
 * with EPIPE, which Node reports as an 'error' event on stdout, and unheard that crashes the process with a stack
 * trace. OutputWatch hears it: `closed` turns true and `onClosed` runs (stop reading, stop a stream), so the command
 * ends quietly; `finish()` says any other write error (a full disk: the output is incomplete) on stderr, exit 1.
 * The listener stays after `finish()`: an EPIPE may still be reported after the last write.
 */
export class OutputWatch {
  private failure: NodeJS.ErrnoException | undefined;

  constructor(
    private readonly onClosed: () => void = () => undefined,
    out: NodeJS.WritableStream = process.stdout,
  ) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (this.failure) return;
      this.failure = error;
      this.onClosed();
    });
  }

  /** The output failed (its reader left, or another write error): write nothing more to it. */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  finish(): void {
    if (this.failure && this.failure.code !== 'EPIPE') {
      process.stderr.write(`error: cannot write the output: ${this.failure.message}\n`);
      process.exitCode = 1;
    }
  }
}
