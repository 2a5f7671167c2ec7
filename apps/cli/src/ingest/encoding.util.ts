/**
 * The text of an input file's lines: strict UTF-8, and what the CLI learns of the file's encoding on the way, so that
 * the advice it gives for lines that are not UTF-8 never garbles the lines that are.
 *
 * A file can mix encodings (lines pasted from a Latin-1 export into a UTF-8 one). Converting such a file whole from
 * Windows-1252 turns its UTF-8 lines into mojibake ("générale" -> "gÃ©nÃ©rale"): their content ids change, and a
 * re-run records them a second time. So the CLI notes whether any line was UTF-8 beyond ASCII (or the file opens
 * with a UTF-8 byte-order mark), and when one was, it advises converting only the rejected lines.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The bytes as text, or where they stop being UTF-8 (the offset of the first byte of the first invalid sequence,
 * from 1): the service refuses such a body, and decoding them leniently would record U+FFFD in place of the text.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badByte: number } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    let i = 0;
    while (i < bytes.length && (bytes[i] < 0x80 || utf8SequenceAt(bytes, i) > 0)) i += Math.max(1, utf8SequenceAt(bytes, i));
    return { badByte: i + 1 };
  }
}

/** The length of the multi-byte UTF-8 sequence at i, 0 if none is there (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i];
  const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
  if (n < 0 || i + n >= b.length) return 0;
  const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  if (b[i + 1] < lo || b[i + 1] > hi) return 0;
  for (let k = 2; k <= n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return 0;
  return n + 1;
}

const hasNonAscii = (b: Uint8Array) => b.some((c) => c >= 0x80);

/** A line that is not UTF-8 but holds UTF-8 characters too: no one encoding reads all of it. */
function holdsUtf8Character(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80 && utf8SequenceAt(b, i) > 0) return true;
  return false;
}

// Windows-1252, not Latin-1: the same letters, and the curly quotes and euro sign (0x80-0x9F) a French newsroom's
// files hold, which Latin-1 would turn into control characters. 0 where it has no character (iconv refuses those).
const CP1252_80_9F = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** The bytes as Windows-1252 text, or the first byte (from 1) that has no character in it (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
export function decodeWindows1252(bytes: Uint8Array): { text: string } | { badByte: number } {
  const codes: number[] = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const code = b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : b;
    if (code === 0 && b !== 0) return { badByte: i + 1 };
    codes[i] = code;
  }
  let text = '';
  for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...codes.slice(i, i + 8192));
  return { text };
}

/** The encoding `--encoding` names for lines that are not UTF-8 (there is one). */
export type Fallback = 'windows-1252';

// The advice lists this many runs of lines at most (a sed command a person can read); past them it says how many.
const MAX_RUNS = 50;

/** What the lines decoded so far say about the file's encoding. */
export class EncodingLedger {
  /** A line was UTF-8 beyond ASCII, or the file opens with a UTF-8 byte-order mark: the file is (partly) UTF-8. */
  utf8 = false;
  /** The file opens with a UTF-8 byte-order mark (dropped from its first line). */
  bom = false;
  /** The lines that are not UTF-8 and hold no UTF-8 character: [first, last] runs, at most MAX_RUNS of them. */
  readonly notUtf8: Array<[number, number]> = [];
  notUtf8Count = 0;
  /** The lines that are not UTF-8 and hold UTF-8 characters too (the first MAX_RUNS), and how many in all. */
  readonly mixedWithin: number[] = [];
  mixedWithinCount = 0;

  notUtf8Line(line: number): void {
    this.notUtf8Count++;
    const last = this.notUtf8[this.notUtf8.length - 1];
    if (last && last[1] === line - 1) last[1] = line;
    else if (this.notUtf8.length < MAX_RUNS) this.notUtf8.push([line, line]); // past the cap: counted, not listed
  }
}

/** A line's text, how it was decoded, or why it has none (`badByte` from 1, in the line). */
export type DecodedLine = { text: string; decodedAs?: Fallback } | { badByte: number; error: string };

/**
 * One line of the file (without its LF): strict UTF-8; a line that is not, decoded as `fallback` when one is given
 * and the line holds no UTF-8 character (a line holding both is refused: one encoding would garble the other part).
 */
export function decodeLine(bytes: Uint8Array, line: number, ledger: EncodingLedger, fallback?: Fallback): DecodedLine {
  const utf8 = decodeUtf8(bytes);
  if ('text' in utf8) {
    if (!ledger.utf8 && hasNonAscii(bytes)) ledger.utf8 = true;
    return utf8;
  }
  const { badByte } = utf8;
  if (holdsUtf8Character(bytes)) {
    ledger.utf8 = true;
    ledger.mixedWithinCount++;
    if (ledger.mixedWithin.length < MAX_RUNS) ledger.mixedWithin.push(line);
    return {
      badByte,
      error: `not valid UTF-8 at byte ${badByte} of the line, which holds UTF-8 characters too: fix it by hand (converting it whole${fallback ? ', or decoding it as Windows-1252,' : ''} would garble them)`,
    };
  }
  if (!fallback) {
    ledger.notUtf8Line(line);
    return { badByte, error: `not valid UTF-8 at byte ${badByte} of the line (not sent: how to convert it is under the summary)` };
  }
  const cp1252 = decodeWindows1252(bytes);
  if ('text' in cp1252) return { text: cp1252.text, decodedAs: fallback };
  const hex = bytes[cp1252.badByte - 1].toString(16).toUpperCase();
  return {
    badByte,
    error: `not valid UTF-8 at byte ${badByte} of the line, nor Windows-1252 (byte ${cp1252.badByte}, 0x${hex}, has no character in it)`,
  };
}

