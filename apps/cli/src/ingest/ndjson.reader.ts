import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** One event of an input file: its line (NDJSON) or index + 1 (a JSON array), and the envelope or why it is unreadable. */
export type InputRecord =
  { line: number; envelope: Record<string, unknown>; error?: undefined } | { line: number; envelope?: undefined; error: string };

const BOM = '\uFEFF';

/** Without the byte-order mark Windows editors (Notepad, Excel's "UTF-8" export) put first: JSON.parse refuses it. */
const withoutBom = (text: string) => (text.startsWith(BOM) ? text.slice(1) : text);

/**
 * Splits chunks of text into lines; keeps the unfinished tail for the next chunk. Blank lines are skipped; a
 * byte-order mark opening the text is dropped.
 */
export class LineSplitter {
  private tail = '';
  private lineNo = 0;
  private started = false;

  push(chunk: string): { line: number; text: string }[] {
    if (!this.started && chunk) {
      this.started = true;
      chunk = withoutBom(chunk);
    }
    const parts = (this.tail + chunk).split('\n');
    this.tail = parts.pop() ?? '';
    return this.collect(parts);
  }

  end(): { line: number; text: string }[] {
    const last = this.tail;
    this.tail = '';
    return last ? this.collect([last]) : [];
  }

  private collect(parts: string[]) {
    const out: { line: number; text: string }[] = [];
    for (const raw of parts) {
      this.lineNo++;
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim()) out.push({ line: this.lineNo, text });
    }
    return out;
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
 * Reads an input file as records with the bytes read so far (for progress): NDJSON streamed line by line, or a
 * `.json` file holding an array of envelopes, `{"events": [...]}` or one envelope.
 */
export async function* readEvents(file: string): AsyncGenerator<{ record: InputRecord; bytesRead: number; totalBytes: number }> {
  const totalBytes = (await stat(file)).size;
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    const parsed = parseJsonFile(await readFile(file, 'utf8'));
    for (const record of parsed) yield { record, bytesRead: Math.round((totalBytes * record.line) / parsed.length), totalBytes };
    return;
  }
  const splitter = new LineSplitter();
  let bytesRead = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    bytesRead += Buffer.byteLength(chunk as string);
    for (const l of splitter.push(chunk as string)) yield { record: parseRecord(l.line, l.text), bytesRead, totalBytes };
  }
  for (const l of splitter.end()) yield { record: parseRecord(l.line, l.text), bytesRead: totalBytes, totalBytes };
}

/** A whole `.json` file (a byte-order mark first is dropped): an array, `{events: [...]}` or one envelope; entries numbered from 1. */
export function parseJsonFile(text: string): InputRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(text));
  } catch (error) {
    return [{ line: 1, error: `not JSON: ${(error as Error).message}` }];
  }
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { events?: unknown }).events)
      ? (value as { events: unknown[] }).events
      : [value];
  return list.map((v, i) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? { line: i + 1, envelope: v as Record<string, unknown> }
      : { line: i + 1, error: 'not a JSON object' },
  );
}
