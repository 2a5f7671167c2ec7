import { headlineParts, headlineSegments, shownFallbacks } from './corrections';
import { fieldsText, t, type Lang } from './i18n';

export type { Lang };

/** The language of text shown in the other one than the page's. */
const otherLang = (lang: Lang): Lang => (lang === 'fr' ? 'en' : 'fr');

/**
 * The fallback in the page's words: "en anglais" / "in French". The badge's tooltip says it ("affiché en anglais"),
 * and so does every text meant for assistive technology in place of the service's "[en]" / "[fr]" (t32).
 */
const fallbackWords = (lang: Lang) => t(lang, 'fallback.in');

/**
 * A headline as a screen reader should hear it, as plain text (a live announcement, an `aria-valuetext`): each of the
 * service's "[en]" / "[fr]" marks said in words, "(Researcher 2 (en anglais))", never read out as "[en]" nor dropped.
 */
export const spokenHeadline = (lang: Lang, headline: string) =>
  headlineParts(headline, lang)
    .map((p) => (p.marked ? `${p.text} (${fallbackWords(lang)})` : p.text))
    .join('');

/**
 * The visible mark of text shown in the other language: the service lists such fields in `fallbacks` (the event
 * gives no text in the language asked for, and the glossary does not know it). Nothing when there is none. Its
 * tooltip names the fields in the page's words ("rôle", "titre"), not the API's paths ("data.role", "title").
 */
export function FallbackMark(props: { lang: Lang; fallbacks?: string[]; field?: string }) {
  const { lang, fallbacks = [], field } = props;
  const shown = field ? fallbacks.filter((f) => f === field || f.startsWith(`${field}[`)) : fallbacks;
  if (shown.length === 0) return null;
  return (
    <span
      class="badge fallback"
      data-testid="fallback"
      title={t(lang, 'fallback.title', { shownIn: fallbackWords(lang), fields: fieldsText(lang, shown) })}
      lang={lang}
    >
      {otherLang(lang)}
    </span>
  );
}

/**
 * A headline with one marker per text shown in the other language: the page's badge where the service wrote its
 * inline "[en]" / "[fr]", and nowhere else (a headline without such a mark shows no text of the other language,
 * whatever else of its fact is: `fallbacks` lists every field, shown or not). The badge's tooltip names the fields
 * the headline shows (`data` is the item's, to find them), or "headline" when they cannot be told. The text of the
 * other language, where the data tells it, carries its `lang`.
 */
export function Headline(props: { lang: Lang; headline: string; fallbacks?: string[]; data?: unknown; class?: string }) {
  const { lang, headline, fallbacks = [], data } = props;
  const parts = headlineSegments(headline, lang, fallbacks, data);
  const shown = shownFallbacks(headline, lang, fallbacks, data);
  const fields = shown.length ? shown : ['headline'];
  return (
    <p class={props.class ?? 'headline'} lang={lang}>
      {parts.map((p, i) => (
        <span key={i}>
          {p.foreign ? <span lang={otherLang(lang)}>{p.text}</span> : p.text}
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

/**
 * A headline for a screen reader, as elements (a button's hidden text): the text of the other language in its own
 * `lang`, followed by the fallback in words ("(en anglais)"), where the visible headline has its badge.
 */
export function SpokenHeadline(props: { lang: Lang; headline: string; fallbacks?: string[]; data?: unknown }) {
  const { lang, headline, fallbacks, data } = props;
  return (
    <>
      {headlineSegments(headline, lang, fallbacks, data).map((p, i) => (
        <span key={i}>
          {p.foreign ? <span lang={otherLang(lang)}>{p.text}</span> : p.text}
          {p.marked && ` (${fallbackWords(lang)})`}
        </span>
      ))}
    </>
  );
}
