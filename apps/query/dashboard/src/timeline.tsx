import { useEffect, useRef, useState } from 'preact/hooks';
import { dateText, EVENT_TYPES, instant, typeLabel } from './format';
import { Connection, FeedFilters, Row, useFeed } from './feed';
import { InferredList, InferredMark, OutletsBadge } from './truth';
import type { Fact, FeedItem, InferredField, Source } from './types';
import { Headline, SpokenHeadline, spokenHeadline } from './fallback';
import { correctedView, earlierVersions } from './corrections';
import { changedFields } from './changes';
import { codeText, t, tn, type Lang } from './i18n';
import { TextField } from './text-field';

const CONNECTION_TEXT: Record<Connection, `connection.${Connection}`> = {
  connecting: 'connection.connecting',
  live: 'connection.live',
  reconnecting: 'connection.reconnecting',
  offline: 'connection.offline',
  refused: 'connection.refused',
};

const amendmentText = (lang: Lang, a: FeedItem) => {
  if (a.type === 'event.sourced') return a.headline;
  const reason = a.data?.reason ? t(lang, 'amend.reason', { reason: a.data.reason }) : '';
  if (a.targetStatus === 'retracted') return `${t(lang, 'amend.retracted')}${reason}`;
  const changes = a.data?.changes ? t(lang, 'amend.changes', { fields: changedFields(lang, a.data.changes) }) : '';
  return `${t(lang, 'amend.corrected')}${reason}${changes}`;
};

/** The fields a row's sources do not state: as recorded, or as the latest correction that gave a list has them. */
const inferredOf = (row: Row): InferredField[] =>
  row.amendments.reduce<InferredField[]>(
    (list, a) => (a.type === 'event.corrected' && a.data?.changes?.inferred) || list,
    row.item.inferred ?? [],
  );

/** The item's sources, then its amendments': an outlet attached later carries its stance, so a denial reads as one. */
const rowSources = (row: Row): Source[] => [
  ...row.item.sources,
  ...row.amendments.flatMap((a) => {
    const stance: unknown = a.type === 'event.sourced' ? (a.data as { stance?: unknown } | null)?.stance : undefined;
    if (stance !== 'confirms' && stance !== 'denies') return a.sources;
    return a.sources.map((s): Source => ({ ...s, stance }));
  }),
];

/**
 * The fact a row opens, as the row shows it: a corrected one with its corrected date and headline, recorded when its
 * latest correction was, and its earlier versions (each with its date and the reason it was corrected); a retracted
 * one with its retraction's reason (the dialog did not say it, t32).
 */
function rowFact(row: Row, lang: Lang): Fact {
  const view = correctedView(row.item, row.amendments, lang);
  const corrections = row.amendments.filter((a) => a.type === 'event.corrected');
  const retraction = row.amendments.filter((a) => a.type === 'event.retracted').pop();
  return {
    title: view.headline,
    eventId: row.item.eventId,
    occurredAt: view.occurredAt,
    modality: row.item.modality,
    status: row.status,
    recordedAt: corrections.length ? corrections[corrections.length - 1].recordedAt : row.item.recordedAt,
    sources: rowSources(row),
    history: earlierVersions(row.item, row.amendments),
    corroboration: row.item.corroboration,
    inferred: inferredOf(row),
    retraction: retraction && {
      recordedAt: retraction.recordedAt,
      reason: typeof retraction.data?.reason === 'string' ? (retraction.data.reason as string) : null,
    },
  };
}

/**
 * A row's sources. An editor's resolution of a conflict has none of its own: its outlets are those of the fact it
 * says stands (the feed gives it that fact's corroboration), so it opens that fact's sources, said so ("Sources of
 * the fact that stands (3)"), and offers nothing while that fact's row is not on the page (no empty list beside a count).
 */
