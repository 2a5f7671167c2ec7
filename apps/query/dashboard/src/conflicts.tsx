import { errorText, qs } from './api';
import { dateText, exactMoney, count, pretty } from './format';
import { codeText, colon, t, type Lang } from './i18n';
import { useReport } from './use-report';
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

const sideFact = (lang: Lang, c: Conflict, s: ConflictSide): Fact => ({
  title: s.headline ?? colon(lang, c.subjectName, valueText(lang, s)),
  eventId: s.eventId,
  occurredAt: s.occurredAt,
  modality: 'reported',
  status: 'current',
  recordedAt: c.openedAt,
  sources: s.sources,
  history: [],
});

/** Standing facts that contradict each other: open ones first, then resolved ones with who resolved them and why. */
export function Conflicts(props: { lang: Lang; knownAt: string | null; refresh: number; onOpen: (f: Fact) => void }) {
  const { lang, knownAt, refresh, onOpen } = props;
  const report = useReport<{ items: Conflict[] }>(`/v1/reports/conflicts${qs({ knownAt, limit: '100', lang })}`, refresh);
  const items = [...(report.data?.items ?? [])].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  return (
    <section class="card conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t(lang, 'conflicts.title')}</h2>
      {report.error && (
        <p role="alert" class="error">
          {errorText(lang, report.error)}
        </p>
      )}
      {report.data && items.length === 0 && <p class="muted">{t(lang, 'conflicts.none')}</p>}
      <ul class="conflict-list">
        {items.map((c) => (
          <li key={c.conflictId} data-conflict-id={c.conflictId} data-status={c.status}>
            <p>
              <span class={`badge ${c.status === 'open' ? 'conflict' : 'resolved'}`}>{codeText(lang, 'conflictStatus', c.status)}</span>{' '}
              {colon(lang, pretty(c.subject), codeText(lang, 'kind', c.kind))}{' '}
              <span class="muted">({c.fields.map((f) => codeText(lang, 'field', f)).join(', ')})</span>
            </p>
            <ul class="sides">
              {c.sides.map((s) => (
                <li key={s.eventId} class={c.resolution?.standingEventId === s.eventId ? 'standing' : undefined}>
                  {valueText(lang, s)} <span class="muted">{s.sources.map((x) => x.outlet).join(', ')}</span>{' '}
                  <button type="button" class="link" onClick={() => onOpen(sideFact(lang, c, s))}>
                    {t(lang, 'sources.button')}
                    <span class="sr-only">{t(lang, 'sources.for', { what: valueText(lang, s) })}</span>
                  </button>
                  {c.resolution?.standingEventId === s.eventId && <span class="badge">{t(lang, 'conflicts.stands')}</span>}
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
        ))}
      </ul>
    </section>
  );
}
