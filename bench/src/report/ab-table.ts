/**
 * The comparison table of `npm run bench:ab` (bench/ab.js): every figure of each run's results JSON, run by run, then
 * the CPU seconds of each process in the results' CPU tables, with the means and a verdict.
 */

export interface AbRun {
  side: 'before' | 'after';
  round: number;
  results: {
    figures?: Record<string, { value?: unknown; unit?: string }>;
    curves?: Array<{ id: string; columns: string[]; rows: unknown[][] }>;
  };
}

type Row = { label: string; values: Array<number | null> };

const fmt = (v: number | null): string => {
  if (v === null || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return '∞';
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
};

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * `every after higher` / `every after lower` only when every run of one side is beyond every run of the other; with
 * fewer than two runs a side, none. An unchanged figure still gets one by chance, 2 / C(2n, n) of the time with n runs
 * a side: 1 in 3 at two rounds, 1 in 10 at three, 1 in 35 at four.
 */
export function abVerdict(before: number[], after: number[]): string {
  if (before.length < 2 || after.length < 2) return '-';
  if (Math.min(...after) > Math.max(...before)) return 'every after higher';
  if (Math.max(...after) < Math.min(...before)) return 'every after lower';
  return 'overlap';
}

/** The chance that an unchanged figure gets a verdict anyway, with n runs a side: 2 / C(2n, n). */
export function chanceOfVerdict(n: number): number {
  let c = 1;
  for (let k = 1; k <= n; k++) c = (c * (n + k)) / k;
  return 2 / c;
}

function table(title: string, rows: Row[], runs: AbRun[]): string {
  if (!rows.length) return `### ${title}\n\nNone in the results.\n`;
  const head = runs.map((r) => `${r.side} ${r.round}`);
  const lines = [
    `### ${title}`,
    '',
    `| figure | ${head.join(' | ')} | mean before | mean after | after / before | verdict |`,
    `|---|${head.map(() => '---:').join('|')}|---:|---:|---:|---|`,
  ];
  for (const { label, values } of rows) {
    const of = (side: AbRun['side']) => values.filter((v, i): v is number => runs[i].side === side && typeof v === 'number');
    const [before, after] = [of('before'), of('after')];
    const [mb, ma] = [mean(before), mean(after)];
    const ratio = mb !== null && ma !== null && mb !== 0 && Number.isFinite(mb) && Number.isFinite(ma) ? (ma / mb).toFixed(2) : '-';
    lines.push(`| ${label} | ${values.map(fmt).join(' | ')} | ${fmt(mb)} | ${fmt(ma)} | ${ratio} | ${abVerdict(before, after)} |`);
  }
  return lines.join('\n') + '\n';
}

/** `runs` in the order they ran. */
export function abTable(runs: AbRun[]): string {
  const figures = new Map<string, Row>();
  const cpu = new Map<string, Row>();
  const row = (map: Map<string, Row>, label: string) => {
    if (!map.has(label)) map.set(label, { label, values: runs.map(() => null) });
    return map.get(label)!;
  };
  runs.forEach((run, i) => {
    for (const [id, f] of Object.entries(run.results.figures ?? {})) {
      if (typeof f?.value === 'number') row(figures, `${id} (${f.unit ?? ''})`).values[i] = f.value;
    }
    for (const curve of run.results.curves ?? []) {
      const at = curve.columns.indexOf('CPU s');
      if (!curve.id.startsWith('cpu-') || at < 0) continue;
      for (const r of curve.rows) row(cpu, `${curve.id}: ${String(r[0])}, CPU s`).values[i] = Number(r[at]);
    }
  });
  const perSide = Math.min(...(['before', 'after'] as const).map((s) => runs.filter((r) => r.side === s).length));
  const chance =
    perSide >= 2
      ? `A verdict says only that every run of one side was beyond every run of the other: with ${perSide} runs a side, an unchanged figure gets one by chance ${Math.round(100 * chanceOfVerdict(perSide))}% of the time.\n\n`
      : 'One run a side: no verdict.\n\n';
  return (
    chance +
    table('Figures', [...figures.values()], runs) +
    '\n' +
    table("CPU by process (the results' CPU tables)", [...cpu.values()], runs)
  );
}
