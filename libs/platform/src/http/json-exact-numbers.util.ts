// Shared with the CLI (`newsroom ingest` refuses such a line before sending it): it imports only the other shared file.
import { stringEnd, walkJsonText } from './json-duplicate-keys.util';

/** A number and why it is refused: a problem's field error. */
interface InexactNumber {
  path: string;
  message: string;
}

/**
 * Numbers a JSON text gives more precisely than the double `JSON.parse` reads them as. A headcount `"total":
 * 9999999.9999999999999999` is read as 10000000 and `4.0000000000000001` as 4, without a word: I-JSON (RFC 7493,
 * section 2.2) asks senders not to send them, and ingest refuses them, naming the path, rather than record another
 * number than was sent. A literal is exact when its decimal value is that of the shortest text of the double it reads
 * as (`1e2`, `100` and `1.50` are; so is `0.1`, whose double's shortest text is `0.1`); one beyond the doubles
 * (`1e400`, read as Infinity) or below them (`1e-400`, read as 0) is not.
 *
 * Node 20's JSON.parse gives no access to a number's source text, so the literals are read from the text itself. The
 * cost on a body with no such number is one regular expression: a literal of at most 15 significant digits whose
 * exponent has at most two digits is always exact (a double carries 15 decimal digits, and such a value is within
 * its normal range), and only a run of 16 digits and points, or an exponent of three digits, after a character a
 * number can follow, makes it walk the text, skipping strings; the paths are found only for the inexact ones. (Measured
 * at a tenth of JSON.parse's time on a 400-byte envelope, a fifth on a 1,000-event batch.)
 */
// (A number at the very start, a body that is one number, is not looked at: a body must be an object or an array.)
const MAYBE_INEXACT = /[\s:,[]-?\d(?:[\d.]{15}|[\d.]*[eE][+-]?\d{3})/;

/** The numbers of a text `JSON.parse` has accepted that it reads as another value, each as a field problem with its path. */
export function inexactNumbers(text: string): InexactNumber[] {
  if (!MAYBE_INEXACT.test(text)) return [];
  const found = inexactLiterals(text);
  if (!found.length) return [];
  const problems: InexactNumber[] = [];
  walkJsonText(text, {
    literal: (path, start) => {
      if (start === found[problems.length].start) problems.push({ path, message: found[problems.length].message });
      return problems.length === found.length;
    },
  });
  return problems;
}

/** Where each inexact literal starts, and what it is read as; strings are skipped whole. */
function inexactLiterals(text: string): Array<{ start: number; message: string }> {
  const found: Array<{ start: number; message: string }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = stringEnd(text, i);
      continue;
    }
    if (c !== 45 /* - */ && (c < 48 || c > 57)) continue;
    let end = i + 1;
    let exponent = false;
    for (let d = text.charCodeAt(end); isNumberPart(d); d = text.charCodeAt(++end)) exponent ||= d === 101 || d === 69;
    // Short and without an exponent: at most 15 significant digits in the doubles' normal range, always exact.
    if (end - i > 15 || exponent) {
      const literal = text.slice(i, end);
      const read = Number(literal);
      if (!isExact(literal, read)) found.push({ start: i, message: inexactMessage(literal, read) });
    }
    i = end - 1;
  }
  return found;
}

/** Digits, point, exponent and its sign: what follows a number's first character in its literal. */
const isNumberPart = (c: number) => (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;

const DECIMAL = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal as its significant digits (no leading or trailing zero) and the exponent that makes 0.<digits> its value;
 * null for zero. Both a JSON literal and Number#toString's text (`1e+21`, `1.5e-7`) read this way.
 */
function significant(text: string): { digits: string; exponent: number } | null {
  const [, whole, fraction = '', exponent = '0'] = DECIMAL.exec(text)!;
  const all = whole + fraction;
  const first = all.search(/[^0]/);
  if (first === -1) return null;
  return { digits: all.slice(first).replace(/0+$/, ''), exponent: whole.length + Number(exponent) - first };
}

function isExact(literal: string, read: number): boolean {
  const sent = significant(literal);
  // Zero in any spelling (`0.000`, `-0e7`) is read as zero.
  if (sent === null) return true;
  if (!Number.isFinite(read) || read === 0) return false;
  const shortest = significant(String(Math.abs(read)))!;
  return shortest.digits === sent.digits && shortest.exponent === sent.exponent;
}

function inexactMessage(literal: string, read: number): string {
  const shown = literal.length > 40 ? `${literal.slice(0, 40)}…` : literal;
  return Number.isFinite(read)
    ? `must be a number a JSON double carries exactly (I-JSON, RFC 7493): ${shown} would be read as ${read}`
    : `must be a number a JSON double carries exactly (I-JSON, RFC 7493): ${shown} is beyond the largest, 1.7976931348623157e308`;
}
