import { errorText, qs } from './api';
import { CsvLink } from './csv-link';
import { dateText } from './format';
import { useNames } from './names';
import { useReport } from './use-report';
import { InferredMark, OutletsBadge } from './truth';
import type { CaseStep, Fact, LawsuitCase } from './types';
import { FallbackMark } from './fallback';
import { codeText, colon, t, type Lang } from './i18n';

const stepFact = (lang: Lang, c: LawsuitCase, s: CaseStep): Fact => ({
  title: colon(lang, c.caseName, codeText(lang, 'lawsuit', s.status)),
  eventId: s.eventId,
  occurredAt: s.occurredAt,
  modality: s.modality,
  status: s.factStatus,
  recordedAt: s.recordedAt,
  sources: s.sources,
  history: s.history,
  corroboration: s.corroboration,
  inferred: s.inferred,
});

/** One card per case: parties, claims, the current status and every step with its sources. */
export function Lawsuits(props: {
  lang: Lang;
  organization: string;
  /** The organization's name by the API's rule for a subject it knows only by its slug; null while not known. */
  organizationName: string | null;
  knownAt: string | null;
  asOf: string;
  refresh: number;
  onOpen: (f: Fact) => void;
}) {
  const { lang, organization, organizationName, knownAt, asOf, refresh, onOpen } = props;
  // The cases the organization picked above is a party to, as the roster and figures follow it.
  const url = `/v1/reports/lawsuits${qs({ party: organization, knownAt, asOf, limit: '100', lang })}`;
  const report = useReport<{ items: LawsuitCase[] }>(url, refresh);
  const cases = report.data?.items ?? [];
  // Parties and the organization by the names the API gives them (an entity's display name), never a slug; an
  // organization no standing fact names yet (no entity) by the name the roster's report gives it ("T9 Acme").
  const nameOf = useNames([organization, ...cases.flatMap((c) => [...c.plaintiffs, ...c.defendants])], lang, knownAt, refresh);
  const party = (s: string) => (
    <span key={s} class="party" data-subject={s}>
      {nameOf(s)}
    </span>
  );
  const parties = (list: string[]) => list.map((s, i) => [i > 0 && ', ', party(s)]);
  return (
    <section class="card lawsuits" aria-labelledby="lawsuits-title">
      <h2 id="lawsuits-title">
        {t(lang, 'lawsuits.title')}{' '}
        <span class="muted">{t(lang, 'lawsuits.party', { organization: nameOf(organization, organizationName) })}</span>
      </h2>
      <CsvLink lang={lang} path={url} what={t(lang, 'lawsuits.title')} />
      {report.error && (
        <p role="alert" class="error">
          {errorText(lang, report.error)}
        </p>
      )}
      {report.data?.items.length === 0 && <p class="muted">{t(lang, 'lawsuits.none')}</p>}
      <div class="cases">
        {report.data?.items.map((c) => (
          <article key={c.case} class="case" aria-labelledby={`case-${c.case}`}>
            <h3 id={`case-${c.case}`}>{c.caseName}</h3>
            {c.title && (
              <p class="title">
                <InferredMark lang={lang} inferred={c.filed?.inferred} paths={['data.title']}>
                  {c.title}
                </InferredMark>{' '}
                <FallbackMark lang={lang} fallbacks={c.fallbacks} field="title" />
              </p>
            )}
            <p>
              <span class={`badge status-${c.status}`}>{codeText(lang, 'lawsuit', c.status)}</span>
              {/* A later step only rumoured is not the status: said beside it, as the roster says a rumoured departure. */}
              {c.rumoredStatus && (
                <span class="badge rumoured-status" title={t(lang, 'lawsuits.rumouredTitle')}>
                  {' '}
                  {t(lang, 'lawsuits.rumoured', { status: codeText(lang, 'lawsuit', c.rumoredStatus) })}
                </span>
              )}
              {c.court && (
                <span class="muted">
                  {' '}
                  {c.court} <FallbackMark lang={lang} fallbacks={c.fallbacks} field="court" />
                </span>
              )}
            </p>
            <p class="parties">
              {parties(c.plaintiffs)} <span class="muted">{t(lang, 'lawsuits.versus')}</span> {parties(c.defendants)}
            </p>
            {c.claims.length > 0 && (
              <p class="claims" lang={lang}>
                {c.claims.map((claim, i) => (
                  <span key={i}>
                    {i > 0 && '; '}
                    {claim} <FallbackMark lang={lang} fallbacks={c.fallbacks} field={`claims[${i}]`} />
                  </span>
                ))}
              </p>
            )}
            <ol class="steps" aria-label={t(lang, 'lawsuits.history')}>
              {c.history.map((s) => (
                <li key={s.eventId}>
                  <span class="when">
                    <InferredMark lang={lang} inferred={s.inferred} paths={['occurredAt']}>
                      {dateText(lang, s.occurredAt)}
                    </InferredMark>
                  </span>{' '}
                  {codeText(lang, 'lawsuit', s.status)}
                  {/* A rumoured or denied step is not one that happened: said, as the roster says a start's modality. */}
                  {s.modality !== 'reported' && (
                    <>
                      {' '}
                      <span class="badge" data-testid="step-modality">
                        {codeText(lang, 'modality', s.modality)}
                      </span>
                    </>
                  )}
                  <OutletsBadge
                    lang={lang}
                    c={s.corroboration && (s.corroboration.outlets > 1 || s.corroboration.denies) ? s.corroboration : undefined}
                  />
                  {s.detail && (
                    <span class="muted">
                      {colon(lang, '', s.detail)} <FallbackMark lang={lang} fallbacks={s.fallbacks} field="detail" />
                    </span>
                  )}{' '}
                  <button type="button" class="link" onClick={() => onOpen(stepFact(lang, c, s))}>
                    {t(lang, 'sources.button')}
                    <span class="sr-only">{t(lang, 'sources.for', { what: `${c.caseName} ${codeText(lang, 'lawsuit', s.status)}` })}</span>
                  </button>
                </li>
              ))}
            </ol>
          </article>
        ))}
      </div>
    </section>
  );
}
