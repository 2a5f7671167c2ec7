// French the page writes around a value it does not choose (an organization's name, a date): "de" elided before a
// vowel or a mute h ("départ d’OpenAI"), and the first of a month as "1er" ("1er août 2024"), as the service's own
// headlines write them. The elision rule is libs/domain's (headlines/french-grammar.util.ts, `elided`), repeated here
// because the bundle does not take libs/domain (it would pull zod and the glossary); a unit test keeps the two alike.
// The dashboard's apostrophe is the typographic one (’), as in the rest of its catalogue.

const VOWEL = /^[aeiouàâäéèêëîïôöùûüœæ]/iu;
// "y" before a consonant sounds as a vowel ("d’Yves"); before a vowel it does not ("de Yahoo").
const Y_AS_VOWEL = /^y[bcdfghjklmnpqrstvwxz]/iu;
const NO_ELISION = new Set(['onze', 'onzième', 'onzièmes', 'oui', 'ouistiti']);
/** Words with a mute h; any other h is taken as aspirated ("de Huawei"), the safe side for names. */
const MUTE_H = new Set(
  (
    'habitant habitante habitants habitude hebdomadaire hébergement hébergeur hélicoptère herbe héritier héritière ' +
    'héritiers heure heures histoire historien historienne hiver homme hommes honneur hôpital hôpitaux horizon horloge ' +
    'hôte hôtel hôtelier hôtelière hôtellerie hôtesse huile huissier huissière humain humanité hygiène hypothèse'
  ).split(' '),
);

function elidesBefore(next: string): boolean {
  const first = /^\p{L}+/u.exec(next.normalize('NFC'))?.[0].toLowerCase() ?? '';
  if (!first || NO_ELISION.has(first)) return false;
  return VOWEL.test(first) || Y_AS_VOWEL.test(first) || MUTE_H.has(first);
}

/** `word` and the text after it, elided where French elides it: ("de", "OpenAI") -> "d’OpenAI"; ("de", "Meta") -> "de Meta". */
export function elided(word: string, next: string): string {
  if (!elidesBefore(next)) return `${word} ${next}`;
  return `${word.replace(/[eaEA]$/u, '')}’${next}`;
}

/** Intl's French date with the first of a month as "1er": "1 août 2024" -> "1er août 2024" (Intl never writes it). */
export const firstOfMonth = (date: string) => date.replace(/^1(?=\s)/u, '1er');
