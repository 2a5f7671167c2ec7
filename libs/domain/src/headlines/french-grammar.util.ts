/**
 * French grammar for the words this code writes around a value it does not choose (a role, a name, a count):
 * elision ("d'OpenAI", "au poste d'ingénieure en chef") and a counted noun's number ("1 employé", "2 employés").
 * The apostrophe is U+0027, as in every other French word the headlines write ("chiffre d'affaires",
 * "d'intervenir", "l'autorité").
 */

// A vowel, accented or not, upper or lower case (the `i` flag folds É to é).
const VOWEL = /^[aeiouàâäéèêëîïôöùûüœæ]/iu;
// "y" before a consonant sounds as a vowel ("d'Yves"); before a vowel it does not ("de Yahoo", "le yacht").
const Y_AS_VOWEL = /^y[bcdfghjklmnpqrstvwxz]/iu;
// Vowel-initial words that take no elision all the same ("de onze", "le oui").
const NO_ELISION = new Set(['onze', 'onzième', 'onzièmes', 'oui', 'ouistiti']);
/**
 * Words with a mute h (elided: "l'hôpital", "d'histoire"). Small and explicit on purpose: an h not listed is
 * taken as aspirated and keeps its "de" ("de Huawei", "le haut-commissaire", "le héros"), the safe side for names.
 */
const MUTE_H = new Set([
  'habitant',
  'habitante',
  'habitants',
  'habitude',
  'hebdomadaire',
  'hébergement',
  'hébergeur',
  'hélicoptère',
  'herbe',
  'héritier',
  'héritière',
  'héritiers',
  'heure',
  'heures',
  'histoire',
  'historien',
  'historienne',
  'hiver',
  'homme',
  'hommes',
  'honneur',
  'hôpital',
  'hôpitaux',
  'horizon',
  'horloge',
  'hôte',
  'hôtel',
  'hôtelier',
  'hôtelière',
  'hôtellerie',
  'hôtesse',
  'huile',
  'huissier',
  'huissière',
  'humain',
  'humanité',
  'hygiène',
  'hypothèse',
]);

/** Whether a French elidable word ("de", "le", "la", "que") loses its vowel before `next`. */
function elidesBefore(next: string): boolean {
  const first = /^\p{L}+/u.exec(next.normalize('NFC'))?.[0].toLowerCase() ?? '';
  if (!first || NO_ELISION.has(first)) return false;
  return VOWEL.test(first) || Y_AS_VOWEL.test(first) || MUTE_H.has(first);
}

/**
 * `word` and the text after it, elided before a vowel or a mute h: elided('de', 'OpenAI') -> "d'OpenAI",
 * elided('la', 'autorité') -> "l'autorité", elided('de', 'Meta') -> "de Meta", elided('de', 'Huawei') -> "de Huawei".
 */
export function elided(word: 'de' | 'le' | 'la' | 'que', next: string): string {
  if (!elidesBefore(next)) return `${word} ${next}`;
  return `${word.replace(/[ea]$/u, '')}'${next}`;
}

/**
 * A counted noun's number in French: singular below 2, so for 0 and 1 ("0 employé", "1 employé", "1,5 milliard"),
 * plural from 2 on ("2 employés"). English takes the singular for exactly 1 only.
 */
export function frenchNoun(n: number, [singular, plural]: readonly [string, string]): string {
  return Math.abs(n) < 2 ? singular : plural;
}
