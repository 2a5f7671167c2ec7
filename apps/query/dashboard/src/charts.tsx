import { errorText, qs } from './api';
import { count, dateText, exactMoney, figureName, money } from './format';
import { codeText, colon, t, tn, type Lang } from './i18n';
import { useReport } from './use-report';
import { InferredMark, OutletsBadge } from './truth';
import type { DepartureGroup, Fact, FinancialPoint } from './types';
import { layoutChart } from './chart-layout';

const W = 320;
const H = 140;
const PAD = { l: 4, r: 4, t: 8, b: 18 };
const COLORS = ['#1f5fbf', '#b3261e', '#2e7d32', '#7b3fa0', '#8a5a00', '#00696f'];

const pointValue = (p: FinancialPoint) => (p.amount !== null ? Number(p.amount) : (p.count ?? 0));
const pointText = (lang: Lang, p: FinancialPoint) => (p.amount !== null ? money(lang, p.amount, p.currency) : count(lang, p.count ?? 0));
/** The series a point belongs to: its basis, or "target" for a revenue target. */
const seriesOf = (p: FinancialPoint) => (p.metric === 'revenue_target' ? 'target' : p.basis);

/** A figure disputed by another of its metric, basis and period (an open conflict at knownAt). */
const disputed = (p: FinancialPoint) => (p.conflictsWith?.length ?? 0) > 0;

/** "revenue (projected), 2024: 3,600,000,000 USD", the exact amount. */
const pointTitle = (lang: Lang, p: FinancialPoint) =>
  t(lang, 'charts.pointTitle', {
    figure: figureName(lang, p.metric, p.basis),
    period: dateText(lang, p.period),
    value: p.amount !== null ? exactMoney(lang, p.amount, p.currency ?? '') : count(lang, p.count ?? 0),
  });

