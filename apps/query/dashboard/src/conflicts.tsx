import { errorText, qs } from './api';
import { CsvLink } from './csv-link';
import { dateText, exactMoney, count, figureName } from './format';
import { codeText, colon, t, tn, type Lang } from './i18n';
import { FallbackMark, Headline, spokenHeadline } from './fallback';
import { plainHeadline } from './corrections';
import { useNames } from './names';
import { useReport } from './use-report';
import { corroborationText } from './truth';
import type { Conflict, ConflictSide, Fact } from './types';

/** What one side claims, in a few words: a figure, a date and destination, a case outcome. */
function valueText(lang: Lang, s: ConflictSide): string {
  const v = s.value;
  if (v.amount) return /^-?\d+$/.test(v.amount) ? exactMoney(lang, v.amount, v.currency ?? '') : `${v.amount} ${v.currency ?? ''}`.trim();
  if (v.count !== undefined && v.count !== null) return count(lang, v.count);
  const when = v.occurredAt ? dateText(lang, v.occurredAt) : null;
  if (v.status) return `${codeText(lang, 'lawsuit', v.status)} (${when ?? t(lang, 'date.unknown')})`;
  return [when, v.destination].filter(Boolean).join(', ');
}

/** The distinct outlets of a side, in the order its sources list them. */
const outletsOf = (s: ConflictSide) => [...new Set(s.sources.map((x) => x.outlet))];

/**
 * What both facts speak of, from the conflict's `key` and its sides' values: a figure's metric, basis and period
 * ("revenue (actual), 2024"; "revenue target, 2029", a target's basis going without saying), a departure's
 * organization and role, a case's outcome or injunction. `role` is the key's, the English text of the role folded to
 * lower case: shown as such (in French with the EN badge's words).
 */
function disputedText(lang: Lang, c: Conflict, nameOf: (s: string) => string): { text: string; englishRole?: string } {
  const parts = c.key.split('|');
  const value = c.sides[0]?.value ?? {};
  if (c.kind === 'financial') {
    const metric = value.metric ?? parts[2] ?? '';
    const basis = value.basis ?? parts[3] ?? '';
    const period = value.period ?? c.sides[0]?.occurredAt ?? parts[4] ?? '';
    return {
      text: t(lang, 'conflicts.figure', { figure: figureName(lang, metric, basis), period: dateText(lang, period) }),
    };
  }
  if (c.kind === 'departure') {
    const organization = parts[2] ?? '';
    return { text: t(lang, 'conflicts.departure', { organization: nameOf(organization) }), englishRole: parts.slice(3).join('|') };
  }
  return { text: codeText(lang, 'conflicts.lawsuit', parts[2] ?? 'outcome') };
}

/**
 * How well a side is backed, as the timeline's badge says it of a fact (green from two outlets, red with a denial):
 * every outlet behind it at knownAt, the stories attached since included, not only its own sources' outlets.
 */
function SideCorroboration({ lang, side }: { lang: Lang; side: ConflictSide }) {
  const c = side.corroboration!;
  return (
    <span class={`badge outlets${c.denies ? ' denied' : ''}${c.outlets > 1 ? ' several' : ''}`} data-testid="side-corroboration">
      {corroborationText(lang, c)}
    </span>
  );
}

const sideFact = (lang: Lang, c: Conflict, s: ConflictSide, subject: string): Fact => ({
  title: s.headline ? plainHeadline(s.headline, lang) : colon(lang, subject, valueText(lang, s)),
  eventId: s.eventId,
  occurredAt: s.occurredAt,
  modality: 'reported',
  status: 'current',
  recordedAt: c.openedAt,
  sources: s.sources,
  history: [],
  corroboration: s.corroboration,
});

/**
 * Standing facts that contradict each other: open ones first, then resolved ones with who resolved them and why.
 * Each says what is disputed (subject, metric, basis and period; organization and role; a case's outcome) and where
 * the sides differ, then both sides: the value, the headline (text shown in English marked as elsewhere), the outlets.
 */
export function Conflicts(props: { lang: Lang; knownAt: string | null; refresh: number; onOpen: (f: Fact) => void }) {
  const { lang, knownAt, refresh, onOpen } = props;
  const url = `/v1/reports/conflicts${qs({ knownAt, limit: '100', lang })}`;
  const report = useReport<{ items: Conflict[] }>(url, refresh);
  const items = [...(report.data?.items ?? [])].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  const nameOf = useNames(
    items.flatMap((c) => [c.subject, ...(c.kind === 'departure' ? [c.key.split('|')[2] ?? ''] : [])]).filter(Boolean),
    lang,
    knownAt,
    refresh,
  );
  return (
    <section class="card conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t(lang, 'conflicts.title')}</h2>
      <CsvLink lang={lang} path={url} what={t(lang, 'conflicts.title')} />
      {report.error && (
        <p role="alert" class="error">
          {errorText(lang, report.error)}
        </p>
      )}
      {report.data && items.length === 0 && <p class="muted">{t(lang, 'conflicts.none')}</p>}
      <ul class="conflict-list">
        {items.map((c) => {
          const subject = nameOf(c.subject, c.subjectName);
          const disputed = disputedText(lang, c, nameOf);
          return (
            <li key={c.conflictId} data-conflict-id={c.conflictId} data-status={c.status}>
              <p class="disputed">
                <span class={`badge ${c.status === 'open' ? 'conflict' : 'resolved'}`}>{codeText(lang, 'conflictStatus', c.status)}</span>{' '}
                <strong>
                  {colon(lang, subject, disputed.text)}
                  {disputed.englishRole && (
                    <>
                      {' '}
                      <span lang="en">{disputed.englishRole}</span>
                      {lang === 'fr' && (
                        <>
                          {' '}
                          <FallbackMark lang={lang} fallbacks={['role']} />
                        </>
                      )}
                    </>
                  )}
                </strong>{' '}
                <span class="muted">
                  ({t(lang, 'conflicts.fields', { fields: c.fields.map((f) => codeText(lang, 'field', f)).join(', ') })})
                </span>
              </p>
              <ul class="sides">
                {c.sides.map((s) => (
                  <li key={s.eventId} class={c.resolution?.standingEventId === s.eventId ? 'standing' : undefined}>
                    <strong class="value">{valueText(lang, s)}</strong>
                    {c.resolution?.standingEventId === s.eventId && (
                      <>
                        {' '}
                        <span class="badge">{t(lang, 'conflicts.stands')}</span>
                      </>
                    )}
                    {s.headline && <Headline lang={lang} headline={s.headline} class="side-headline" />}
                    {s.corroboration && s.corroboration.outlets > 0 && (
                      <>
                        <SideCorroboration lang={lang} side={s} />{' '}
                      </>
                    )}
                    <span class="muted outlet-names">
                      {outletsOf(s).length
                        ? colon(lang, tn(lang, 'conflicts.outlets', outletsOf(s).length), outletsOf(s).join(', '))
                        : t(lang, 'conflicts.noOutlet')}
                    </span>{' '}
                    <button type="button" class="link" onClick={() => onOpen(sideFact(lang, c, s, subject))}>
                      {t(lang, 'sources.count', { count: s.sources.length })}
                      <span class="sr-only">
                        {t(lang, 'sources.for', { what: s.headline ? spokenHeadline(lang, s.headline) : valueText(lang, s) })}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
              {c.resolution && (
                <p class="muted">
                  {t(lang, 'conflicts.resolvedBy', { by: codeText(lang, 'closedBy', c.resolution.by) })}
                  {c.resolution.reason ? t(lang, 'amend.reason', { reason: c.resolution.reason }) : ''}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
