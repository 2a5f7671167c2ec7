export type Lang = 'en' | 'fr';

/**
 * The visible mark of text shown in the other language: the service lists such fields in `fallbacks` (the event
 * gives no text in the language asked for, and the glossary does not know it). Nothing when there is none.
 */
export function FallbackMark(props: { lang: Lang; fallbacks?: string[]; field?: string }) {
  const { lang, fallbacks = [], field } = props;
  const shown = field ? fallbacks.filter((f) => f === field || f.startsWith(`${field}[`)) : fallbacks;
  if (shown.length === 0) return null;
  const other = lang === 'fr' ? 'en' : 'fr';
  // French typography as the API's French text: U+00A0 before the colon (libs/domain french-typography.util).
  const title =
    lang === 'fr'
      ? `Pas de texte en français\u00a0: affiché en anglais (${shown.join(', ')})`
      : `No English text: shown in French (${shown.join(', ')})`;
  return (
    <span class="badge fallback" data-testid="fallback" title={title} lang={lang}>
      {other}
    </span>
  );
}
