import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { readKey, saveKey } from './api';
import { Charts } from './charts';
import { FactDialog } from './fact-dialog';
import { Conflicts } from './conflicts';
import { Lawsuits } from './lawsuits';
import { Roster } from './roster';
import { Timeline } from './timeline';
import { usePartialReadModels, useReport } from './use-report';
import type { Fact, FeedItem } from './types';
import type { Lang } from './fallback';

/** The instants the newsroom recorded something: the steps of the "what we knew at" picker. */
function useRecordedInstants(refresh: number, lang: Lang): string[] {
  const feed = useReport<{ items: FeedItem[] }>(`/v1/feed?after=0&limit=1000&lang=${lang}`, refresh);
  return useMemo(() => [...new Set((feed.data?.items ?? []).map((i) => i.recordedAt))].sort(), [feed.data]);
}

function KeyField({ onSaved }: { onSaved: () => void }) {
  const [value, setValue] = useState(readKey());
  return (
    <details class="key-field">
      <summary>Read key{readKey() ? ' (set)' : ''}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          saveKey(value.trim());
          onSaved();
        }}
      >
        <label>
          Key <span class="muted">(only when the service requires read keys; kept for this tab only)</span>
          <input type="password" name="key" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <button type="submit">Use key</button>
      </form>
    </details>
  );
}

function App() {
  const [organization, setOrganization] = useState('org:openai');
  // Drives `lang` on every call: headlines, roles, features... in that language, fallbacks marked.
  const [lang, setLang] = useState<Lang>(() => (document.documentElement.lang === 'fr' ? 'fr' : 'en'));
  const [asOf, setAsOf] = useState('');
  const [knownStep, setKnownStep] = useState<number | null>(null); // null: now
  const [refresh, setRefresh] = useState(0);
  const [keyVersion, setKeyVersion] = useState(0);
  const [fact, setFact] = useState<Fact | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const instants = useRecordedInstants(refresh, lang);
  const knownAt = knownStep === null || knownStep >= instants.length ? null : instants[knownStep];
  const step = knownStep ?? instants.length;

  const onActivity = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setRefresh((r) => r + 1), 300);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const keySaved = () => {
    setKeyVersion((v) => v + 1);
    setRefresh((r) => r + 1);
  };
  const partial = usePartialReadModels();
  const knownText = knownAt
    ? `${knownAt.replace('T', ' ').replace('Z', ' UTC')} (${step + 1} of ${instants.length} recordings)`
    : 'now (everything recorded)';

  return (
    <>
      <header class="top">
        <h1>Newsroom dashboard</h1>
        <label class="lang-switch">
          Language / Langue{' '}
          <select name="dashboard-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        <KeyField onSaved={keySaved} />
      </header>
      {partial.length > 0 && (
        <p class="notice partial" role="status">
          Partial: the history of {partial.join(', ')} is still being folded in (a backfill); the reports drawing on it lack older events
          until it is done.
        </p>
      )}
      <main>
        <Timeline lang={lang} keyVersion={keyVersion} onOpen={setFact} onActivity={onActivity} />
        <section class="card pickers" aria-labelledby="pickers-title">
          <h2 id="pickers-title">Time travel</h2>
          <form class="filters" onSubmit={(e) => e.preventDefault()}>
            <label>
              Organization
              <input
                name="report-organization"
                value={organization}
                onChange={(e) => setOrganization(e.currentTarget.value.trim() || 'org:openai')}
              />
            </label>
            <label>
              As of (what was true then)
              <input type="date" name="asOf" value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} />
            </label>
            <div class="wide field">
              <label for="knownAt">What we knew at</label>
              <output for="knownAt">{knownText}</output>
              <input
                id="knownAt"
                type="range"
                name="knownAt"
                min={0}
                max={instants.length}
                step={1}
                value={step}
                aria-valuetext={knownText}
                disabled={instants.length === 0}
                onInput={(e) => {
                  const v = Number(e.currentTarget.value);
                  setKnownStep(v >= instants.length ? null : v);
                }}
              />
            </div>
            <button type="button" onClick={() => (setAsOf(''), setKnownStep(null))}>
              Back to now
            </button>
          </form>
        </section>
        <Roster lang={lang} organization={organization} asOf={asOf} knownAt={knownAt} refresh={refresh} onOpen={setFact} />
        <Charts lang={lang} organization={organization} asOf={asOf} knownAt={knownAt} refresh={refresh} onOpen={setFact} />
        <Lawsuits lang={lang} asOf={asOf} knownAt={knownAt} refresh={refresh} onOpen={setFact} />
        <Conflicts knownAt={knownAt} refresh={refresh} onOpen={setFact} />
      </main>
      <footer class="muted">
        Data from this service's API (<a href="/docs">/docs</a>). Every figure opens its sources.
      </footer>
      <FactDialog fact={fact} onClose={() => setFact(null)} />
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading" line of index.html
render(<App />, root);
