/**
 * A value as a `jsonb` statement parameter in Postgres's binary format (a version byte, 1, then the JSON text in
 * UTF-8), which node-postgres sends as it is for a Buffer. For a parameter the statement casts to jsonb (`$1::jsonb`),
 * where Postgres takes the same value as from the JSON text.
 *
 * Why not the text: V8's `JSON.stringify` returns a rope of the pieces it wrote (a cons string), and node-postgres
 * measures and encodes the text in two passes, the first of which flattens the rope into one string. Past about
 * 128 K characters V8 allocates that string in its large-object space, and the flattening cost 3-4 ns a character
 * against 0.1-0.4 below it (measured on the projector's documents, 750-870 K characters for 500 events): in the
 * projector, measuring and encoding its documents took a third of its process's busy time, twice what making them
 * did. Here an array is made into JSON a few elements at a time, each piece small enough to stay out of that space,
 * and each piece is encoded once; the bytes are those of `JSON.stringify(value)`.
 *
 * Only for parameters read as jsonb: with any other type, Postgres would read the version byte as part of the value.
 */
export function jsonbParam(value: unknown): Buffer {
  if (!Array.isArray(value)) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('jsonbParam: the value has no JSON form');
    return withVersion([Buffer.from(text, 'utf8')]);
  }
  const pieces: Buffer[] = [OPEN];
  let per = FIRST_PIECE_ELEMENTS;
  for (let at = 0; at < value.length;) {
    const end = Math.min(at + per, value.length);
    // An array's JSON, whose brackets are dropped below: elements with no JSON form become null, as in the whole.
    const text = JSON.stringify(at === 0 && end === value.length ? value : value.slice(at, end));
    if (at > 0) pieces.push(COMMA);
    pieces.push(Buffer.from(text, 'utf8').subarray(1, -1));
    // The next piece sized from this one's characters an element, to about PIECE_CHARS.
    per = Math.max(1, Math.floor((PIECE_CHARS * (end - at)) / text.length));
    at = end;
  }
  pieces.push(CLOSE);
  return withVersion(pieces);
}

/**
 * The JSON array of these JSON texts (each one value's JSON, as `JSON.stringify` made it) as a jsonb parameter, in
 * pieces of about PIECE_CHARS as `jsonbParam` makes them: `jsonbParam(texts.map(JSON.parse))`, without parsing.
 */
export function jsonbArrayParam(texts: readonly string[]): Buffer {
  const pieces: Buffer[] = [OPEN];
  for (let at = 0; at < texts.length;) {
    let end = at;
    let chars = 0;
    while (end < texts.length && (end === at || chars + texts[end].length <= PIECE_CHARS)) chars += texts[end++].length + 1;
    if (at > 0) pieces.push(COMMA);
    pieces.push(Buffer.from(texts.slice(at, end).join(','), 'utf8'));
    at = end;
  }
  pieces.push(CLOSE);
  return withVersion(pieces);
}

/** Postgres's jsonb binary format: its version, then the text (jsonb_recv). */
const VERSION = Buffer.from([1]);
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
/** Well below V8's large-object threshold (128 KiB of characters, for a one-byte string). */
const PIECE_CHARS = 32 * 1024;
const FIRST_PIECE_ELEMENTS = 16;

function withVersion(pieces: Buffer[]): Buffer {
  return Buffer.concat([VERSION, ...pieces]);
}
