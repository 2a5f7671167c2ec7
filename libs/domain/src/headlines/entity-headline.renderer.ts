import type { DisplayNames } from '../entities/subject-names.rules';
import type { EntityEventType } from '../events/event-catalog.registry';
import { displayNameOf } from './display-name.format';
import { elided } from './french-grammar.util';
import { frColon, guillemets } from './french-typography.util';
import type { HeadlineEvent, HeadlineLang } from './headline.types';

export function isEntityEvent<E extends { type: string }>(event: E): event is E & HeadlineEvent<EntityEventType> {
  return event.type === 'entity.merged' || event.type === 'entity.unmerged' || event.type === 'entity.aliased';
}

/**
 * Headlines of the editors' records about entities (merges, their reversal, alias names). `names`: the subject's
 * display names when a fact gives them (its stream's announcement or filing); `others`: the other side's, by subject
 * (a merged product's other side is called what its own announcement says); without them, a slug's name.
 */
export function renderEntityHeadline(
  event: HeadlineEvent<EntityEventType>,
  lang: HeadlineLang,
  names?: DisplayNames | null,
  others?: ReadonlyMap<string, DisplayNames> | null,
): string {
  const name = names?.[lang] ?? displayNameOf(event.subject);
  const other = (subject: string) => others?.get(subject)?.[lang] ?? displayNameOf(subject);
  const fr = lang === 'fr';
  switch (event.type) {
    case 'entity.merged':
      return fr
        ? frColon(`${name} et ${other(event.data.into)}`, 'une même entité')
        : `${name} is the same entity as ${other(event.data.into)}`;
    case 'entity.unmerged':
      return fr
        ? frColon(`${name} et ${other(event.data.from)}`, 'entités distinctes')
        : `${name} is no longer merged with ${other(event.data.from)}`;
    case 'entity.aliased':
      if (event.data.removed)
        return fr
          ? `${guillemets(event.data.name)} n'est plus un autre nom ${elided('de', name)}`
          : `"${event.data.name}" is no longer an alias of ${name}`;
      return fr ? frColon(guillemets(event.data.name), `autre nom ${elided('de', name)}`) : `"${event.data.name}" is an alias of ${name}`;
  }
}