function SourcesButton(props: { lang: Lang; row: Row; rows: Row[]; onOpen: (f: Fact) => void }) {
  const { lang, row, rows, onOpen } = props;
  if (row.item.type === 'conflict.resolved') {
    const standing = rows.find((r) => r.item.eventId === row.item.targetEventId);
    if (!standing) return null;
    return (
      <button type="button" class="link" data-testid="standing-sources" onClick={() => onOpen(rowFact(standing, lang))}>
        {t(lang, 'sources.standing', { count: rowSources(standing).length })}
        <SourcesFor lang={lang} row={standing} />
      </button>
    );
  }
  return (
    <button type="button" class="link" onClick={() => onOpen(rowFact(row, lang))}>
      {t(lang, 'sources.count', { count: rowSources(row).length })}
      <SourcesFor lang={lang} row={row} />
    </button>
  );
}

/**
 * A Sources button's hidden text: " for <the row's headline>", the headline as a screen reader should hear it (its
 * text of the other language in its own `lang`, the fallback in words: it read "(Researcher 2 [en])", t32).
 */
function SourcesFor({ lang, row }: { lang: Lang; row: Row }) {
  const view = correctedView(row.item, row.amendments, lang);
  const [before, after = ''] = t(lang, 'sources.for', { what: '\u0000' }).split('\u0000');
  return (
    <span class="sr-only">
      {before}
      <SpokenHeadline lang={lang} headline={view.headline} fallbacks={view.fallbacks} data={row.item.data} />
      {after}
    </span>
  );
}

/** How long the stream stays quiet before its replay of history counts as done and new items are announced. */
const REPLAY_QUIET_MS = 1000;

/**
 * What a screen reader hears of the timeline: items that arrive live, one short line each, never the replay of
 * history a (re)started stream sends first (up to 500 items). The replay is over once the stream has been quiet
 * for a second; from then on a new row is announced by its headline, several at once by their count.
 */
function useLiveAnnouncement(rows: Row[], version: number, filters: FeedFilters, keyVersion: number): string {
  const lang = filters.lang;
  const [text, setText] = useState('');
  const seen = useRef<{ settled: boolean; newest: bigint }>({ settled: false, newest: 0n });
  const quiet = useRef<number | undefined>(undefined);
  useEffect(() => {
    seen.current = { settled: false, newest: 0n };
    setText('');
  }, [filters.types, filters.subjects, filters.organization, filters.lang, keyVersion]);
  useEffect(() => {
    const newest = rows.length ? BigInt(rows[rows.length - 1].item.position) : 0n;
    const state = seen.current;
    if (!state.settled) {
      window.clearTimeout(quiet.current);
      quiet.current = window.setTimeout(() => {
        state.settled = true;
        state.newest = rows.length ? BigInt(rows[rows.length - 1].item.position) : 0n;
      }, REPLAY_QUIET_MS);
      return;
    }
    const fresh = rows.filter((r) => BigInt(r.item.position) > state.newest);
    state.newest = newest > state.newest ? newest : state.newest;
    // The headline as heard: the fallback in words, not "[en]" (t32).
    const heard = (row: Row) => spokenHeadline(lang, row.item.headline);
    if (fresh.length === 1) setText(t(lang, 'timeline.new', { headline: heard(fresh[0]) }));
    else if (fresh.length > 1) setText(tn(lang, 'timeline.newMany', fresh.length, { headline: heard(fresh[fresh.length - 1]) }));
  }, [version]);
  useEffect(() => () => window.clearTimeout(quiet.current), []);
  return text;
}

