/** Latency histogram with 1 ms buckets up to a minute: bounded memory whatever the number of samples. */
export class LatencyHistogram {
  static readonly MAX_MS = 60_000;
  private counts = new Uint32Array(LatencyHistogram.MAX_MS + 1);
  count = 0;

  record(ms: number): void {
    const bucket = Math.min(LatencyHistogram.MAX_MS, Math.max(0, Math.round(ms)));
    this.counts[bucket]++;
    this.count++;
  }

  reset(): void {
    this.counts = new Uint32Array(LatencyHistogram.MAX_MS + 1);
    this.count = 0;
  }

  /** Non-empty buckets only, to cross process boundaries cheaply. */
  toSparse(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.counts.forEach((c, ms) => c && out.push([ms, c]));
    return out;
  }

  addSparse(sparse: Array<[number, number]>): void {
    for (const [ms, c] of sparse) {
      this.counts[ms] += c;
      this.count += c;
    }
  }

  /**
   * Nearest-rank percentile. With `expected` (how many samples there should have been), each missing one counts
   * as infinitely late: a p99 with fewer than 99% of them delivered is Infinity.
   */
  percentile(p: number, expected = this.count): number {
    const total = Math.max(expected, this.count);
    if (total === 0) return NaN;
    const rank = Math.ceil((p / 100) * total);
    if (rank > this.count) return Infinity;
    let seen = 0;
    for (let ms = 0; ms < this.counts.length; ms++) {
      seen += this.counts[ms];
      if (seen >= rank) return ms;
    }
    return LatencyHistogram.MAX_MS;
  }
}

/** Nearest-rank percentile of raw samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
