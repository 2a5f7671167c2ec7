import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
// Dependency-free, shared with the service's body parser, so both refuse the same texts (the CLI loads no @newsroom paths).
import { duplicateKeyPath } from '../../../../libs/platform/src/http/json-duplicate-keys.util';
import { inexactNumbers } from '../../../../libs/platform/src/http/json-exact-numbers.util';
import { decodeLine, decodeUtf8, EncodingLedger, Fallback } from './encoding.util';

/**
 * One event of an input file: its line (NDJSON) or index + 1 (a JSON array), and the envelope or why it is unreadable.
 * `label` names it in the results when "line N" would not (an element of a JSON array: "element 3 (line 12)").
 */
export type InputRecord = (
  { line: number; envelope: Record<string, unknown>; error?: undefined } | { line: number; envelope?: undefined; error: string }
) & { label?: string; decodedAs?: Fallback };

const BOM = '\uFEFF';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Without the byte-order mark Windows editors (Notepad, Excel's "UTF-8" export) put first: JSON.parse refuses it. */
const withoutBom = (text: string) => (text.startsWith(BOM) ? text.slice(1) : text);

/** A line of the file: its text (and how it was decoded when not as UTF-8), or why it has none; `end`: the byte offset just after it (for progress). */
export type SplitLine = { line: number; end: number } & (
  { text: string; decodedAs?: Fallback; error?: undefined } | { text?: undefined; error: string }
);

/**
 * Splits chunks of bytes into lines; keeps the unfinished tail for the next chunk. Each line is decoded on its own
 * as strict UTF-8, so a line that is not UTF-8 is refused on its line and the others still read (or decoded as
 * `fallback`, `--encoding`); `ledger` notes what that says of the file. Blank lines are skipped; a byte-order mark
 * opening the file is dropped; a CR before the LF is dropped.
 */
export class LineSplitter {
  private tail: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private offset = 0;
  private started = false;

  constructor(
    readonly ledger = new EncodingLedger(),
    private readonly fallback?: Fallback,
  ) {}

  push(chunk: Buffer | string): SplitLine[] {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.started && bytes.length) {
      this.started = true;
      if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
        bytes = bytes.subarray(3);
        this.offset += 3;
        this.ledger.bom = this.ledger.utf8 = true;
      }
    }
    const data = this.tail.length ? Buffer.concat([this.tail, bytes]) : bytes;
    const out: SplitLine[] = [];
    let from = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, from)) {
      this.collect(data.subarray(from, nl), nl + 1 - from, out);
      from = nl + 1;
    }
    this.tail = Buffer.from(data.subarray(from));
    return out;
  }

  end(): SplitLine[] {
    const last = this.tail;
    this.tail = Buffer.alloc(0);
    const out: SplitLine[] = [];
    if (last.length) this.collect(last, last.length, out);
    return out;
  }

  private collect(raw: Buffer, length: number, out: SplitLine[]): void {
    this.lineNo++;
    this.offset += length;
    const bytes = raw.length && raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw;
    const decoded = decodeLine(bytes, this.lineNo, this.ledger, this.fallback);
    if ('error' in decoded) out.push({ line: this.lineNo, end: this.offset, error: decoded.error });
    else if (decoded.text.trim())
      out.push({ line: this.lineNo, end: this.offset, text: decoded.text, ...(decoded.decodedAs && { decodedAs: decoded.decodedAs }) });
  }
}

/** The nesting the service takes (libs/domain storable-text.rules: MAX_INPUT_DEPTH). */
const MAX_DEPTH = 32;
const TOO_DEEP = `nested too deeply (at most ${MAX_DEPTH} levels): the service refuses it`;

