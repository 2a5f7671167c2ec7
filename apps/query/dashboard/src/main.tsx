import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, readKey, saveKey } from './api';
import { Charts } from './charts';
import { FactDialog } from './fact-dialog';
import { Conflicts } from './conflicts';
import { Lawsuits } from './lawsuits';
import { Roster } from './roster';
import { Timeline } from './timeline';
import { usePartialReadModels } from './use-report';
import type { Fact } from './types';
import { t, tn, type Lang } from './i18n';
import { count as countText, instant } from './format';
import { sharesSecond } from './instants';
import { useRecordedInstants, useStepAdded } from './recordings';
import { orgSubjectOf } from './subjects';
import { TextField } from './text-field';

const DEFAULT_ORGANIZATION = 'org:openai';
/** The longest a steady stream of live items holds back the reports' refresh. */
const MAX_REFRESH_WAIT_MS = 2000;
/** How often the reports are asked again while they say a read model is partial. */
const PARTIAL_RECHECK_MS = 5000;

function KeyField({ lang, onSaved }: { lang: Lang; onSaved: () => void }) {
  const [value, setValue] = useState(readKey());
  return (
    <details class="key-field">
      <summary>
        {t(lang, 'key.summary')}
        {readKey() ? t(lang, 'key.set') : ''}
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          saveKey(value.trim());
          onSaved();
        }}
      >
        <label>
          {t(lang, 'key.label')} <span class="muted">{t(lang, 'key.hint')}</span>
          <input type="password" name="key" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <button type="submit">{t(lang, 'key.use')}</button>
      </form>
    </details>
  );
}

