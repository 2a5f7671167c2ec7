import { isSubject, perLanguageOf, textOf } from '@newsroom/domain';

/**
 * The `*_i18n` column of a free-text value: its text per language (a plain string as `{"en": ...}`); null when
 * absent or when the value is a subject (a destination may be one), which no language changes.
 */
export function localizedColumn(value: unknown): { en?: string; fr?: string } | null {
  if (value === null || value === undefined || (typeof value === 'string' && isSubject(value))) return null;
  return perLanguageOf(value);
}

/** The `*_i18n` column of a list of free-text values (claims, features). */
export function localizedListColumn(values: readonly unknown[] | undefined): Array<{ en?: string; fr?: string } | null> {
  return (values ?? []).map(localizedColumn);
}

/** The plain text column of a free-text value (its English text, else its French); null when absent, as before. */
export function plainTextColumn(value: unknown): string | null {
  return value === null || value === undefined ? null : textOf(value);
}
