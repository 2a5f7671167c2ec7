import { t, type Lang } from './i18n';

export type { Lang };

/**
 * The visible mark of text shown in the other language: the service lists such fields in `fallbacks` (the event
 * gives no text in the language asked for, and the glossary does not know it). Nothing when there is none.
 */
export function FallbackMark(props: { lang: Lang; fallbacks?: string[]; field?: string }) {
  const { lang, fallbacks = [], field } = props;
  const shown = field ? fallbacks.filter((f) => f === field || f.startsWith(`${field}[`)) : fallbacks;
  if (shown.length === 0) return null;
  const other = lang === 'fr' ? 'en' : 'fr';
  return (
    <span class="badge fallback" data-testid="fallback" title={t(lang, 'fallback.title', { fields: shown.join(', ') })} lang={lang}>
      {other}
    </span>
  );
}