/** Whether objects and arrays nest deeper than `max` levels, walked without recursion. */
function depthOver(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A line's JSON as an envelope object, or the reason it is not one. */
export function parseRecord(line: number, text: string): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, error: `not JSON: ${(error as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { line, error: 'not a JSON object (one envelope per line)' };
  // Deeper than the service takes: refused here, before the content id's recursive walk could overflow the stack
  // (a 6 KB line of 3,000 nested arrays ended the whole import with "Maximum call stack size exceeded").
  if (depthOver(value, MAX_DEPTH)) return { line, error: TOO_DEEP };
  const repeated = duplicateKeyPath(text, value);
  if (repeated !== null)
    return { line, error: `${repeated} is given twice in one object: the service refuses it, as JSON.parse would drop one` };
  // Sent as parsed, such a number would reach the service as the double it rounds to, and be recorded so.
  const [inexact] = inexactNumbers(text);
  if (inexact) return { line, error: inexactError(inexact) };
  return { line, envelope: value as Record<string, unknown> };
}

/**
 * The idempotency key of an envelope sent without one: a name-based UUID (version 5) of its canonical JSON, so
 * importing the same file again answers "duplicate" instead of recording every event twice.
 */
export function contentId(envelope: Record<string, unknown>): string {
  const hash = createHash('sha1').update(NAMESPACE).update(canonicalJson(envelope)).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// A fixed namespace for the CLI's content ids (a random v4 made once).
const NAMESPACE = Buffer.from('6f1c2a1e9d4b4c7a8e5f3b2d1a0c9e87', 'hex');

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Reads an input file as records, each with `end`, the byte offset just after it (progress counts the bytes of the
 * lines answered): NDJSON streamed line by line, or a `.json` file holding an array of envelopes, `{"events": [...]}`
 * or one envelope. Lines that are not UTF-8 are decoded as `fallback` when given (`--encoding`), and `ledger` notes
 * what the lines say of the file's encoding (for the advice under the summary).
 */
export async function* readEvents(
  file: string,
  options: { ledger?: EncodingLedger; fallback?: Fallback } = {},
): AsyncGenerator<{ record: InputRecord; end: number; totalBytes: number }> {
  const { ledger = new EncodingLedger(), fallback } = options;
  const totalBytes = (await stat(file)).size;
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    const decoded = decodeJsonFile(await readFile(file), ledger, fallback);
    if ('error' in decoded) {
      yield { record: { line: decoded.line, error: decoded.error }, end: totalBytes, totalBytes };
      return;
    }
    const parsed = parseJsonFile(decoded.text);
    markDecoded(parsed, decoded.text, decoded.decodedLines, fallback);
    for (const [i, record] of parsed.entries()) yield { record, end: Math.round((totalBytes * (i + 1)) / parsed.length), totalBytes };
    return;
  }
  const splitter = new LineSplitter(ledger, fallback);
  const record = (l: SplitLine) => ({
    record:
      l.error !== undefined
        ? { line: l.line, error: l.error }
        : { ...parseRecord(l.line, l.text), ...(l.decodedAs && { decodedAs: l.decodedAs }) },
    end: l.end,
    totalBytes,
  });
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }))
    for (const l of splitter.push(chunk as Buffer)) yield record(l);
  for (const l of splitter.end()) yield record(l);
}

/**
 * A whole `.json` file as text, decoded line by line like NDJSON (a UTF-8 character never holds an LF byte, so each
 * line is UTF-8 or not on its own): every line is looked at, so the ledger knows them all; the first line that has
 * no text makes the file unreadable (nothing of it is sent).
 */
function decodeJsonFile(
  bytes: Buffer,
  ledger: EncodingLedger,
  fallback?: Fallback,
): { text: string; decodedLines: number[] } | { line: number; error: string } {
  const whole = decodeUtf8(bytes);
  if ('text' in whole) {
    // Only to learn whether the file is UTF-8 beyond ASCII (nothing else is noted when all of it is UTF-8).
    ledger.utf8 = bytes.some((b) => b >= 0x80);
    ledger.bom = whole.text.startsWith(BOM);
    return { text: whole.text, decodedLines: [] };
  }
  let from = 0;
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
    from = 3;
    ledger.bom = ledger.utf8 = true;
  }
  const texts: string[] = [];
  const decodedLines: number[] = [];
  let first: { line: number; error: string } | undefined;
  for (let line = 1; from <= bytes.length; line++) {
    const nl = bytes.indexOf(0x0a, from);
    const to = nl === -1 ? bytes.length : nl;
    const d = decodeLine(bytes.subarray(from, to), line, ledger, fallback);
    if ('error' in d) {
      // Where in the file, and that none of it was sent.
      first ??= {
        line,
        error: d.error
          .replace(/^not valid UTF-8 at byte \d+ of the line/, `not valid UTF-8 at byte ${from + d.badByte} of the file (line ${line})`)
          .replace('(not sent:', '(nothing of the file was sent:'),
      };
    } else {
      texts.push(d.text);
      if (d.decodedAs) decodedLines.push(line);
    }
    from = to + 1;
  }
  return first ?? { text: texts.join('\n'), decodedLines };
}

/** Each record whose text spans a line decoded as `fallback` says so. */
function markDecoded(records: InputRecord[], text: string, decodedLines: number[], fallback?: Fallback): void {
  if (!decodedLines.length || !fallback) return;
  const spans = elementSpans(withoutBom(text));
  records.forEach((r, i) => {
    const [from, to] = spans.length === records.length ? spans[i] : [1, Infinity];
    if (decodedLines.some((l) => l >= from && l <= to)) r.decodedAs = fallback;
  });
}

/**
 * A whole `.json` file (a byte-order mark first is dropped): an array, `{events: [...]}` or one envelope (none when it is blank). An
 * element of an array is labelled "element N (line L)", L the file line it starts on.
 */
export function parseJsonFile(text: string): InputRecord[] {
  let value: unknown;
  text = withoutBom(text);
  // Nothing at all (an export with no events) holds no envelopes, like an empty array: nothing to ingest.
  if (!text.trim()) return [];
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint = looksLikeNdjson(text) ? '; the file looks like NDJSON (one envelope a line): rename it to .ndjson' : '';
    return [{ line: 1, error: `not JSON: ${(error as Error).message}${hint}` }];
  }
  // The whole file, as one body would be: nothing of a file that says two things at one place is sent.
  const repeated = duplicateKeyPath(text, value);
  if (repeated !== null)
    return [{ line: 1, error: `${repeated} is given twice in one object: the service refuses it, as JSON.parse would drop one` }];
  const isArray = Array.isArray(value);
  const list = isArray
    ? (value as unknown[])
    : value && typeof value === 'object' && Array.isArray((value as { events?: unknown }).events)
      ? (value as { events: unknown[] }).events
      : undefined;
  // An element with a number a double does not carry is refused alone, as the service refuses a batch item.
  const inexact = new Map<number, string>();
  for (const { path, message } of inexactNumbers(text)) {
    const element = list && (isArray ? /^\[(\d+)\]\.?(.*)$/ : /^events\[(\d+)\]\.?(.*)$/).exec(path);
    if (!element) return [{ line: 1, error: inexactError({ path, message }) }];
    if (!inexact.has(Number(element[1]))) inexact.set(Number(element[1]), inexactError({ path: element[2], message }));
  }
  if (!list) return [toRecord(value, 1)];
  const starts = elementLines(text);
  const lines = starts.length === list.length ? starts : undefined;
  return list.map((v, i) => ({
    ...(inexact.has(i) ? { line: i + 1, error: inexact.get(i)! } : toRecord(v, i + 1)),
    label: lines ? `element ${i + 1} (line ${lines[i]})` : `element ${i + 1}`,
  }));
}

/** Why a number is refused, as the service says it (`data.total must be a number a JSON double carries exactly ...`). */
const inexactError = ({ path, message }: { path: string; message: string }) => (path ? `${path} ${message}` : message);

const toRecord = (v: unknown, line: number): InputRecord =>
  !v || typeof v !== 'object' || Array.isArray(v)
    ? { line, error: 'not a JSON object' }
    : depthOver(v, MAX_DEPTH)
      ? { line, error: TOO_DEEP }
      : { line, envelope: v as Record<string, unknown> };

/** More than one line, and the first one (not blank) is a JSON object on its own. */
function looksLikeNdjson(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length < 2) return false;
  try {
    const first: unknown = JSON.parse(lines[0]);
    return !!first && typeof first === 'object' && !Array.isArray(first);
  } catch {
    return false;
  }
}

/**
 * The line each element of the events array starts on (the top-level array, or the one under "events" in a
 * top-level object), from a scan of text JSON.parse has accepted: strings skipped, lines counted outside them.
 */
export function elementLines(text: string): number[] {
  return elementSpans(text).map(([from]) => from);
}

/** The lines each element of the events array starts and ends on (see elementLines). */
export function elementSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const stack: Array<{ target: boolean; expectValue: boolean; object: boolean }> = [];
  let line = 1;
  let lastLine = 1; // the line of the last character that is not white space
  let lastTopKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (ch === '\n' || ch === ' ' || ch === '\t' || ch === '\r') continue;
    const top = stack[stack.length - 1];
    if (top?.target && top.expectValue && ch !== ']') {
      spans.push([line, line]);
      top.expectValue = false;
    }
    if (top?.target && (ch === ',' || ch === ']') && spans.length) spans[spans.length - 1][1] = lastLine;
    lastLine = line;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (stack.length === 1 && stack[0].object) lastTopKey = text.slice(i + 1, j);
      i = j;
    } else if (ch === '[' || ch === '{') {
      const target = ch === '[' && (stack.length === 0 || (stack.length === 1 && stack[0].object && lastTopKey === 'events'));
      stack.push({ target, expectValue: true, object: ch === '{' });
    } else if (ch === ']' || ch === '}') stack.pop();
    else if (ch === ',' && top?.target) top.expectValue = true;
  }
  return spans;
}
