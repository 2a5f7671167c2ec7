import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, getJson } from './api';
import { dateText, instant } from './format';
import { changedFields } from './changes';
import { codeText, fieldsText, t, tn, type Lang } from './i18n';
import { FactTruth, InferredMark } from './truth';
import type { Fact, InferredField, Source } from './types';

interface StoryFacts {
  id: string;
  outlet: string;
  title: string | null;
  items: Array<{ factId: string; headline: string; quote: string | null; occurredAt: string | null; status: string }>;
}

const pathOf = (i: InferredField) => i.path;

/** A fact's sources with their quotes, its standing and its earlier versions; a source opens the story it comes from. */
export function FactDialog({ lang, fact, onClose }: { lang: Lang; fact: Fact | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [story, setStory] = useState<StoryFacts | null>(null);
  const [error, setError] = useState<Error | null>(null);

  // The story asked for last: a click on another source, another fact or a close cancels the one before.
  const storyRequest = useRef<AbortController | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    storyRequest.current?.abort();
    setStory(null);
    setError(null);
    if (fact && !dialog.open) dialog.showModal();
    if (!fact && dialog.open) dialog.close();
  }, [fact]);
  useEffect(() => () => storyRequest.current?.abort(), []);

  const openStory = (s: Source) => {
    if (!s.id) return;
    storyRequest.current?.abort();
    const request = new AbortController();
    storyRequest.current = request;
    setStory(null);
    setError(null);
    getJson<StoryFacts>(`/v1/sources/${encodeURIComponent(s.id)}`, request.signal).then(
      (answer) => request.signal.aborted || setStory(answer),
      (e: Error) => request.signal.aborted || setError(e),
    );
  };

  return (
    <dialog ref={ref} class="fact" aria-labelledby="fact-title" onClose={onClose}>
      {fact && (
        <div>
          <header class="dialog-head">
            <h2 id="fact-title">{fact.title}</h2>
            <button type="button" class="close" onClick={() => ref.current?.close()} aria-label={t(lang, 'dialog.close')}>
              ×
            </button>
          </header>
          <p class="meta">
            <span class={`badge ${fact.status}`}>{codeText(lang, 'status', fact.status)}</span>{' '}
            <span class="badge">{codeText(lang, 'modality', fact.modality)}</span> {t(lang, 'dialog.occurred')}{' '}
            <InferredMark lang={lang} inferred={fact.inferred} paths={['occurredAt']}>
              {fact.occurredAt ? dateText(lang, fact.occurredAt) : t(lang, 'unknown')}
            </InferredMark>{' '}
            · {t(lang, 'dialog.recorded', { instant: instant(lang, fact.recordedAt) })}
          </p>
          {fact.retraction && (
            <p class="meta" data-testid="retraction">
              {t(lang, 'dialog.retracted', { instant: instant(lang, fact.retraction.recordedAt) })}
              {fact.retraction.reason && t(lang, 'dialog.endReason', { reason: fact.retraction.reason })}
            </p>
          )}
          <FactTruth lang={lang} corroboration={fact.corroboration} inferred={fact.inferred} />
          <h3>{t(lang, 'dialog.sources')}</h3>
          {fact.sources.length === 0 && <p>{t(lang, 'dialog.noSource')}</p>}
          <ul class="sources">
            {fact.sources.map((s, i) => (
              <li key={i}>
                <p>
                  <strong>{s.outlet}</strong>
                  {s.stance === 'denies' && <span class="badge denies">{t(lang, 'stance.denies')}</span>}
                  {s.stance === 'confirms' && <span class="badge">{t(lang, 'stance.confirms')}</span>}
                  {s.title && (
                    <>
                      {' '}
                      · <cite>{s.title}</cite>
                    </>
                  )}
                  {s.publishedAt && <> · {dateText(lang, s.publishedAt)}</>}
                  {s.language && <> · {s.language}</>}
                </p>
                {s.quote && <blockquote lang={s.language ?? undefined}>{s.quote}</blockquote>}
                <p class="actions">
                  {s.url && (
                    <a href={s.url} rel="noopener noreferrer" target="_blank">
                      {t(lang, 'dialog.article')}
                    </a>
                  )}
                  {s.id && (
                    <button type="button" onClick={() => openStory(s)}>
                      {t(lang, 'dialog.storyButton')}
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
          {error && (
            <p role="alert" class="error">
              {errorText(lang, error)}
            </p>
          )}
          {story && (
            <section aria-label={t(lang, 'dialog.storyLabel', { outlet: story.outlet })}>
              <h3>{tn(lang, 'dialog.storyFacts', story.items.length, { title: story.title ?? story.outlet })}</h3>
              <ul class="story">
                {story.items.map((f) => (
                  <li key={f.factId}>
                    {f.headline}{' '}
                    <span class="muted">
                      ({f.occurredAt ? dateText(lang, f.occurredAt) : t(lang, 'date.unknown')}, {codeText(lang, 'status', f.status)})
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {fact.history.length > 0 && (
            <>
              <h3>{t(lang, 'dialog.history')}</h3>
              <ol class="history" data-testid="history">
                {fact.history.map((v) => (
                  <li key={v.version}>
                    {t(lang, 'dialog.version', { version: v.version, instant: instant(lang, v.recordedFrom) })}
                    {v.recordedTo && t(lang, 'dialog.until', { instant: instant(lang, v.recordedTo) })}
                    {v.supersededBy && <> · {codeText(lang, 'status', v.supersededBy)}</>}
                    {v.endReason && t(lang, 'dialog.endReason', { reason: v.endReason })}
                    {v.occurredAt && t(lang, 'dialog.versionOccurred', { date: dateText(lang, v.occurredAt) })}
                    {v.inferred &&
                      v.inferred.length > 0 &&
                      t(lang, 'dialog.versionNotInSources', { paths: fieldsText(lang, v.inferred.map(pathOf)) })}
                    <p class="version-data">{changedFields(lang, { data: v.data })}</p>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </dialog>
  );
}
