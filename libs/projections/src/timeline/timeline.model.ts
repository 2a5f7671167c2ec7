import { RECORDABLE_EVENT_TYPES } from '@newsroom/domain';
import { factHeadlines } from '../facts/fact-headlines.mapper';
import type { FactModel } from '../facts/fact-model.types';
import type { FactVersion } from '../facts/fact-version.types';
import { mentionsOf } from './mentions.mapper';

/** Headlines of a version as it stands (a correction re-renders them from the corrected data). */
export function headlinesOf(f: FactVersion): { headline_en: string; headline_fr: string } {
  const { en, fr } = factHeadlines(f);
  return { headline_en: en, headline_fr: fr };
}

/** Every story fact, one row per version and subject it mentions: timelines and entity pages read it. */
export const timelineModel: FactModel = {
  types: RECORDABLE_EVENT_TYPES,
  columns: { mention: 'plain', mention_role: 'plain', is_primary: 'plain', headline_en: 'plain', headline_fr: 'plain' },
  // The subject's row (first, is_primary) keeps the payload and headlines; the other mentions are keys.
  leadRowColumns: ['headline_en', 'headline_fr'],
  rows: (f) => {
    const headlines = headlinesOf(f);
    return mentionsOf(f.subject, f.data).map((m) => ({
      part: m.subject,
      columns: { mention: m.subject, mention_role: m.role, is_primary: m.role === 'subject', ...headlines },
    }));
  },
};