export function Timeline(props: { lang: Lang; keyVersion: number; onOpen: (f: Fact) => void; onActivity: () => void }) {
  const { lang, keyVersion, onOpen, onActivity } = props;
  const [filters, setFilters] = useState<FeedFilters>({ lang });
  // The dashboard's language switch drives the feed's language (a change starts the feed over).
  useEffect(() => setFilters((f) => (f.lang === lang ? f : { ...f, lang })), [lang]);
  const { rows, connection, closeReason, refusal, version, delayed } = useFeed(filters, keyVersion);
  // Live, but the stream says recorded items have not reached the feed yet: they will, in order.
  const late = connection === 'live' && delayed;
  // New items mean the reports may have changed too (the projector writes both in one transaction).
  useEffect(() => {
    if (version > 0) onActivity();
  }, [version]);
  const set = (patch: Partial<FeedFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const announcement = useLiveAnnouncement(rows, version, filters, keyVersion);

  return (
    <section class="card timeline" aria-labelledby="timeline-title">
      <header class="card-head">
        <h2 id="timeline-title">{t(lang, 'timeline.title')}</h2>
        <p class={`conn ${connection}${late ? ' delayed' : ''}`} role="status" data-testid="connection">
          <span class="dot" aria-hidden="true" />
          {t(lang, late ? 'connection.delayed' : CONNECTION_TEXT[connection])}
          {closeReason && connection !== 'live' && <span class="muted"> ({closeReason})</span>}
        </p>
      </header>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t(lang, 'timeline.type')}
          <select name="types" value={filters.types ?? ''} onChange={(e) => set({ types: e.currentTarget.value || undefined })}>
            <option value="">{t(lang, 'timeline.allTypes')}</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {typeLabel(lang, type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t(lang, 'timeline.subject')}
          <TextField
            name="subjects"
            placeholder="person:mira-murati"
            value={filters.subjects ?? ''}
            onCommit={(text) => {
              set({ subjects: text.trim() || undefined });
              return text.trim();
            }}
          />
        </label>
        <label>
          {t(lang, 'timeline.organization')}
          <TextField
            name="organization"
            placeholder="org:openai"
            value={filters.organization ?? ''}
            onCommit={(text) => {
              set({ organization: text.trim() || undefined });
              return text.trim();
            }}
          />
        </label>
      </form>
      {refusal && (
        <p class="error" role="alert" data-testid="feed-refused">
          {t(lang, 'timeline.refused', { reason: refusal })}
        </p>
      )}
      {rows.length === 0 && !refusal && <p class="muted">{t(lang, connection === 'live' ? 'timeline.empty' : 'timeline.waiting')}</p>}
      <p class="sr-only" role="status" aria-live="polite" data-testid="timeline-announcement">
        {announcement}
      </p>
      <ol class="items" aria-label={t(lang, 'timeline.items')}>
        {rows
          .slice()
          .reverse()
          .map((row) => ({ row, view: correctedView(row.item, row.amendments, filters.lang) }))
          .map(({ row, view }) => (
            <li
              key={row.item.position}
              class={`item ${row.status}`}
              data-position={row.item.position}
              data-event-id={row.item.eventId}
              data-status={row.status}
            >
              <div class="item-head">
                <span class="when">
                  {view.was && (
                    <>
                      <del data-testid="was">{dateText(lang, view.was)}</del>{' '}
                    </>
                  )}
                  <InferredMark lang={lang} inferred={inferredOf(row)} paths={['occurredAt']}>
                    {view.occurredAt ? dateText(lang, view.occurredAt) : instant(lang, row.item.recordedAt)}
                  </InferredMark>
                </span>
                <span class="type">{typeLabel(lang, row.item.type)}</span>
                {row.status !== 'current' && <span class={`badge ${row.status}`}>{codeText(lang, 'status', row.status)}</span>}
                {row.item.modality !== 'reported' && <span class="badge">{codeText(lang, 'modality', row.item.modality)}</span>}
                {(row.item.conflictsWith?.length ?? 0) > 0 && (
                  <span
                    class="badge conflict"
                    data-testid="conflict"
                    title={t(lang, 'timeline.conflictTitle', { count: row.item.conflictsWith!.length })}
                  >
                    {t(lang, 'timeline.conflict')}
                  </span>
                )}
                <OutletsBadge lang={lang} c={row.item.corroboration} />
              </div>
              <Headline lang={filters.lang} headline={view.headline} fallbacks={view.fallbacks} data={row.item.data} />
              <InferredList lang={lang} inferred={inferredOf(row)} except={['occurredAt']} />
              {row.amendments.map((a) => (
                <p key={a.position} class="amendment">
                  {amendmentText(lang, a)}
                </p>
              ))}
              <SourcesButton lang={lang} row={row} rows={rows} onOpen={onOpen} />
            </li>
          ))}
      </ol>
    </section>
  );
}
