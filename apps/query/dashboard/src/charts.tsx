import { qs } from './api';
import { exactMoney, money } from './format';
import { useReport } from './use-report';
import { InferredMark, OutletsBadge } from './truth';
import type { DepartureGroup, Fact, FinancialPoint } from './types';

const W = 320;
const H = 140;
const PAD = { l: 4, r: 4, t: 8, b: 18 };
const COLORS = ['#1f5fbf', '#b3261e', '#2e7d32', '#7b3fa0', '#8a5a00', '#00696f'];

const pointValue = (p: FinancialPoint) => (p.amount !== null ? Number(p.amount) : (p.count ?? 0));
const pointText = (p: FinancialPoint) => (p.amount !== null ? money(p.amount, p.currency) : (p.count ?? 0).toLocaleString('en'));

const pointFact = (p: FinancialPoint): Fact => ({
  title: `${p.metric.replace('_', ' ')} (${p.basis}), ${p.period}: ${p.amount !== null ? exactMoney(p.amount, p.currency ?? '') : p.count}`,
  factId: p.factId,
  occurredAt: p.occurredAt,
  modality: p.modality,
  status: p.status,
  recordedAt: p.recordedAt,
  sources: p.sources,
  history: p.history,
  corroboration: p.corroboration,
  inferred: p.inferred,
});

/**
 * Values over time, each drawn over its own period (a half-year is wider than a month, a five-year projection
 * spans five years), one colour per series. The SVG is a picture; the list under it is the same data, with a
 * button per point that opens its sources.
 */
