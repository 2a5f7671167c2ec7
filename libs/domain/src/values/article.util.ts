/**
 * The word with its English indefinite article, chosen by its first letter: "an org", "an event.corrected",
 * "a person". Messages name kinds, types and statuses, all lower-case ASCII codes, where the letter decides.
 */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
