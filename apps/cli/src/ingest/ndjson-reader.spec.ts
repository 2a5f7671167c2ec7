import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUtf8 } from './encoding.util';
import {
  canonicalJson,
  contentId,
  elementLines,
  elementSpans,
  LineSplitter,
  parseJsonFile,
  parseRecord,
  readEvents,
} from './ndjson.reader';

describe('LineSplitter', () => {
  it('numbers lines across chunk boundaries, drops CR and blank lines, keeps a last line without newline', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\r\n{"b"')).toEqual([{ line: 1, end: 9, text: '{"a":1}' }]);
    expect(s.push(':2}\n\n   \n{"c":3}')).toEqual([{ line: 2, end: 17, text: '{"b":2}' }]);
    expect(s.end()).toEqual([{ line: 5, end: 29, text: '{"c":3}' }]);
  });

  it('refuses a line that is not UTF-8 on its line, naming the byte, and reads the others; a character cut by a chunk is whole', () => {
    const s = new LineSplitter();
    const latin1 = Buffer.from('{"a":"R\xe9seau"}\n', 'latin1');
    const eAcute = Buffer.from('{"a":"\u00e9"}\n');
    const out = [...s.push(Buffer.concat([eAcute.subarray(0, 7)])), ...s.push(Buffer.concat([eAcute.subarray(7), latin1]))];
    expect(out).toEqual([
      { line: 1, end: 11, text: '{"a":"\u00e9"}' },
      {
        line: 2,
        end: 26,
        error: 'not valid UTF-8 at byte 8 of the line (not sent: how to convert it is under the summary)',
      },
    ]);
    // The file is UTF-8 beyond ASCII on line 1: converting it whole would garble that line.
    expect(s.ledger).toMatchObject({ utf8: true, bom: false, notUtf8: [[2, 2]], notUtf8Count: 1 });
  });

  it('with a fallback (--encoding windows-1252), a line that is not UTF-8 is decoded as Windows-1252 and says so; UTF-8 lines stay as they are', () => {
    const s = new LineSplitter(undefined, 'windows-1252');
    const lines = s.push(
      Buffer.concat([Buffer.from('{"a":"Le Progrès"}\n'), Buffer.from('{"a":"Le Progr\xe8s \x93ok\x94 \x80"}\n', 'latin1')]),
    );
    expect(lines).toEqual([
      { line: 1, end: 20, text: '{"a":"Le Progrès"}' },
      { line: 2, end: 46, text: '{"a":"Le Progrès \u201cok\u201d \u20ac"}', decodedAs: 'windows-1252' },
    ]);
    expect(s.ledger.notUtf8Count).toBe(0);
  });
});

