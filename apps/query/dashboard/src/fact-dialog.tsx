import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api';
import { instant } from './format';
import { FactTruth, InferredMark } from './truth';
import type { Fact, Source } from './types';

interface StoryFacts {
  id: string;
  outlet: string;
  title: string | null;
  items: Array<{ factId: string; headline: string; quote: string | null; occurredAt: string | null; status: string }>;
}

/** A fact's sources with their quotes, its standing and its earlier versions; a source opens the story it comes from. */
export function FactDialog({ fact, onClose }: { fact: Fact | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [story, setStory] = useState<StoryFacts | null>(null);
  const [error, setError] = useState<string | null>(null);

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
      (e: Error) => request.signal.aborted || setError(e.message),
    );
  };

  return (
    <dialog ref={ref} class="fact" aria-labelledby="fact-title" onClose={onClose}>
      {fact && (
        <div>
          <header class="dialog-head">
            <h2 id="fact-title">{fact.title}</h2>
            <button type="button" class="close" onClick={() => ref.current?.close()} aria-label="Close">
              ×
            </button>
          </header>
          <p class="meta">
            <span class={`badge ${fact.status}`}>{fact.status}</span> <span class="badge">{fact.modality}</span> occurred{' '}
            <InferredMark inferred={fact.inferred} paths={['occurredAt']}>
              {fact.occurredAt ?? 'unknown'}
            </InferredMark>{' '}
            · recorded {instant(fact.recordedAt)}
          </p>
          <FactTruth corroboration={fact.corroboration} inferred={fact.inferred} />
          <h3>Sources</h3>
          {fact.sources.length === 0 && <p>No source on this item.</p>}
          <ul class="sources">
            {fact.sources.map((s, i) => (
              <li key={i}>
                <p>
                  <strong>{s.outlet}</strong>
                  {s.stance === 'denies' && <span class="badge denies">denies</span>}
                  {s.stance === 'confirms' && <span class="badge">confirms</span>}
                  {s.title && (
                    <>
                      {' '}
                      · <cite>{s.title}</cite>
                    </>
                  )}
                  {s.publishedAt && <> · {s.publishedAt}</>}
                  {s.language && <> · {s.language}</>}
                </p>
                {s.quote && <blockquote lang={s.language ?? undefined}>{s.quote}</blockquote>}
                <p class="actions">
                  {s.url && (
                    <a href={s.url} rel="noopener noreferrer" target="_blank">
                      Article
                    </a>
                  )}
                  {s.id && (
                    <button type="button" onClick={() => openStory(s)}>
                      Everything this story backs
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          {story && (
            <section aria-label={`Facts backed by ${story.outlet}`}>
              <h3>
                {story.title ?? story.outlet}: {story.items.length} facts
              </h3>
              <ul class="story">
                {story.items.map((f) => (
                  <li key={f.factId}>
                    {f.headline}{' '}
                    <span class="muted">
                      ({f.occurredAt ?? '?'}, {f.status})
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {fact.history.length > 0 && (
            <>
              <h3>Earlier versions</h3>
              <ol class="history">
                {fact.history.map((v) => (
                  <li key={v.version}>
                    v{v.version}, recorded {instant(v.recordedFrom)}
                    {v.recordedTo && <> until {instant(v.recordedTo)}</>}
                    {v.supersededBy && <> · {v.supersededBy}</>}
                    {v.endReason && <>: “{v.endReason}”</>}
                    {v.inferred && v.inferred.length > 0 && <> · not in the sources: {v.inferred.map((i) => i.path).join(', ')}</>}
                    <pre>{JSON.stringify(v.data, null, 1)}</pre>
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
