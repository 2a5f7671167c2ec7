// The names subjects go by, as the API gives them: `GET /v1/entities/{subject}` answers an entity's `displayName` in
// `lang` (its registered name, the subject it was merged into at `knownAt`, an authority's French name), so a party
// `org:t14-openai` reads "T14 OpenAI", never a title-cased slug ("T14 Openai"). Reports that name a subject already
// (a case's `caseName`, a conflict's `subjectName`) give the name shown while the entity's is asked.
import { useEffect, useState } from 'preact/hooks';
import { getJson, qs } from './api';
import type { Lang } from './i18n';

/** One answer per subject, language, knownAt and refresh: the panels asking for one name share the call. */
const asked = new Map<string, Promise<string | null>>();

function displayName(subject: string, lang: Lang, knownAt: string | null, refresh: number): Promise<string | null> {
  const key = `${refresh}|${lang}|${knownAt ?? ''}|${subject}`;
  let answer = asked.get(key);
  if (!answer) {
    answer = getJson<{ displayName?: string }>(`/v1/entities/${encodeURIComponent(subject)}${qs({ lang, knownAt, limit: '1' })}`).then(
      (e) => e.displayName ?? null,
      () => null, // no standing fact names it (404), or the call failed: the report's name, or the subject, stays
    );
    asked.set(key, answer);
    if (asked.size > 500) asked.delete(asked.keys().next().value!);
  }
  return answer;
}

/**
 * The display names of `subjects` (asked again at each refresh: an alias or a merge may rename one). The function
 * returned gives a subject's name: the entity's once known, else `fallback` (a name the report gave), else the subject.
 */
export function useNames(
  subjects: string[],
  lang: Lang,
  knownAt: string | null,
  refresh: number,
): (subject: string, fallback?: string | null) => string {
  const [names, setNames] = useState<Record<string, string>>({});
  const wanted = [...new Set(subjects)].sort().join('\n');
  useEffect(() => {
    let stopped = false;
    const list = wanted ? wanted.split('\n') : [];
    Promise.all(list.map((s) => displayName(s, lang, knownAt, refresh).then((n) => [s, n] as const))).then((found) => {
      if (stopped) return;
      const next: Record<string, string> = {};
      for (const [s, n] of found) if (n) next[s] = n;
      setNames(next);
    });
    return () => {
      stopped = true;
    };
  }, [wanted, lang, knownAt, refresh]);
  return (subject, fallback) => names[subject] ?? fallback ?? subject;
}