/** A word the shell reads as it is. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const listed = (runs: Array<[number, number]>) => runs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
const linesWord = (n: number) => (n === 1 ? 'line' : 'lines');

/**
 * What to do about the lines that are not UTF-8, under the summary (empty when all were). `json`: the file is one
 * JSON document (nothing of it was sent; no per-line command applies); `rerunSafe`: running the whole file again
 * records nothing twice (content ids are on: --no-content-ids turns them off).
 */
export function encodingAdvice(file: string, ledger: EncodingLedger, o: { json: boolean; rerunSafe: boolean }): string[] {
  const out: string[] = [];
  if (ledger.mixedWithinCount)
    out.push(
      `${ledger.mixedWithinCount === 1 ? 'line' : 'lines'} ${ledger.mixedWithin.join(', ')}${ledger.mixedWithinCount > ledger.mixedWithin.length ? ` and ${ledger.mixedWithinCount - ledger.mixedWithin.length} more` : ''} ` +
        `of ${file} ${ledger.mixedWithinCount === 1 ? 'holds' : 'hold'} UTF-8 characters and bytes that are not UTF-8: no conversion reads both, fix ${ledger.mixedWithinCount === 1 ? 'it' : 'them'} by hand`,
    );
  const n = ledger.notUtf8Count;
  if (!n) return out;
  const all = ledger.notUtf8.reduce((k, [a, b]) => k + b - a + 1, 0) === n;
  const which = `${linesWord(n)} ${listed(ledger.notUtf8)}${all ? '' : `, ... (${n} in all)`}`;
  const stem = file.replace(/\.(nd)?json$/, '');
  const q = shellQuote(file);
  const rerun = `newsroom ingest --encoding windows-1252 ${q}`;
  if (!ledger.utf8) {
    // Nothing in the file is UTF-8 beyond ASCII, and ASCII reads the same in both: converting it whole changes no
    // line that was recorded, so the converted file answers duplicate for them.
    const utf8File = shellQuote(`${stem}.utf8.${o.json ? 'json' : 'ndjson'}`);
    if (o.json || o.rerunSafe) {
      out.push(
        `not UTF-8: ${which} (a Windows-1252 or Latin-1 export?). No line is UTF-8 beyond ASCII, so convert the whole file and ingest that${o.json ? '' : ' (what was recorded answers duplicate)'}:`,
        `  iconv -f windows-1252 -t utf-8 ${q} > ${utf8File} && newsroom ingest ${utf8File}`,
        `or run it again with only the lines that are not UTF-8 decoded as Windows-1252: ${rerun}`,
      );
      return out;
    }
  }
  const why = ledger.utf8
    ? `other lines are UTF-8 already (beyond ASCII${ledger.bom ? ', and the file opens with a UTF-8 byte-order mark' : ''}): converting the whole file would garble them${o.json ? '' : ' and record them again under new ids'}`
    : 'the other lines were sent, and with --no-content-ids running them again would record them twice';
  if (o.json) {
    out.push(
      `not UTF-8: ${which} of the file; nothing of it was sent. The ${why}.`,
      `A per-line command does not apply to a JSON document (an element can span lines, and the file is read whole): run it again with only those lines decoded as Windows-1252:`,
      `  ${rerun}`,
    );
    return out;
  }
  if (!all) {
    out.push(
      `not UTF-8: ${which}; the ${why}. Too many to pick out with one command: run the file again with only the lines that are not UTF-8 decoded as Windows-1252${o.rerunSafe ? '' : ' (without --no-content-ids, or the lines sent would be recorded twice)'}:`,
      `  ${rerun}`,
    );
    return out;
  }
  // sed numbers lines as the CLI does (by LF, blank ones counted); a byte-order mark opening the file would be part
  // of line 1 for sed and iconv: tail drops it first.
  const script = ledger.notUtf8.map(([a, b]) => (a === b ? `${a}p` : `${a},${b}p`)).join(';');
  const from = ledger.bom && ledger.notUtf8[0][0] === 1 ? `tail -c +4 ${q} | sed -n '${script}'` : `sed -n '${script}' ${q}`;
  const rejected = shellQuote(`${stem}.rejected.utf8.ndjson`);
  out.push(
    `not UTF-8: ${which}; the ${why}. Convert only ${n === 1 ? 'that line' : 'those lines'} from Windows-1252 and ingest ${n === 1 ? 'it' : 'them'}:`,
    `  ${from} | iconv -f windows-1252 -t utf-8 > ${rejected} && newsroom ingest ${rejected}`,
  );
  if (o.rerunSafe)
    out.push(`or run the file again with only the lines that are not UTF-8 decoded as Windows-1252 (the rest answers duplicate): ${rerun}`);
  return out;
}
