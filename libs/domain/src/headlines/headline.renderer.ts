import { mergePatch } from '../streams/merge-patch.util';
import { displayNameOf } from './display-name.format';
import { FR_HEADLINES } from './headline-fr.renderer';
import { EN_HEADLINES } from './headline-en.renderer';
import { parenthesized } from './headline-parts.util';
import type { HeadlineEvent, HeadlineLang } from './headline.types';

const RENDERERS = { en: EN_HEADLINES, fr: FR_HEADLINES } as const;

const PREFIX = {
  en: { rumored: 'Rumor: ', denied: 'Denied: ', corrected: 'Correction: ', retracted: 'Retracted: ' },
  fr: { rumored: 'Rumeur : ', denied: 'Démenti : ', corrected: 'Correction : ', retracted: 'Retrait : ' },
} as const;

export interface HeadlineOptions {
  /**
   * For event.corrected / event.retracted: the target event as it stood before. With it the headline
   * repeats the target's (corrected) headline; without it, it names the subject and the reason.
   */
  target?: HeadlineEvent;
}

function renderFact(event: HeadlineEvent, lang: HeadlineLang): string {
  const render = RENDERERS[lang][event.type as keyof typeof EN_HEADLINES];
  const text = render ? render({ ...event, data: event.data ?? {} }, displayNameOf(event.subject)) : `${event.type}: ${displayNameOf(event.subject)}`;
  const prefix = event.modality === 'rumored' || event.modality === 'denied' ? PREFIX[lang][event.modality] : '';
  return prefix + text;
}

function renderAmendment(event: HeadlineEvent, lang: HeadlineLang, target?: HeadlineEvent): string {
  const corrected = event.type === 'event.corrected';
  const prefix = PREFIX[lang][corrected ? 'corrected' : 'retracted'];
  if (target) {
    const changes = corrected ? (event.data?.changes ?? {}) : {};
    const shown: HeadlineEvent = {
      ...target,
      occurredAt: changes.occurredAt ?? target.occurredAt,
      data: changes.data ? mergePatch(target.data, changes.data) : target.data,
    };
    return prefix + renderFact(shown, lang);
  }
  const name = displayNameOf(event.subject);
  const what =
    lang === 'fr'
      ? `information sur ${name} ${corrected ? 'modifiée' : 'retirée'}`
      : `earlier report on ${name} ${corrected ? 'amended' : 'withdrawn'}`;
  return prefix + what + parenthesized(event.data?.reason);
}

/** A one-line headline in English or French, built from the event's data. */
export function renderHeadline(event: HeadlineEvent, lang: HeadlineLang, options: HeadlineOptions = {}): string {
  if (event.type === 'event.corrected' || event.type === 'event.retracted') return renderAmendment(event, lang, options.target);
  return renderFact(event, lang);
}
