import { headlineParts, shownFallbacks } from './corrections';
import { fieldsText, t, type Lang } from './i18n';

export type { Lang };

/**
 * The visible mark of text shown in the other language: the service lists such fields in `fallbacks` (the event
 * gives no text in the language asked for, and the glossary does not know it). Nothing when there is none. Its
 * tooltip names the fields in the page's words ("rôle", "titre"), not the API's paths ("data.role", "title").
 */
export function FallbackMark(props: { lang: Lang; fallbacks?: string[]; field?: string }) {
  const { lang, fallbacks = [], field } = props;
  const shown = field ? fallbacks.filter((f) => f === field || f.startsWith(`${field}[`)) : fallbacks;
  if (shown.length === 0) return null;
  const other = lang === 'fr' ? 'en' : 'fr';
  return (
    <span class="badge fallback" data-testid="fallback" title={t(lang, 'fallback.title', { fields: fieldsText(lang, shown) })} lang={lang}>
      {other}
    </span>
  );
}

/**
 * A headline with one marker per text shown in the other language: the page's badge where the service wrote its
 * inline "[en]" / "[fr]", and nowhere else (a headline without such a mark shows no text of the other language,
 * whatever else of its fact is: `fallbacks` lists every field, shown or not). The badge's tooltip names the fields
 * the headline shows (`data` is the item's, to find them), or "headline" when they cannot be told.
 */
export function Headline(props: { lang: Lang; headline: string; fallbacks?: string[]; data?: unknown; class?: string }) {
  const { lang, headline, fallbacks = [], data } = props;
  const parts = headlineParts(headline, lang);
  const shown = shownFallbacks(headline, lang, fallbacks, data);
  const fields = shown.length ? shown : ['headline'];
  return (
    <p class={props.class ?? 'headline'} lang={lang}>
      {parts.map((p, i) => (
        <span key={i}>
          {p.text}
          {p.marked && (
            <>
              {' '}
              <FallbackMark lang={lang} fallbacks={fields} />
            </>
          )}
        </span>
      ))}
    </p>
  );
}