function App() {
  const [organization, setOrganization] = useState(DEFAULT_ORGANIZATION);
  // What the box holds: the organization once it reads as one, kept as typed (and said wrong) when it does not.
  const [organizationText, setOrganizationText] = useState(DEFAULT_ORGANIZATION);
  // Its name as the roster's report gives it, for the lawsuits panel's heading when no entity names it yet.
  const [organizationName, setOrganizationName] = useState<{ subject: string; name: string } | null>(null);
  const organizationValid = orgSubjectOf(organizationText, DEFAULT_ORGANIZATION) !== null;
  // Drives `lang` on every call: headlines, roles, features... in that language, fallbacks marked.
  const [lang, setLang] = useState<Lang>(() => (document.documentElement.lang === 'fr' ? 'fr' : 'en'));
  const [asOf, setAsOf] = useState('');
  const [knownStep, setKnownStep] = useState<number | null>(null); // null: now
  const [refresh, setRefresh] = useState(0);
  const [keyVersion, setKeyVersion] = useState(0);
  const [fact, setFact] = useState<Fact | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const recordings = useRecordedInstants(refresh);
  const { instants } = recordings;
  const knownAt = knownStep === null || knownStep >= instants.length ? null : instants[knownStep];
  const step = knownStep ?? instants.length;
  const added = useStepAdded(knownAt, knownAt ? recordings.steps.get(knownAt) : undefined, lang, keyVersion);

  // Live items refresh the reports 300 ms after the last one, and at least every 2 s under a steady stream.
  const pendingSince = useRef<number | null>(null);
  const onActivity = () => {
    const now = Date.now();
    pendingSince.current ??= now;
    window.clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(300, pendingSince.current + MAX_REFRESH_WAIT_MS - now));
    timer.current = window.setTimeout(() => {
      pendingSince.current = null;
      setRefresh((r) => r + 1);
    }, wait);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const keySaved = () => {
    setKeyVersion((v) => v + 1);
    setRefresh((r) => r + 1);
  };
  const partial = usePartialReadModels();
  // A backfill's end is no feed event: while reports say they are partial, ask again every few seconds.
  useEffect(() => {
    if (partial.length === 0) return;
    const poll = window.setInterval(() => setRefresh((r) => r + 1), PARTIAL_RECHECK_MS);
    return () => window.clearInterval(poll);
  }, [partial.length > 0]);
  // English names the recording as the feed has it (to the millisecond), French as a French date, to the millisecond
  // when a step beside it falls in the same second; and what the step recorded, so no two steps read alike.
  const knownText = knownAt
    ? tn(lang, 'travel.step', instants.length, {
        instant: instant(lang, knownAt, lang === 'en' || sharesSecond(instants, step)),
        step: countText(lang, step + 1),
      })
    : t(lang, 'travel.now');
  // The page says which language it is in (screen readers pronounce it so), and its title follows.
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t(lang, 'app.title');
  }, [lang]);

  return (
    <>
      <a class="skip-link" href="#travel">
        {t(lang, 'app.skip')}
      </a>
      <header class="top">
        <h1>{t(lang, 'app.title')}</h1>
        <label class="lang-switch">
          {t(lang, 'app.language')}{' '}
          <select name="dashboard-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        <KeyField lang={lang} onSaved={keySaved} />
      </header>
      {partial.length > 0 && (
        <p class="notice partial" role="status">
          {t(lang, 'app.partial', { names: partial.join(', ') })}
        </p>
      )}
      <main>
        <Timeline lang={lang} keyVersion={keyVersion} onOpen={setFact} onActivity={onActivity} />
        <section id="travel" tabIndex={-1} class="card pickers" aria-labelledby="pickers-title">
          <h2 id="pickers-title">{t(lang, 'travel.title')}</h2>
          <form class="filters" onSubmit={(e) => e.preventDefault()}>
            <label>
              {t(lang, 'travel.organization')}
              <TextField
                name="report-organization"
                value={organizationText}
                aria-invalid={!organizationValid}
                aria-describedby={organizationValid ? undefined : 'organization-problem'}
                onCommit={(text) => {
                  const subject = orgSubjectOf(text, DEFAULT_ORGANIZATION);
                  setOrganizationText(subject ?? text);
                  if (subject) setOrganization(subject);
                  return subject ?? text;
                }}
              />
              {!organizationValid && (
                <span id="organization-problem" class="error" role="alert">
                  {t(lang, 'travel.organizationInvalid', { organization, example: 'org:openai', slug: 'openai' })}
                </span>
              )}
            </label>
            <label>
              {t(lang, 'travel.asOf')}
              <input type="date" name="asOf" value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} />
            </label>
            <div class="wide field">
              <label for="knownAt">{t(lang, 'travel.knownAt')}</label>
              <output for="knownAt">{knownText}</output>
              {added && (
                <span class="muted step-added" data-testid="step-added" lang={lang}>
                  {added}
                </span>
              )}
              {!recordings.complete && (
                <span class="muted" data-testid="recordings-loading">
                  {recordings.error
                    ? t(lang, 'travel.recordingsFailed', { error: errorText(lang, recordings.error) })
                    : tn(lang, 'travel.recordingsLoading', instants.length)}
                </span>
              )}
              <input
                id="knownAt"
                type="range"
                name="knownAt"
                min={0}
                max={instants.length}
                step={1}
                value={step}
                aria-valuetext={added ? `${knownText}. ${added}` : knownText}
                disabled={instants.length === 0}
                onInput={(e) => {
                  const v = Number(e.currentTarget.value);
                  setKnownStep(v >= instants.length ? null : v);
                }}
              />
            </div>
            <button type="button" onClick={() => (setAsOf(''), setKnownStep(null))}>
              {t(lang, 'travel.back')}
            </button>
          </form>
        </section>
        <Roster
          lang={lang}
          organization={organization}
          asOf={asOf}
          knownAt={knownAt}
          refresh={refresh}
          onOpen={setFact}
          onOrganizationName={(subject, name) => setOrganizationName({ subject, name })}
        />
        <Charts lang={lang} organization={organization} asOf={asOf} knownAt={knownAt} refresh={refresh} onOpen={setFact} />
        <Lawsuits
          lang={lang}
          organization={organization}
          organizationName={organizationName?.subject === organization ? organizationName.name : null}
          asOf={asOf}
          knownAt={knownAt}
          refresh={refresh}
          onOpen={setFact}
        />
        <Conflicts lang={lang} knownAt={knownAt} refresh={refresh} onOpen={setFact} />
      </main>
      <footer class="muted">
        {t(lang, 'app.footerBefore')}
        <a href="/docs">/docs</a>
        {t(lang, 'app.footerAfter')}
      </footer>
      <FactDialog lang={lang} fact={fact} onClose={() => setFact(null)} />
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading" line of index.html
render(<App />, root);
