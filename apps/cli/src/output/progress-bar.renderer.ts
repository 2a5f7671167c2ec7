/** Progress with rate and ETA: a redrawn bar on a terminal, plain lines otherwise (CI logs, pipes). */
export interface ProgressState {
  /** Work done and total, in any unit (ingest: bytes of the file). */
  done: number;
  total: number;
  elapsedMs: number;
  /** What the rate counts (ingest: lines), when it is not `done`. */
  count?: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Units per second over the elapsed time, and the time left at the pace so far (null before anything is done). */
export function rateAndEta(p: ProgressState): { rate: number; etaMs: number | null } {
  const rate = p.elapsedMs > 0 ? ((p.count ?? p.done) / p.elapsedMs) * 1000 : 0;
  if (p.done >= p.total) return { rate, etaMs: 0 };
  if (p.done <= 0 || p.elapsedMs <= 0) return { rate, etaMs: null };
  return { rate, etaMs: (Math.max(0, p.total - p.done) * p.elapsedMs) / p.done };
}

/** The share done, from 0 to 1; all of nothing (an empty file, a rebuild with no events) is all done. */
const ratioOf = (done: number, total: number) => (total > 0 ? Math.min(1, done / total) : done >= total ? 1 : 0);

/** `[#########-----------]  45%  1200/2650 lines  830/s  ETA 2s` (width is the bar's). */
export function renderBar(p: ProgressState, unit: string, label: string, width = 24): string {
  const ratio = ratioOf(p.done, p.total);
  const filled = Math.round(ratio * width);
  const { rate, etaMs } = rateAndEta(p);
  const eta = ratio >= 1 ? 'done' : `ETA ${etaMs === null ? '?' : formatDuration(etaMs)}`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${label}  ${Math.round(rate)} ${unit}/s  ${eta}`;
}

export interface ProgressOutput {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

/** Draws on `out` (stderr by default, so stdout stays the results): redrawn in place on a TTY, a line per second otherwise. */
export class ProgressBar {
  private readonly started: number;
  private lastPlain = 0;
  private lastDone = -1;
  private drawn = false;

  /** What the rate counts, plural (`lines`); ingest names it once it knows the file (`elements` of a JSON array). */
  constructor(
    public unit: string,
    private readonly out: ProgressOutput = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** `count`: what the rate counts when it is not `done` (ingest: lines read, while done/total are bytes). */
  update(done: number, total: number, label: string, count?: number): void {
    const state = { done, total, elapsedMs: this.now() - this.started, count };
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${renderBar(state, this.unit, label)}`);
      this.drawn = true;
      return;
    }
    if (done === this.lastDone || (this.now() - this.lastPlain < 1000 && done < total)) return;
    this.lastPlain = this.now();
    this.lastDone = done;
    const { rate, etaMs } = rateAndEta(state);
    const pct = Math.floor(ratioOf(done, total) * 100);
    this.out.write(`progress: ${pct}% ${label}, ${Math.round(rate)} ${this.unit}/s, ETA ${etaMs === null ? '?' : formatDuration(etaMs)}\n`);
  }

  /** Clears the bar so a result line can be printed; the next update draws it again. */
  clear(): void {
    if (this.out.isTTY && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  done(): void {
    if (this.out.isTTY && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
