/**
 * Text from stored data, a service or a file, made safe to print on a terminal as part of one line.
 *
 * Anyone with a write key chooses what a role, a name or a headline holds: an ESC sequence printed as it is runs in
 * the reader's terminal (colours, the window title, OSC 52 clipboard writes), a CR or LF breaks the one-line-per-item
 * output or overwrites what came before, and a bidi override makes a line read differently from what it holds. So
 * every such character is shown as a visible escape instead, one scheme for the whole CLI:
 *
 * - TAB, LF, CR: `\t`, `\n`, `\r`
 * - any other C0 control, DEL and the C1 controls (U+0080-U+009F): `\xHH`, ESC being `\x1b`
 * - the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the line and paragraph
 *   separators (U+2028, U+2029): `\uHHHH`
 *
 * Everything else passes unchanged: accents, no-break and narrow no-break spaces, emoji. A backslash is left as it
 * is, so the escapes are for reading, not for parsing back (`--json` and `--csv` carry the data as it is).
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

// The control characters are exactly what this matches.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

function escapeOf(ch: string): string {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

/**
 * Several lines of text made by the CLI itself (an error and its hint, a field per line) where any line may hold
 * data: the line breaks stay, everything else unsafe in each line is escaped.
 */
export function terminalLines(text: string): string {
  return text.split('\n').map(terminalText).join('\n');
}