function PeriodChart({ title, points, onOpen }: { title: string; points: FinancialPoint[]; onOpen: (f: Fact) => void }) {
  const series = [...new Set(points.map((p) => `${p.metric === 'revenue_target' ? 'target' : p.basis}`))];
  const colorOf = (p: FinancialPoint) => COLORS[series.indexOf(p.metric === 'revenue_target' ? 'target' : p.basis) % COLORS.length];
  if (points.length === 0)
    return (
      <figure class="chart">
        <figcaption>{title}</figcaption>
        <p class="muted">No figure on record.</p>
      </figure>
    );
  const t0 = Math.min(...points.map((p) => Date.parse(p.periodStart)));
  const t1 = Math.max(...points.map((p) => Date.parse(p.periodEnd)));
  const max = Math.max(...points.map(pointValue), 1);
  const top = points.find((p) => pointValue(p) === max)!;
  const maxText = top.amount !== null ? money(String(max), top.currency) : max.toLocaleString('en');
  const x = (ms: number) => PAD.l + ((ms - t0) / (t1 - t0 || 1)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const y0 = new Date(t0).getUTCFullYear();
  const y1 = new Date(t1).getUTCFullYear();
  const years = Array.from({ length: y1 - y0 + 1 }, (_, k) => y0 + k).filter((yr) => Date.UTC(yr, 0, 1) >= t0 && Date.UTC(yr, 0, 1) <= t1);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.map((p) => `${p.period} ${pointText(p)}`).join('; ')}`}>
        <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} class="axis-line" />
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t} y2={PAD.t} class="grid" />
        <text x={W - PAD.r - 2} y={PAD.t + 9} class="tick" text-anchor="end">
          {maxText}
        </text>
        {years.map((yr) => (
          <g key={yr}>
            <line x1={x(Date.UTC(yr, 0, 1))} x2={x(Date.UTC(yr, 0, 1))} y1={PAD.t} y2={H - PAD.b} class="grid" />
            <text x={x(Date.UTC(yr, 0, 1)) + 2} y={H - 5} class="tick">
              {yr}
            </text>
          </g>
        ))}
        {points.map((p) => (
          <rect
            key={p.factId + p.basis}
            x={x(Date.parse(p.periodStart))}
            y={y(pointValue(p))}
            width={Math.max(3, x(Date.parse(p.periodEnd)) - x(Date.parse(p.periodStart)) - 1)}
            height={H - PAD.b - y(pointValue(p))}
            fill={colorOf(p)}
            fill-opacity={p.status === 'corrected' ? 0.85 : 0.7}
          />
        ))}
      </svg>
      <ul class="points">
        {points.map((p) => (
          <li key={p.factId + p.basis}>
            <span class="key" style={{ background: colorOf(p) }} aria-hidden="true" />
            <button type="button" class="link" onClick={() => onOpen(pointFact(p))}>
              <InferredMark inferred={p.inferred} paths={['data.money', 'data.total', 'data.count', 'data.byFunction']}>
                {pointText(p)}
              </InferredMark>{' '}
              <span class="muted">
                <InferredMark inferred={p.inferred} paths={['data.period', 'data.targetPeriod', 'occurredAt']}>
                  {p.period}
                </InferredMark>{' '}
                · {p.metric === 'revenue_target' ? 'target' : p.basis}
              </span>
              <OutletsBadge c={p.corroboration && (p.corroboration.outlets > 1 || p.corroboration.denies) ? p.corroboration : undefined} />
              {p.status !== 'current' && <span class={`badge ${p.status}`}>{p.status}</span>}
            </button>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function QuarterChart({ groups, unplaced }: { groups: DepartureGroup[]; unplaced: number }) {
  const max = Math.max(1, ...groups.map((g) => g.count));
  const bw = groups.length ? (W - PAD.l - PAD.r) / groups.length : 0;
  return (
    <figure class="chart">
      <figcaption>Departures by quarter</figcaption>
      {groups.length === 0 ? (
        <p class="muted">No dated departure on record.</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Departures by quarter: ${groups.map((g) => `${g.key}: ${g.count}`).join(', ')}`}
        >
          <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} class="axis-line" />
          {groups.map((g, i) => {
            const h = (g.count / max) * (H - PAD.t - PAD.b - 12);
            const bx = PAD.l + i * bw + bw * 0.15;
            return (
              <g key={g.key}>
                <rect x={bx} y={H - PAD.b - h} width={bw * 0.7} height={h} fill={COLORS[0]} />
                <text x={bx + bw * 0.35} y={H - PAD.b - h - 3} class="value" text-anchor="middle">
                  {g.count}
                </text>
                <text x={bx + bw * 0.35} y={H - 5} class="tick" text-anchor="middle">
                  {g.key}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {unplaced > 0 && <p class="muted">{unplaced} more dated only to a longer span (not placed in a quarter).</p>}
    </figure>
  );
}

interface FinancialsReport {
  items: FinancialPoint[];
}
interface DeparturesReport {
  groups: DepartureGroup[];
  unplaced?: { count: number };
}

export function Charts(props: {
  lang: 'en' | 'fr';
  organization: string;
  asOf: string;
  knownAt: string | null;
  refresh: number;
  onOpen: (f: Fact) => void;
}) {
  const { lang, organization, asOf, knownAt, refresh, onOpen } = props;
  const fin = useReport<FinancialsReport>(
    `/v1/reports/financials${qs({ organization, metric: 'revenue,revenue_target,loss,headcount', asOf, knownAt, limit: '1000', lang })}`,
    refresh,
  );
  const dep = useReport<DeparturesReport>(
    `/v1/reports/departures${qs({ organization, groupBy: 'quarter', asOf, knownAt, lang })}`,
    refresh,
  );
  const items = fin.data?.items ?? [];
  const of = (...metrics: string[]) => items.filter((p) => metrics.includes(p.metric));
  return (
    <section class="card charts" aria-labelledby="charts-title">
      <h2 id="charts-title">Figures</h2>
      {(fin.error || dep.error) && (
        <p role="alert" class="error">
          {fin.error ?? dep.error}
        </p>
      )}
      <div class="chart-grid">
        <PeriodChart title="Revenue and revenue targets" points={of('revenue', 'revenue_target')} onOpen={onOpen} />
        <PeriodChart title="Losses by basis" points={of('loss')} onOpen={onOpen} />
        <PeriodChart title="Headcount" points={of('headcount')} onOpen={onOpen} />
        <QuarterChart groups={dep.data?.groups ?? []} unplaced={dep.data?.unplaced?.count ?? 0} />
      </div>
    </section>
  );
}
