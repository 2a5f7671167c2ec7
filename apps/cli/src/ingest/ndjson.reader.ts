import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
// Dependency-free, shared with the service's body parser, so both refuse the same texts (the CLI loads no @newsroom paths).
import { duplicateKeyPath } from '../../../../libs/platform/src/http/json-duplicate-keys.util';

/**
 * One event of an input file: its line (NDJSON) or index + 1 (a JSON array), and the envelope or why it is unreadable.
 * `label` names it in the results when "line N" would not (an element of a JSON array: "element 3 (line 12)").
 */
export type InputRecord = (
  { line: number; envelope: Record<string, unknown>; error?: undefined } | { line: number; envelope?: undefined; error: string }
) & { label?: string };

const BOM = '\uFEFF';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Without the byte-order mark Windows editors (Notepad, Excel's "UTF-8" export) put first: JSON.parse refuses it. */
const withoutBom = (text: string) => (text.startsWith(BOM) ? text.slice(1) : text);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The bytes as text, or where they stop being UTF-8 (the offset of the first byte of the first invalid sequence,
 * from 1): the service refuses such a body, and decoding them leniently would record U+FFFD in place of the text.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badByte: number } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    return { badByte: firstInvalidByte(bytes) + 1 };
  }
}

/** The index of the first byte of the first sequence that is not UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function firstInvalidByte(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (n > 0 && (b[i + 1] < lo || b[i + 1] > hi)) return i;
    for (let k = 2; k <= n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += n + 1;
  }
  return b.length;
}

// Windows-1252, not Latin-1: the same letters, and the curly quotes and euro sign (0x80-0x9F) a French newsroom's files
// hold, which Latin-1 would turn into control characters.
const notUtf8 = (badByte: number, of = 'the line') =>
  `not valid UTF-8 at byte ${badByte} of ${of}; convert the file to UTF-8 (e.g. iconv -f windows-1252 -t utf-8 <file> > <file>.utf8)`;

/** A line of the file: its text, or why it has none; `end`: the byte offset just after it (for progress). */
export type SplitLine = { line: number; end: number } & ({ text: string; error?: undefined } | { text?: undefined; error: string });

/**
 * Splits chunks of bytes into lines; keeps the unfinished tail for the next chunk. Each line is decoded on its own
 * as strict UTF-8, so a line that is not UTF-8 is refused on its line and the others still read. Blank lines are
 * skipped; a byte-order mark opening the file is dropped; a CR before the LF is dropped.
 */
export class LineSplitter {
  private tail: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private offset = 0;
  private started = false;

  push(chunk: Buffer | string): SplitLine[] {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.started && bytes.length) {
      this.started = true;
      if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
        bytes = bytes.subarray(3);
        this.offset += 3;
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
    const decoded = decodeUtf8(bytes);
    if ('badByte' in decoded) out.push({ line: this.lineNo, end: this.offset, error: notUtf8(decoded.badByte) });
    else if (decoded.text.trim()) out.push({ line: this.lineNo, end: this.offset, text: decoded.text });
  }
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
  const repeated = duplicateKeyPath(text, value);
  if (repeated !== null)
    return { line, error: `${repeated} is given twice in one object: the service refuses it, as JSON.parse would drop one` };
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
 * or one envelope.
 */
export async function* readEvents(file: string): AsyncGenerator<{ record: InputRecord; end: number; totalBytes: number }> {
  const totalBytes = (await stat(file)).size;
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(file);
    const decoded = decodeUtf8(bytes);
    if ('badByte' in decoded) {
      const line = bytes.subarray(0, decoded.badByte - 1).filter((b) => b === 0x0a).length + 1;
      yield { record: { line, error: notUtf8(decoded.badByte, 'the file') }, end: totalBytes, totalBytes };
      return;
    }
    const parsed = parseJsonFile(decoded.text);
    for (const [i, record] of parsed.entries()) yield { record, end: Math.round((totalBytes * (i + 1)) / parsed.length), totalBytes };
    return;
  }
  const splitter = new LineSplitter();
  const record = (l: SplitLine) => ({
    record: l.error !== undefined ? { line: l.line, error: l.error } : parseRecord(l.line, l.text),
    end: l.end,
    totalBytes,
  });
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }))
    for (const l of splitter.push(chunk as Buffer)) yield record(l);
  for (const l of splitter.end()) yield record(l);
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
  if (!list) return [toRecord(value, 1)];
  const starts = elementLines(text);
  const lines = starts.length === list.length ? starts : undefined;
  return list.map((v, i) => ({
    ...toRecord(v, i + 1),
    label: lines ? `element ${i + 1} (line ${lines[i]})` : `element ${i + 1}`,
  }));
}

const toRecord = (v: unknown, line: number): InputRecord =>
  v && typeof v === 'object' && !Array.isArray(v) ? { line, envelope: v as Record<string, unknown> } : { line, error: 'not a JSON object' };

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
  const starts: number[] = [];
  const stack: Array<{ target: boolean; expectValue: boolean; object: boolean }> = [];
  let line = 1;
  let lastTopKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (ch === '\n' || ch === ' ' || ch === '\t' || ch === '\r') continue;
    const top = stack[stack.length - 1];
    if (top?.target && top.expectValue && ch !== ']') {
      starts.push(line);
      top.expectValue = false;
    }
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
  return starts;
}
