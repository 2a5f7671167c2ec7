/**
 * French typography for the text the API makes in French (headlines, feed prefixes, Atom and TimelineJS labels),
 * after the Imprimerie nationale's rules, so a French desk's layout never breaks a line between a number and its
 * unit, or before a colon. One place for the characters, written as escapes so a review sees them:
 * - U+202F NARROW NO-BREAK SPACE before ; ! ? and between the digit groups of a number ("250 000");
 * - U+00A0 NO-BREAK SPACE before :, between a number and its unit or currency ("30 milliards USD", "250 000 €",
 *   "1 600 employés", "1er septembre"), and inside guillemets ("« … »").
 * Only the words this code writes are set so: text an event gives (a reason, a detail, a name) is shown as recorded.
 * English text does not use these.
 */

/** U+202F NARROW NO-BREAK SPACE: before ; ! ? and between digit groups. */
export const NNBSP = '\u202f';
/** U+00A0 NO-BREAK SPACE: before :, between a number and its unit, inside guillemets. */
export const NBSP = '\u00a0';

/** A French colon and the space after it, to put after a word: `Correction${FR_COLON}` -> "Correction : ". */
export const FR_COLON = `${NBSP}: `;

/** "a" and "b" around a French colon: "Correction : b". */
export const frColon = (before: string, after: string): string => `${before}${FR_COLON}${after}`;

/** Text in French quotation marks: « text ». */
export const guillemets = (text: string): string => `«${NBSP}${text}${NBSP}»`;

/** A number and its unit, currency or counted noun on one line: "30 milliards", "250 000 USD", "1er septembre". */
export const withUnit = (figure: string, unit: string): string => (unit ? `${figure}${NBSP}${unit}` : figure);

// Any space Intl (or an older ICU: U+00A0; a plain space) put between two digit groups.
const GROUP_SPACE = /(?<=\d)[ \u00a0\u202f](?=\d)/g;

/** A French number as Intl wrote it, its digit groups separated by U+202F whichever ICU wrote it: "250 000,5". */
export const frenchDigits = (formatted: string): string => formatted.replace(GROUP_SPACE, NNBSP);
