/** How a column's value is written: as itself, as JSON (jsonb), or as a Postgres array literal (text[]). */
export type CopyKind = 'plain' | 'json' | 'array';

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const NULL = '\\N';

/** Text as a field of COPY's text format (backslash, newline, carriage return and tab escaped). */
function escaped(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]) : text;
}

const ARRAY_QUOTED = /["\\]/g;

const plain = (value: unknown): string => {
  if (typeof value === 'string') return escaped(value);
  if (value === null || value === undefined) return NULL;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return escaped(JSON.stringify(value));
};

// JSON.stringify writes every control character inside a string as an escape and no whitespace between tokens, so
// its text holds no raw tab, newline or carriage return: only its backslashes need escaping again for COPY.
const BACKSLASHES = /\\/g;
const json = (value: unknown): string => {
  if (value === null || value === undefined) return NULL;
  const text = JSON.stringify(value);
  return text.includes('\\') ? text.replace(BACKSLASHES, '\\\\') : text;
};

const array = (value: unknown): string => {
  if (value === null || value === undefined) return NULL;
  if (!Array.isArray(value)) throw new TypeError(`expected an array for a text[] column, got ${JSON.stringify(value)}`);
  const items = value.map((v) =>
    v === null ? 'NULL' : `"${(typeof v === 'string' ? v : JSON.stringify(v)).replace(ARRAY_QUOTED, '\\$&')}"`,
  );
  return escaped(`{${items.join(',')}}`);
};

const ENCODERS: Readonly<Record<CopyKind, (value: unknown) => string>> = { plain, json, array };

/**
 * One field of a row in COPY's text format, holding what `jsonb_populate_record` would store from the same JSON value
 * (the adapters' INSERTs read their rows so): null or undefined is NULL; a jsonb column takes the value's JSON; an
 * array column a text array of its elements; any other column the text of a string, number or boolean, and the
 * JSON of an object.
 */
export function copyField(value: unknown, kind: CopyKind): string {
  return ENCODERS[kind](value);
}

// Buffers given back by bodies already sent: a fold has one body in flight per session side by side (five by default).
// Dropped when a rebuild ends (`dropSpareCopyBuffers`), so a projector that ran a backfill does not keep them.
const SPARE: Buffer[] = [];
const SPARE_COUNT = 8;
const SPARE_MAX_BYTES = 32 << 20;
const EMPTY = Buffer.alloc(0);

/** Lets go of the buffers bodies gave back (a rebuild calls it when it ends). */
export function dropSpareCopyBuffers(): void {
  SPARE.length = 0;
}

/**
 * The body of a `COPY ... FROM STDIN` (text format), built row by row: each row's fields tab-separated, a line each,
 * encoded into one growing buffer as each row ends. Neither a string of the whole body (joined or concatenated, then
 * encoded: in a rebuild's fold that took longer than computing the rows) nor a string per row kept.
 */
export class CopyBody {
  private readonly encoders: ((value: unknown) => string)[];
  private readonly fields: string[];
  private buffer: Buffer;
  private size = 0;
  private field = 0;
  rows = 0;

  constructor(kinds: readonly CopyKind[]) {
    this.encoders = kinds.map((k) => ENCODERS[k]);
    this.fields = new Array<string>(kinds.length);
    this.buffer = SPARE.pop() ?? Buffer.allocUnsafe(1 << 16);
  }

  /**
   * Gives the buffer back for the next body to fill (its view from `bytes` is no longer valid). A fold writes a body
   * of a few megabytes per read model and page: a buffer grown for one page is reused, not allocated, faulted in and
   * grown again (0.7 s of a 200,000-event fold's 27 busy seconds went to growing them).
   */
  release(): void {
    const buffer = this.buffer;
    this.buffer = EMPTY;
    this.size = 0;
    if (buffer !== EMPTY && buffer.length <= SPARE_MAX_BYTES && SPARE.length < SPARE_COUNT) SPARE.push(buffer);
  }

  /** The next field of the current row; the row ends with its last column's field. */
  add(value: unknown): void {
    this.fields[this.field] = this.encoders[this.field](value);
    if (++this.field < this.fields.length) return;
    this.field = 0;
    this.rows++;
    const line = this.fields.join('\t');
    // UTF-8 takes at most three bytes per UTF-16 unit; one more for the newline.
    const most = line.length * 3 + 1;
    if (this.size + most > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.size + most));
      this.buffer.copy(grown, 0, 0, this.size);
      this.buffer = grown;
    }
    this.size += this.buffer.write(line, this.size, 'utf8');
    this.buffer[this.size++] = 0x0a;
  }

  /** The rows written so far (a view of the buffer: valid until the next `add`). */
  bytes(): Buffer {
    if (this.field) throw new Error(`a COPY row was left with ${this.field} of its ${this.fields.length} fields`);
    return this.buffer.subarray(0, this.size);
  }
}