const pointFact = (lang: Lang, p: FinancialPoint): Fact => ({
  title: pointTitle(lang, p),
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
function PeriodChart(props: {
  lang: Lang;
  title: 'charts.revenue' | 'charts.losses' | 'charts.headcount';
  points: FinancialPoint[];
  onOpen: (f: Fact) => void;
}) {
  const { lang, points, onOpen } = props;
  const title = t(lang, props.title);
  const series = [...new Set(points.map(seriesOf))];
  const colorOf = (p: FinancialPoint) => COLORS[series.indexOf(seriesOf(p)) % COLORS.length];
  if (points.length === 0)
    return (
      <figure class="chart">
        <figcaption>{title}</figcaption>
        <p class="muted">{t(lang, 'charts.noFigure')}</p>
      </figure>
    );
  const max = Math.max(...points.map(pointValue), 1);
  const top = points.find((p) => pointValue(p) === max)!;
  const maxText = top.amount !== null ? money(lang, String(max), top.currency) : count(lang, max);
  const { bars, ticks } = layoutChart(
    points.map((p) => ({ series: seriesOf(p), start: Date.parse(p.periodStart), end: Date.parse(p.periodEnd), value: pointValue(p) })),
    { width: W, height: H, pad: PAD },
  );
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={colon(lang, title, points.map((p) => `${dateText(lang, p.period)} ${pointText(lang, p)}`).join('; '))}
      >
        <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} class="axis-line" />
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t} y2={PAD.t} class="grid" />
        <text x={W - PAD.r - 2} y={PAD.t + 9} class="tick" text-anchor="end">
          {maxText}
        </text>
        {ticks.map((tick, i) => (
          <g key={i}>
            {tick.line !== null && <line x1={tick.line} x2={tick.line} y1={PAD.t} y2={H - PAD.b} class="grid" />}
            <text x={tick.x} y={H - 5} class="tick" text-anchor={tick.anchor}>
              {'year' in tick.label ? tick.label.year : dateText(lang, points[tick.label.span].period)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect
            key={p.factId + p.basis}
            {...bars[i]}
            fill={colorOf(p)}
            fill-opacity={p.status === 'corrected' ? 0.85 : 0.7}
            class={disputed(p) ? 'disputed' : undefined}
            data-series={seriesOf(p)}
          >
            <title>{disputed(p) ? t(lang, 'charts.disputed', { point: pointTitle(lang, p) }) : pointTitle(lang, p)}</title>
          </rect>
        ))}
      </svg>
      <ul class="points">
        {points.map((p) => (
          <li key={p.factId + p.basis}>
            <span class="key" style={{ background: colorOf(p) }} aria-hidden="true" />
            <button type="button" class="link" onClick={() => onOpen(pointFact(lang, p))}>
              <InferredMark lang={lang} inferred={p.inferred} paths={['data.money', 'data.total', 'data.count', 'data.byFunction']}>
                {pointText(lang, p)}
              </InferredMark>{' '}
              <span class="muted">
                <InferredMark lang={lang} inferred={p.inferred} paths={['data.period', 'data.targetPeriod', 'occurredAt']}>
                  {dateText(lang, p.period)}
                </InferredMark>{' '}
                · {codeText(lang, 'basis', seriesOf(p))}
              </span>
              <OutletsBadge
                lang={lang}
                c={p.corroboration && (p.corroboration.outlets > 1 || p.corroboration.denies) ? p.corroboration : undefined}
              />
              {p.status !== 'current' && <span class={`badge ${p.status}`}>{codeText(lang, 'status', p.status)}</span>}
              {disputed(p) && (
                <span
                  class="badge conflict"
                  data-testid="conflict"
                  title={t(lang, 'timeline.conflictTitle', { count: p.conflictsWith!.length })}
                >
                  {t(lang, 'timeline.conflict')}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function QuarterChart({ lang, groups, unplaced }: { lang: Lang; groups: DepartureGroup[]; unplaced: number }) {
  const title = t(lang, 'charts.departures');
  const max = Math.max(1, ...groups.map((g) => g.count));
  const bw = groups.length ? (W - PAD.l - PAD.r) / groups.length : 0;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {groups.length === 0 ? (
        <p class="muted">{t(lang, 'charts.noDeparture')}</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={colon(lang, title, groups.map((g) => colon(lang, dateText(lang, g.key), count(lang, g.count))).join(', '))}
        >
          <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} class="axis-line" />
          {groups.map((g, i) => {
            const h = (g.count / max) * (H - PAD.t - PAD.b - 12);
            const bx = PAD.l + i * bw + bw * 0.15;
            return (
              <g key={g.key}>
                <rect x={bx} y={H - PAD.b - h} width={bw * 0.7} height={h} fill={COLORS[0]} />
                <text x={bx + bw * 0.35} y={H - PAD.b - h - 3} class="value" text-anchor="middle">
                  {count(lang, g.count)}
                </text>
                <text x={bx + bw * 0.35} y={H - 5} class="tick" text-anchor="middle">
                  {dateText(lang, g.key)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {unplaced > 0 && <p class="muted">{tn(lang, 'charts.unplaced', unplaced)}</p>}
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
  lang: Lang;
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
      <h2 id="charts-title">{t(lang, 'charts.title')}</h2>
      {(fin.error || dep.error) && (
        <p role="alert" class="error">
          {errorText(lang, (fin.error ?? dep.error)!)}
        </p>
      )}
      <div class="chart-grid">
        <PeriodChart lang={lang} title="charts.revenue" points={of('revenue', 'revenue_target')} onOpen={onOpen} />
        <PeriodChart lang={lang} title="charts.losses" points={of('loss')} onOpen={onOpen} />
        <PeriodChart lang={lang} title="charts.headcount" points={of('headcount')} onOpen={onOpen} />
        <QuarterChart lang={lang} groups={dep.data?.groups ?? []} unplaced={dep.data?.unplaced?.count ?? 0} />
      </div>
    </section>
  );
}
