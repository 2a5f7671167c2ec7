import { useMemo } from 'preact/hooks';
import { qs } from './api';
import { instant } from './format';
import { useReport } from './use-report';
import { InferredMark, OutletsBadge } from './truth';
import type { Fact, Tenure, TenureEnd } from './types';
import { FallbackMark, type Lang } from './fallback';

interface LeadershipReport {
  items: Tenure[];
}

const tenureFact = (t: Tenure, end: TenureEnd, what: string): Fact => ({
  title: `${t.personName}, ${t.role}: ${what}`,
  eventId: end.eventId,
  occurredAt: end.occurredAt,
  modality: end.modality,
  status: end.status,
  recordedAt: end.recordedAt,
  sources: end.sources,
  history: end.history,
  corroboration: end.corroboration,
  inferred: end.inferred,
});

const day = 86400000;
const t = (iso: string) => Date.parse(iso);

/** The roster on `asOf` as known at `knownAt`, and every tenure on record as bars on a time axis. */
export function Roster(props: {
  lang: Lang;
  organization: string;
  asOf: string;
  knownAt: string | null;
  refresh: number;
  onOpen: (f: Fact) => void;
}) {
  const { lang, organization, asOf, knownAt, refresh, onOpen } = props;
  const roster = useReport<LeadershipReport>(`/v1/reports/leadership${qs({ organization, asOf, knownAt, lang })}`, refresh);
  const tenures = useReport<LeadershipReport>(
    `/v1/reports/leadership${qs({ organization, show: 'tenures', knownAt, limit: '200', lang })}`,
    refresh,
  );

  return (
    <section class="card roster" aria-labelledby="roster-title">
      <h2 id="roster-title">Leadership roster</h2>
      <p class="muted">
        {asOf ? `As of ${asOf}` : 'Today'}, {knownAt ? `as known at ${instant(knownAt)}` : 'with everything recorded so far'}.
      </p>
      {roster.error && (
        <p role="alert" class="error">
          {roster.error}
        </p>
      )}
      <table data-testid="roster">
        <caption class="sr-only">Who holds which role</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            <th scope="col">
              <span class="sr-only">Sources</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {roster.data?.items.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                Nobody on record for this date.
              </td>
            </tr>
          )}
          {roster.data?.items.map((r) => (
            <tr key={`${r.person}|${r.role}`}>
              <td>{r.personName}</td>
              <td>
                <InferredMark inferred={r.start?.inferred} paths={['data.role']}>
                  <span lang={lang}>{r.role}</span>
                </InferredMark>{' '}
                <FallbackMark lang={lang} fallbacks={r.fallbacks} field="role" />
                {r.interim && ' (interim)'}
              </td>
              <td>
                <InferredMark inferred={r.start?.inferred} paths={['occurredAt']}>
                  {r.start?.occurredAt ?? 'unknown'}
                </InferredMark>
                <OutletsBadge c={r.start?.corroboration && r.start.corroboration.outlets > 1 ? r.start.corroboration : undefined} />
                {r.certain === false && (
                  <span class="badge" title="The date is imprecise or the start is unknown">
                    {' '}
                    uncertain
                  </span>
                )}
              </td>
              <td>
                {r.start && (
                  <button type="button" class="link" onClick={() => onOpen(tenureFact(r, r.start!, 'appointed'))}>
                    Sources<span class="sr-only"> for {r.personName}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Tenures on record</h3>
      <TenureBars items={tenures.data?.items ?? []} asOf={asOf} onOpen={onOpen} />
    </section>
  );
}

function TenureBars({ items, asOf, onOpen }: { items: Tenure[]; asOf: string; onOpen: (f: Fact) => void }) {
  const axis = useMemo(() => {
    const times = items.flatMap((i) => [i.start?.from, i.end?.from, i.end?.to].filter((x): x is string => !!x).map(t));
    const now = Date.now();
    const lo = new Date(Math.min(now - 365 * day, ...times)).getUTCFullYear();
    const hi = new Date(Math.max(now, ...times)).getUTCFullYear() + 1;
    return { from: Date.UTC(lo, 0, 1), to: Date.UTC(hi, 0, 1), years: Array.from({ length: hi - lo }, (_, k) => lo + k) };
  }, [items]);
  const pct = (ms: number) => `${(((ms - axis.from) / (axis.to - axis.from)) * 100).toFixed(2)}%`;
  const width = (a: number, b: number) => `${(((b - a) / (axis.to - axis.from)) * 100).toFixed(2)}%`;
  if (items.length === 0) return <p class="muted">No tenure on record.</p>;
  return (
    <div class="tenures">
      <div class="axis" aria-hidden="true">
        {axis.years.map((y) => (
          <span key={y} style={{ left: pct(Date.UTC(y, 0, 1)) }}>
            {y}
          </span>
        ))}
      </div>
      <ul>
        {items.map((i) => {
          const start = i.start ? t(i.start.from) : axis.from;
          const endFrom = i.end ? t(i.end.from) : Date.now();
          const endTo = i.end ? t(i.end.to) : Date.now();
          const label = `${i.personName}, ${i.role}: ${i.start ? `from ${i.start.occurredAt}` : 'start unknown'}${i.end ? `, left ${i.end.occurredAt}` : ', in office'}`;
          const fact = i.end ? tenureFact(i, i.end, 'left') : i.start ? tenureFact(i, i.start, 'appointed') : null;
          return (
            <li key={`${i.person}|${i.role}`}>
              <span class="who">
                {i.personName} <span class="muted">{i.role}</span>
              </span>
              <button
                type="button"
                class="track"
                aria-label={`${label}. Open sources.`}
                disabled={!fact}
                onClick={() => fact && onOpen(fact)}
              >
                {asOf && <span class="asof" style={{ left: pct(t(asOf)) }} />}
                <span
                  class={`bar ${i.start ? '' : 'unknown-start'} ${i.end ? 'ended' : 'current'}`}
                  style={{ left: pct(start), width: width(start, Math.max(endFrom, start + day)) }}
                />
                {i.end && endTo > endFrom && <span class="bar fuzzy" style={{ left: pct(endFrom), width: width(endFrom, endTo) }} />}
              </button>
            </li>
          );
        })}
      </ul>
      <p class="legend muted">
        <span class="key unknown-start" /> start not on record <span class="key fuzzy" /> end known only to a period{' '}
        {asOf && (
          <>
            <span class="key asof" /> the date picked
          </>
        )}
      </p>
    </div>
  );
}
