// Where the figures' bars and ticks go (pure: charts.tsx draws them). A value is drawn over its own period; values
// whose periods overlap (a headcount's total and its functions, reported for one month; two outlets' figures of one
// series for one year) stand side by side, each in a slice of that period, so none hides another. Ticks stay inside the picture, never overlap and never name a year a figure is not
// in: a December 2024 figure alone is labelled by its period, not by the "2025" where its month ends; a series over
// several years has its first year labelled at the left edge, and each year that begins inside it.

export interface Span {
  /** The series (colour) the value belongs to. */
  series: string;
  start: number;
  end: number;
  value: number;
}

export interface Frame {
  width: number;
  height: number;
  pad: { l: number; r: number; t: number; b: number };
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tick {
  /** Where the tick's line is (null: a label with no line, under a bar). */
  line: number | null;
  x: number;
  anchor: 'start' | 'middle' | 'end';
  /** A year, or the index of the span whose period labels it. */
  label: { year: number } | { span: number };
}

/** Roughly how wide a tick's text is drawn (the CSS's tick font), to keep it inside the picture. */
const LABEL_W = 44;
/** The least space between two ticks' texts. */
const LABEL_GAP = 4;

export function layoutChart(spans: Span[], frame: Frame): { bars: Bar[]; ticks: Tick[] } {
  const { width: W, height: H, pad } = frame;
  if (spans.length === 0) return { bars: [], ticks: [] };
  const t0 = Math.min(...spans.map((s) => s.start));
  const t1 = Math.max(...spans.map((s) => s.end));
  const max = Math.max(...spans.map((s) => s.value), 1);
  const left = pad.l;
  const right = W - pad.r;
  const x = (ms: number) => left + ((ms - t0) / (t1 - t0 || 1)) * (right - left);
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  const order = [...new Set(spans.map((s) => s.series))];
  const overlap = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
  // A value's lane: its series, and among the values of that series over its period, its rank (a second figure of
  // one series for one period, another outlet's, is the series' second lane there, not drawn over the first).
  const lanes = spans.map((s, i) => ({
    series: order.indexOf(s.series),
    rank: spans.slice(0, i).filter((o) => o.series === s.series && overlap(o, s)).length,
  }));
  const laneKey = (l: { series: number; rank: number }) => l.series * spans.length + l.rank;

  const bars = spans.map((s, i) => {
    // The lanes of the values over this one's period share it, in the series' order, then by rank.
    const sharing = [...new Set(spans.flatMap((o, j) => (overlap(o, s) ? [laneKey(lanes[j])] : [])))].sort((a, b) => a - b);
    const n = Math.max(1, sharing.length);
    const k = Math.max(0, sharing.indexOf(laneKey(lanes[i])));
    const slot = (x(s.end) - x(s.start)) / n;
    return {
      x: x(s.start) + k * slot,
      y: y(s.value),
      width: Math.max(2, slot - 1),
      height: H - pad.b - y(s.value),
    };
  });

  // Years that begin inside the span drawn (not at its right edge, where the last period ends).
  const years: number[] = [];
  for (let yr = new Date(t0).getUTCFullYear(); Date.UTC(yr, 0, 1) < t1; yr++) if (Date.UTC(yr, 0, 1) > t0) years.push(yr);
  const clamp = (at: number, anchor: Tick['anchor']): Tick['anchor'] =>
    anchor === 'start' && at + LABEL_W > right ? 'end' : anchor === 'middle' && at + LABEL_W / 2 > right ? 'end' : anchor;
  let ticks: Tick[];
  if (years.length > 0) {
    // The first year of the series is labelled at the left edge, with no line (where the chart begins, not the year):
    // a series from 2025-Q1 was labelled 2026-2029 only (t32). A label that would run into the one before it is left
    // out: a year's in a long series in a narrow picture; the first year's when the series begins late in it and its
    // sliver is too narrow for its label (2024-Q4 to 2029: 2025 is the first label).
    const firstYear = new Date(t0).getUTCFullYear();
    const sliver = t0 > Date.UTC(firstYear, 0, 1) && x(Date.UTC(firstYear + 1, 0, 1)) - left < LABEL_W + LABEL_GAP;
    const first: Tick[] = sliver ? [] : [{ line: null, x: left, anchor: 'start', label: { year: firstYear } }];
    const yearTicks = years.map((year): Tick => {
      const at = x(Date.UTC(year, 0, 1));
      const anchor = clamp(at + 2, 'start');
      return { line: at, x: anchor === 'end' ? at - 2 : at + 2, anchor, label: { year } };
    });
    const from = (tick: Tick) => (tick.anchor === 'end' ? tick.x - LABEL_W : tick.anchor === 'middle' ? tick.x - LABEL_W / 2 : tick.x);
    ticks = [];
    for (const tick of [...first, ...yearTicks]) {
      const before = ticks[ticks.length - 1];
      if (!before || from(tick) >= from(before) + LABEL_W + LABEL_GAP) ticks.push(tick);
    }
  } else {
    // Within one year: each period its own label, under its values, once.
    const seen = new Set<string>();
    ticks = [];
    spans.forEach((s, i) => {
      const key = `${s.start}/${s.end}`;
      if (seen.has(key)) return;
      seen.add(key);
      const mid = (x(s.start) + x(s.end)) / 2;
      const anchor: Tick['anchor'] = mid - LABEL_W / 2 < left ? 'start' : clamp(mid, 'middle');
      ticks.push({ line: null, x: anchor === 'start' ? left : anchor === 'end' ? right : mid, anchor, label: { span: i } });
    });
  }
  return { bars, ticks };
}
