import { useEffect, useMemo } from 'preact/hooks';
import { errorText, qs } from './api';
import { CsvLink } from './csv-link';
import { dateText, instant } from './format';
import { useReport } from './use-report';
import { InferredMark, OutletsBadge } from './truth';
import type { Fact, Tenure, TenureEnd } from './types';
import { FallbackMark } from './fallback';
import { codeText, t, type Lang } from './i18n';

interface LeadershipReport {
  /** The organization asked for, and its name by the API's rule for a subject known by its slug ("org:t9-acme" -> "T9 Acme"). */
  organization: string;
  organizationName: string;
  items: Tenure[];
}

const tenureFact = (lang: Lang, tenure: Tenure, end: TenureEnd, what: 'tenure.appointed' | 'tenure.left' | 'tenure.confirmed'): Fact => ({
  title: t(lang, 'tenure.title', { person: tenure.personName, role: tenure.role, what: t(lang, what) }),
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
const ms = (iso: string) => Date.parse(iso);

/**
 * The roster on `asOf` as known at `knownAt`, and every tenure on record as bars on a time axis. It hands on the name
 * its report gives the organization (`onOrganizationName`), for the panels that name it.
 */
export function Roster(props: {
  lang: Lang;
  organization: string;
  asOf: string;
  knownAt: string | null;
  refresh: number;
  onOpen: (f: Fact) => void;
  onOrganizationName: (organization: string, name: string) => void;
}) {
  const { lang, organization, asOf, knownAt, refresh, onOpen, onOrganizationName } = props;
  const rosterUrl = `/v1/reports/leadership${qs({ organization, asOf, knownAt, lang })}`;
  const roster = useReport<LeadershipReport>(rosterUrl, refresh);
  // The last answer stays while the next loads: it names the organization it was asked about.
  const named = roster.data?.organization === organization ? roster.data.organizationName : null;
  useEffect(() => {
    if (named) onOrganizationName(organization, named);
  }, [organization, named]);
  const tenures = useReport<LeadershipReport>(
    `/v1/reports/leadership${qs({ organization, show: 'tenures', knownAt, limit: '200', lang })}`,
    refresh,
  );

  return (
    <section class="card roster" aria-labelledby="roster-title">
      <h2 id="roster-title">{t(lang, 'roster.title')}</h2>
      <CsvLink lang={lang} path={rosterUrl} what={t(lang, 'roster.title')} />
      <p class="muted">
        {asOf ? t(lang, 'roster.asOf', { date: dateText(lang, asOf) }) : t(lang, 'roster.today')},{' '}
        {knownAt ? t(lang, 'roster.knownAt', { instant: instant(lang, knownAt) }) : t(lang, 'roster.everything')}.
      </p>
      {roster.error && (
        <p role="alert" class="error">
          {errorText(lang, roster.error)}
        </p>
      )}
      <table data-testid="roster">
        <caption class="sr-only">{t(lang, 'roster.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(lang, 'roster.person')}</th>
            <th scope="col">{t(lang, 'roster.role')}</th>
            <th scope="col">{t(lang, 'roster.since')}</th>
            <th scope="col">
              <span class="sr-only">{t(lang, 'sources.button')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {roster.data?.items.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                {t(lang, 'roster.nobody')}
              </td>
            </tr>
          )}
          {roster.data?.items.map((r) => (
            <tr key={`${r.person}|${r.role}`}>
              <td>{r.personName}</td>
              <td>
                <InferredMark lang={lang} inferred={r.start?.inferred} paths={['data.role']}>
                  <span lang={lang}>{r.role}</span>
                </InferredMark>{' '}
                <FallbackMark lang={lang} fallbacks={r.fallbacks} field="role" />
                {r.interim && t(lang, 'roster.interim')}
              </td>
              <td>
                <InferredMark lang={lang} inferred={r.start?.inferred} paths={['occurredAt']}>
                  {r.start?.occurredAt ? dateText(lang, r.start.occurredAt) : t(lang, 'unknown')}
                </InferredMark>
                <OutletsBadge
                  lang={lang}
                  c={r.start?.corroboration && r.start.corroboration.outlets > 1 ? r.start.corroboration : undefined}
                />
                <StartModality lang={lang} tenure={r} onOpen={onOpen} />
                {r.certain === false && (
                  <span class="badge" title={t(lang, 'roster.uncertainTitle')}>
                    {' '}
                    {t(lang, 'roster.uncertain')}
                  </span>
                )}
                {r.end?.modality === 'rumored' && (
                  <span class="badge rumoured-end" title={t(lang, 'roster.rumouredEndTitle')}>
                    {' '}
                    {t(lang, 'roster.rumouredEnd', { date: dateText(lang, r.end.occurredAt) })}
                  </span>
                )}
              </td>
              <td>
                <RosterSources lang={lang} tenure={r} onOpen={onOpen} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t(lang, 'roster.tenures')}</h3>
      <TenureBars lang={lang} items={tenures.data?.items ?? []} asOf={asOf} onOpen={onOpen} />
    </section>
  );
}

/**
 * A roster line's sources: its appointment's, or, when its start is not on record ("unknown, uncertain"), the report
 * of its end (a departure after the date picked, a rumoured one), so every line opens the sources it stands on.
 */
function RosterSources({ lang, tenure, onOpen }: { lang: Lang; tenure: Tenure; onOpen: (f: Fact) => void }) {
  const fact = tenure.start
    ? tenureFact(lang, tenure, tenure.start, 'tenure.appointed')
    : tenure.end
      ? tenureFact(lang, tenure, tenure.end, 'tenure.left')
      : null;
  if (!fact) return null;
  return (
    <button type="button" class="link" onClick={() => onOpen(fact)}>
      {t(lang, 'sources.button')}
      <span class="sr-only">{t(lang, 'sources.for', { what: tenure.personName })}</span>
    </button>
  );
}

/**
 * How sure the start is, when it is not a plain report: "confirmed by Reuters, Bloomberg (10 June 2024)" and that
 * report's sources when a later report confirmed a rumoured appointment (`start.modalityFrom`), else "rumored".
 */
function StartModality({ lang, tenure, onOpen }: { lang: Lang; tenure: Tenure; onOpen: (f: Fact) => void }) {
  const start = tenure.start;
  if (!start) return null;
  const from = start.modalityFrom;
  if (!from) {
    return start.modality === 'reported' ? null : (
      <>
        {' '}
        <span class="badge" data-testid="start-modality">
          {codeText(lang, 'modality', start.modality)}
        </span>
      </>
    );
  }
  const outlets = [...new Set(from.sources.map((s) => s.outlet))];
  const modality = codeText(lang, 'modality', start.modality);
  return (
    <>
      {' '}
      <span class="confirmation" data-testid="modality-from">
        <span class="badge">{modality}</span> {outlets.length ? t(lang, 'roster.confirmedBy', { outlets: outlets.join(', ') }) : ''}
        {from.occurredAt ? ` (${dateText(lang, from.occurredAt)})` : ''}{' '}
        <button type="button" class="link" onClick={() => onOpen(tenureFact(lang, tenure, from, 'tenure.confirmed'))}>
          {t(lang, 'sources.count', { count: from.sources.length })}
          <span class="sr-only">{t(lang, 'sources.for', { what: `${tenure.personName} (${modality})` })}</span>
        </button>
      </span>
    </>
  );
}

function TenureBars({ lang, items, asOf, onOpen }: { lang: Lang; items: Tenure[]; asOf: string; onOpen: (f: Fact) => void }) {
  const axis = useMemo(() => {
    const times = items.flatMap((i) => [i.start?.from, i.end?.from, i.end?.to].filter((x): x is string => !!x).map(ms));
    const now = Date.now();
    const lo = new Date(Math.min(now - 365 * day, ...times)).getUTCFullYear();
    const hi = new Date(Math.max(now, ...times)).getUTCFullYear() + 1;
    return { from: Date.UTC(lo, 0, 1), to: Date.UTC(hi, 0, 1), years: Array.from({ length: hi - lo }, (_, k) => lo + k) };
  }, [items]);
  const pct = (ms: number) => `${(((ms - axis.from) / (axis.to - axis.from)) * 100).toFixed(2)}%`;
  const width = (a: number, b: number) => `${(((b - a) / (axis.to - axis.from)) * 100).toFixed(2)}%`;
  if (items.length === 0) return <p class="muted">{t(lang, 'roster.noTenure')}</p>;
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
          const start = i.start ? ms(i.start.from) : axis.from;
          const ended = !!i.end && i.end.modality !== 'rumored';
          const endFrom = ended ? ms(i.end!.from) : Date.now();
          const endTo = ended ? ms(i.end!.to) : Date.now();
          const from = i.start ? t(lang, 'tenure.from', { date: dateText(lang, i.start.occurredAt) }) : t(lang, 'tenure.startUnknown');
          // A rumoured end is not a departure: the holder is still in office, the rumour said beside it.
          const rumoured = i.end?.modality === 'rumored';
          const until = !i.end
            ? t(lang, 'tenure.inOffice')
            : rumoured
              ? `${t(lang, 'tenure.inOffice')}${t(lang, 'tenure.rumouredOn', { date: dateText(lang, i.end.occurredAt) })}`
              : t(lang, 'tenure.leftOn', { date: dateText(lang, i.end.occurredAt) });
          const label = t(lang, 'tenure.title', { person: i.personName, role: i.role, what: `${from}${until}` });
          const fact = i.end
            ? tenureFact(lang, i, i.end, 'tenure.left')
            : i.start
              ? tenureFact(lang, i, i.start, 'tenure.appointed')
              : null;
          return (
            <li key={`${i.person}|${i.role}`}>
              <span class="who">
                {i.personName}{' '}
                <span class="muted" lang={lang}>
                  {i.role}
                </span>{' '}
                <FallbackMark lang={lang} fallbacks={i.fallbacks} field="role" />
              </span>
              <button
                type="button"
                class="track"
                aria-label={t(lang, 'tenure.open', { label })}
                disabled={!fact}
                onClick={() => fact && onOpen(fact)}
              >
                {asOf && <span class="asof" style={{ left: pct(ms(asOf)) }} />}
                <span
                  class={`bar ${i.start ? '' : 'unknown-start'} ${ended ? 'ended' : 'current'}`}
                  style={{ left: pct(start), width: width(start, Math.max(endFrom, start + day)) }}
                />
                {ended && endTo > endFrom && <span class="bar fuzzy" style={{ left: pct(endFrom), width: width(endFrom, endTo) }} />}
              </button>
            </li>
          );
        })}
      </ul>
      <p class="legend muted">
        <span class="key unknown-start" /> {t(lang, 'legend.unknownStart')} <span class="key fuzzy" /> {t(lang, 'legend.fuzzyEnd')}{' '}
        {asOf && (
          <>
            <span class="key asof" /> {t(lang, 'legend.asOf')}
          </>
        )}
      </p>
    </div>
  );
}
