import { isSubject, parseSubject } from '../values/subject.value';

// Slugs lose capitals; these words get them back. Small on purpose: anything else is title-cased.
const KNOWN_WORDS: Readonly<Record<string, string>> = {
  openai: 'OpenAI',
  xai: 'xAI',
  ai: 'AI',
  agi: 'AGI',
  api: 'API',
  gpt: 'GPT',
  chatgpt: 'ChatGPT',
  deepmind: 'DeepMind',
  github: 'GitHub',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  nvidia: 'Nvidia',
  ibm: 'IBM',
  aws: 'AWS',
  us: 'US',
  usa: 'USA',
  uk: 'UK',
  eu: 'EU',
  un: 'UN',
  ftc: 'FTC',
  sec: 'SEC',
  doj: 'DOJ',
  fbi: 'FBI',
  cma: 'CMA',
  ceo: 'CEO',
  cto: 'CTO',
  cfo: 'CFO',
  coo: 'COO',
  llc: 'LLC',
  inc: 'Inc.',
  pbc: 'PBC',
  v: 'v.',
  vs: 'vs.',
};
const SMALL_WORDS = new Set(['of', 'the', 'and', 'for', 'in', 'on', 'at', 'to', 'de', 'du', 'des', 'la', 'le', 'et']);

/** "person:mira-murati" -> "Mira Murati", "org:openai" -> "OpenAI", "case:musk-v-openai" -> "Musk v. OpenAI". */
export function displayNameOf(subject: string): string {
  const parsed = parseSubject(subject);
  if (!parsed) return subject;
  return parsed.slug
    .split('-')
    .filter((word) => word !== '')
    .map((word, i) => {
      if (KNOWN_WORDS[word]) return KNOWN_WORDS[word];
      if (i > 0 && SMALL_WORDS.has(word)) return word;
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(' ');
}

/** A subject's display name, or the plain name as given (destinations and investors may be either). */
export function labelOf(value: unknown): string {
  if (typeof value !== 'string') return '';
  return isSubject(value) ? displayNameOf(value) : value;
}
