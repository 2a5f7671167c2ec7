/** Reads the rebuild's progress lines (`... position 1200/5000 (24%), ...`) into numbers for the bar. */
export function parseRebuildProgress(line: string): { phase: string; position: number; head: number } | null {
  const m = /\]\s+\S+: (\S+) position (\d+)\/(\d+)/.exec(line);
  return m ? { phase: m[1], position: Number(m[2]), head: Number(m[3]) } : null;
}
