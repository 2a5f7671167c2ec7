import { qs } from './api';
import { pretty } from './format';
import { useReport } from './use-report';
import type { Conflict, ConflictSide, Fact } from './types';

/** What one side claims, in a few words: a figure, a date and destination, a case outcome. */
function valueText(s: ConflictSide): string {
  const v = s.value;
  if (v.amount) return `${v.amount} ${v.currency ?? ''}`.trim();
  if (v.count !== undefined && v.count !== null) return String(v.count);
  if (v.status) return `${v.status.replace('_', ' ')} (${v.occurredAt ?? '?'})`;
  return [v.occurredAt, v.destination].filter(Boolean).join(', ');
}

const sideFact = (c: Conflict, s: ConflictSide): Fact => ({
  title: s.headline ?? `${c.subjectName}: ${valueText(s)}`,
  eventId: s.eventId,
  occurredAt: s.occurredAt,
  modality: 'reported',
  status: 'current',
  recordedAt: c.openedAt,
  sources: s.sources,
  history: [],
});

/** Standing facts that contradict each other: open ones first, then resolved ones with who resolved them and why. */
export function Conflicts(props: { knownAt: string | null; refresh: number; onOpen: (f: Fact) => void }) {
  const { knownAt, refresh, onOpen } = props;
  const report = useReport<{ items: Conflict[] }>(`/v1/reports/conflicts${qs({ knownAt, limit: '100' })}`, refresh);
  const items = [...(report.data?.items ?? [])].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  return (
    <section class="card conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts (every subject)</h2>
      {report.error && (
        <p role="alert" class="error">
          {report.error}
        </p>
      )}
      {report.data && items.length === 0 && <p class="muted">No contradiction on record.</p>}
      <ul class="conflict-list">
        {items.map((c) => (
          <li key={c.conflictId} data-conflict-id={c.conflictId} data-status={c.status}>
            <p>
              <span class={`badge ${c.status === 'open' ? 'conflict' : 'resolved'}`}>{c.status}</span> {pretty(c.subject)}: {c.kind}{' '}
              <span class="muted">({c.fields.join(', ')})</span>
            </p>
            <ul class="sides">
              {c.sides.map((s) => (
                <li key={s.eventId} class={c.resolution?.standingEventId === s.eventId ? 'standing' : undefined}>
                  {valueText(s)} <span class="muted">{s.sources.map((x) => x.outlet).join(', ')}</span>{' '}
                  <button type="button" class="link" onClick={() => onOpen(sideFact(c, s))}>
                    Sources<span class="sr-only"> for {valueText(s)}</span>
                  </button>
                  {c.resolution?.standingEventId === s.eventId && <span class="badge">stands</span>}
                </li>
              ))}
            </ul>
            {c.resolution && (
              <p class="muted">
                Resolved by {c.resolution.by}
                {c.resolution.reason ? `: ${c.resolution.reason}` : ''}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
