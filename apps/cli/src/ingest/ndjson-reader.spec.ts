import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, contentId, LineSplitter, parseJsonFile, parseRecord, readEvents } from './ndjson.reader';

describe('LineSplitter', () => {
  it('numbers lines across chunk boundaries, drops CR and blank lines, keeps a last line without newline', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\r\n{"b"')).toEqual([{ line: 1, text: '{"a":1}' }]);
    expect(s.push(':2}\n\n   \n{"c":3}')).toEqual([{ line: 2, text: '{"b":2}' }]);
    expect(s.end()).toEqual([{ line: 5, text: '{"c":3}' }]);
  });
});

describe('parseRecord / parseJsonFile', () => {
  it('an object line is an envelope; anything else says why it is not', () => {
    expect(parseRecord(3, '{"type":"x"}')).toEqual({ line: 3, envelope: { type: 'x' } });
    expect(parseRecord(4, '{"type":').error).toMatch(/^not JSON: /);
    expect(parseRecord(5, '[1]').error).toMatch(/not a JSON object/);
  });

  it('a .json file: an array, {events} or one envelope, numbered from 1', () => {
    expect(parseJsonFile('[{"a":1},2]')).toEqual([
      { line: 1, envelope: { a: 1 } },
      { line: 2, error: 'not a JSON object' },
    ]);
    expect(parseJsonFile('{"events":[{"a":1}]}')).toEqual([{ line: 1, envelope: { a: 1 } }]);
    expect(parseJsonFile('{"a":1}')).toEqual([{ line: 1, envelope: { a: 1 } }]);
  });
});

describe('contentId', () => {
  it('is a stable version-5 UUID of the content, whatever the key order', () => {
    const id = contentId({ type: 't', data: { b: 1, a: 2 } });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(contentId({ data: { a: 2, b: 1 }, type: 't' })).toBe(id);
    expect(contentId({ type: 't', data: { b: 1, a: 3 } })).not.toBe(id);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: undefined })).toBe('{"b":[1,{"c":2,"d":1}]}');
  });
});

describe('readEvents', () => {
  it('streams an NDJSON file with the bytes read so far', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndjson-'));
    const file = join(dir, 'e.ndjson');
    writeFileSync(file, '{"a":1}\nnope\n{"a":2}');
    const seen = [];
    try {
      for await (const r of readEvents(file)) seen.push(r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen.map((s) => s.record.line)).toEqual([1, 2, 3]);
    expect(seen[1].record.error).toMatch(/not JSON/);
    expect(seen[2]).toMatchObject({ bytesRead: 20, totalBytes: 20 });
  });

  it('given files saved with a byte-order mark (Notepad, Excel), then the first event reads like the others, NDJSON and .json alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndjson-'));
    const ndjson = join(dir, 'bom.ndjson');
    const json = join(dir, 'bom.json');
    writeFileSync(ndjson, '\uFEFF{"a":1}\r\n{"a":2}\r\n');
    writeFileSync(json, '\uFEFF[{"a":1},{"a":2}]');
    const read = async (file: string) => {
      const out = [];
      for await (const r of readEvents(file)) out.push(r.record);
      return out;
    };
    try {
      for (const file of [ndjson, json])
        expect(await read(file)).toEqual([
          { line: 1, envelope: { a: 1 } },
          { line: 2, envelope: { a: 2 } },
        ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Only a mark that opens the text is dropped: one inside a line is that line's content (and not JSON).
    const splitter = new LineSplitter();
    expect(splitter.push('{"a":1}\n\uFEFF{"a":2}\n').map((l) => parseRecord(l.line, l.text).error ?? 'ok')).toEqual([
      'ok',
      expect.stringMatching(/not JSON/),
    ]);
  });
});