describe('decodeUtf8', () => {
  it('names the first byte of the first sequence that is not UTF-8 (from 1)', () => {
    expect(decodeUtf8(Buffer.from('Réseau'))).toEqual({ text: 'Réseau' });
    expect(decodeUtf8(Buffer.from('R\xe9seau', 'latin1'))).toEqual({ badByte: 2 });
    expect(decodeUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toEqual({ badByte: 2 }); // a surrogate
    expect(decodeUtf8(Buffer.from([0x61, 0x62, 0xc3]))).toEqual({ badByte: 3 }); // cut at the end
  });
});

describe('parseRecord / parseJsonFile', () => {
  it('an object line is an envelope; anything else says why it is not', () => {
    expect(parseRecord(3, '{"type":"x"}')).toEqual({ line: 3, envelope: { type: 'x' } });
    expect(parseRecord(4, '{"type":').error).toMatch(/^not JSON: /);
    expect(parseRecord(5, '[1]').error).toMatch(/not a JSON object/);
    expect(parseRecord(6, '{"type":"a","data":{"role":"CEO","role":"CFO"}}').error).toBe(
      'data.role is given twice in one object: the service refuses it, as JSON.parse would drop one',
    );
    expect(parseJsonFile('{"events":[{"a":1},{"a":1,"a":2}]}')).toEqual([
      { line: 1, error: expect.stringMatching(/^events\[1\]\.a is given twice/) },
    ]);
  });

  it('refuses a number a double does not carry (the service would be sent the number it rounds to), an element of a .json file alone', () => {
    const readAs = 'must be a number a JSON double carries exactly (I-JSON, RFC 7493): 9999999.9999999999999999 would be read as 10000000';
    expect(parseRecord(7, '{"type":"headcount.reported","data":{"total":9999999.9999999999999999}}')).toEqual({
      line: 7,
      error: `data.total ${readAs}`,
    });
    expect(parseRecord(8, '{"data":{"total":1e2}}')).toEqual({ line: 8, envelope: { data: { total: 100 } } });
    const file = '[{"data":{"total":1}},\n{"data":{"total":9999999.9999999999999999}}]';
    expect(parseJsonFile(file)).toEqual([
      { line: 1, label: 'element 1 (line 1)', envelope: { data: { total: 1 } } },
      { line: 2, label: 'element 2 (line 2)', error: `data.total ${readAs}` },
    ]);
    expect(parseJsonFile(`{"events":[{"data":{"total":9999999.9999999999999999}}]}`)).toEqual([
      { line: 1, label: 'element 1 (line 1)', error: `data.total ${readAs}` },
    ]);
    expect(parseJsonFile('{"data":{"total":9999999.9999999999999999}}')).toEqual([{ line: 1, error: `data.total ${readAs}` }]);
  });

  it('a .json file: an array, {events} or one envelope, numbered from 1', () => {
    expect(parseJsonFile('[{"a":1},2]')).toEqual([
      { line: 1, label: 'element 1 (line 1)', envelope: { a: 1 } },
      { line: 2, label: 'element 2 (line 1)', error: 'not a JSON object' },
    ]);
    expect(parseJsonFile('{"events":[{"a":1}]}')).toEqual([{ line: 1, label: 'element 1 (line 1)', envelope: { a: 1 } }]);
    expect(parseJsonFile('{"a":1}')).toEqual([{ line: 1, envelope: { a: 1 } }]);
    // A blank file holds nothing to ingest, like an empty array.
    expect(parseJsonFile('\uFEFF \n')).toEqual([]);
    expect(parseJsonFile('[]')).toEqual([]);
  });

  it('a pretty-printed array: each element labelled with the file line it starts on', () => {
    const text = JSON.stringify({ note: 'x\ny', events: [{ a: '[{,' }, { b: [1, { c: 2 }] }, 3] }, null, 2);
    expect(elementLines(text)).toEqual([4, 7, 15]);
    expect(elementSpans(text)).toEqual([
      [4, 6],
      [7, 14],
      [15, 15],
    ]);
    expect(elementSpans('[{"a":1},{"b":\n2}, 3\n]')).toEqual([
      [1, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(parseJsonFile(text).map((r) => r.label)).toEqual(['element 1 (line 4)', 'element 2 (line 7)', 'element 3 (line 15)']);
    expect(parseJsonFile(JSON.stringify([{ a: 1 }, { a: 2 }], null, 2)).map((r) => r.label)).toEqual([
      'element 1 (line 2)',
      'element 2 (line 5)',
    ]);
  });

  it('a .json file holding NDJSON: the error says to rename it', () => {
    expect(parseJsonFile('{"a":1}\n{"a":2}\n')[0].error).toMatch(
      /^not JSON: .*; the file looks like NDJSON \(one envelope a line\): rename it to \.ndjson$/,
    );
    expect(parseJsonFile('[{"a":1},')[0].error).not.toMatch(/NDJSON/);
  });
});

describe('nesting deeper than the service takes', () => {
  it('given a line or an element nested 3,000 levels deep, then that one is refused with the reason and the others are read (no stack overflow)', () => {
    const deep = `{"type":"x","data":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    expect(parseRecord(2, deep)).toEqual({ line: 2, error: 'nested too deeply (at most 32 levels): the service refuses it' });
    expect(parseRecord(1, '{"type":"x","data":{"a":[[1]]}}')).toHaveProperty('envelope');
    const records = parseJsonFile(`[{"type":"ok"},${deep}]`);
    expect(records.map((r) => ('error' in r ? r.error : 'envelope'))).toEqual([
      'envelope',
      'nested too deeply (at most 32 levels): the service refuses it',
    ]);
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
  it('streams an NDJSON file, each record with the byte offset just after it', async () => {
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
    expect(seen.map((s) => s.end)).toEqual([8, 13, 20]);
    expect(seen[2]).toMatchObject({ totalBytes: 20 });
  });

  it('given files saved with a byte-order mark (Notepad, Excel), then the first event reads like the others, NDJSON and .json alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndjson-'));
    const ndjson = join(dir, 'bom.ndjson');
    const json = join(dir, 'bom.json');
    writeFileSync(ndjson, '\uFEFF{"a":1}\r\n{"a":2}\r\n');
    writeFileSync(json, '\uFEFF[{"a":1},{"a":2}]');
    const read = async (file: string) => {
      const out = [];
      for await (const { record } of readEvents(file)) out.push({ line: record.line, envelope: record.envelope });
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
    expect(splitter.push('{"a":1}\n\uFEFF{"a":2}\n').map((l) => parseRecord(l.line, l.text ?? '').error ?? 'ok')).toEqual([
      'ok',
      expect.stringMatching(/not JSON/),
    ]);
  });
});
