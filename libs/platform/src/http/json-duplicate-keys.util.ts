/**
 * Duplicate names in a JSON object. `JSON.parse` keeps the last of `{"role": "CEO", "role": "CFO"}` without a word,
 * so a client that sent both (a bot's bug, a hand-merged file) would have one of its values recorded and the other
 * dropped. RFC 8259 (section 4) leaves such a text's meaning open and I-JSON (RFC 7493) forbids it: ingest refuses it,
 * naming the path of the repeated name.
 *
 * The check costs two passes that allocate nothing on a body that has no repeats: the names in the text are counted
 * (every string followed by a colon, found with `indexOf`), and so are the keys of the parsed value; only when they
 * differ is the text walked again to find the first repeat's path. Both run on text `JSON.parse` has accepted.
 */

/** The first repeated name's path (`events[2].data.role`, `data.money.amount`), or null when every name is once. */
export function duplicateKeyPath(text: string, parsed: unknown): string | null {
  if (namesInText(text) === keysOf(parsed)) return null;
  return firstRepeat(text);
}

/** How many object names the text holds: strings followed (after white space) by a colon. */
function namesInText(text: string): number {
  let names = 0;
  let at = text.indexOf('"');
  while (at !== -1) {
    const end = stringEnd(text, at);
    let next = end + 1;
    while (isSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 58 /* : */) names++;
    at = text.indexOf('"', end + 1);
  }
  return names;
}

/** The index of the quote that closes the string opened at `open` (a quote preceded by an even run of backslashes). */
export function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(close - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** How many keys the parsed value's objects hold, at any depth (no recursion: a deep body must not overflow the stack). */
function keysOf(value: unknown): number {
  let keys = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === 'object') pending.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      keys++;
      const item = (v as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') pending.push(item);
    }
  }
  return keys;
}

interface Frame {
  path: string;
  /** An object's names so far; null for an array. */
  names: Set<string> | null;
  /** An array's next index. */
  index: number;
}

/** What `walkJsonText` tells as it reads; a visitor answering true stops the walk there. */
export interface JsonTextVisitor {
  /** A member name, its path, and the names its object had before it. */
  name?(path: string, name: string, earlier: ReadonlySet<string>): boolean;
  /** A number, true, false or null: its path, and where it stands in the text (`start` to `end`, exclusive). */
  literal?(path: string, start: number, end: number): boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const child = (path: string, name: string) =>
  IDENTIFIER.test(name) ? (path ? `${path}.${name}` : name) : `${path}[${JSON.stringify(name)}]`;

/** Walks the (valid) text with a stack of open objects and arrays to the first name its object already had. */
function firstRepeat(text: string): string | null {
  return walkJsonText(text, { name: (_path, name, earlier) => earlier.has(name) });
}

/**
 * Walks a text `JSON.parse` has accepted with a stack of open objects and arrays (no recursion: a deep body must not
 * overflow the stack), telling the visitor each name and literal with its path. The path it stopped at, else null.
 */
export function walkJsonText(text: string, visitor: JsonTextVisitor): string | null {
  const stack: Frame[] = [];
  // The path the next value will have: an array's next element, or the object member whose name was just read.
  let valuePath = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      let next = end + 1;
      while (isSpace(text.charCodeAt(next))) next++;
      if (top?.names && text.charCodeAt(next) === 58) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        const path = child(top.path, name);
        if (visitor.name?.(path, name, top.names)) return path;
        top.names.add(name);
        valuePath = path;
      } else if (top && !top.names) {
        top.index++;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const top = stack[stack.length - 1];
      const path = top && !top.names ? `${top.path}[${top.index++}]` : valuePath;
      stack.push({ path, names: c === 123 ? new Set() : null, index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */ || c === 58 /* : */ || isSpace(c)) {
      continue;
    } else {
      // A number, true, false or null: one element of an array, or an object member's value.
      const top = stack[stack.length - 1];
      const start = i;
      while (i + 1 < text.length && !isDelimiter(text.charCodeAt(i + 1))) i++;
      const path = !visitor.literal ? '' : top && !top.names ? `${top.path}[${top.index}]` : valuePath;
      if (top && !top.names) top.index++;
      if (visitor.literal?.(path, start, i + 1)) return path;
    }
  }
  return null;
}

const isDelimiter = (c: number) => c === 44 || c === 93 || c === 125 || isSpace(c);
