import { CopyBody, copyField } from '../src/copy-text.util';

describe("COPY's text format: fields and bodies", () => {
  it('writes NULL for null and undefined in every kind of column', () => {
    for (const kind of ['plain', 'json', 'array'] as const) {
      expect(copyField(null, kind)).toBe('\\N');
      expect(copyField(undefined, kind)).toBe('\\N');
    }
  });

  it('escapes backslash, tab, newline and carriage return, and leaves every other character as it is', () => {
    expect(copyField('a\\b\tc\nd\re', 'plain')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N', 'plain')).toBe('\\\\N');
    expect(copyField('« guillemets » "quotes" 🚀', 'plain')).toBe('« guillemets » "quotes" 🚀');
  });

  it('writes jsonb columns as JSON (a string as a JSON string), escaped like any text', () => {
    expect(copyField({ role: 'a"b\\c\nd' }, 'json')).toBe('{"role":"a\\\\"b\\\\\\\\c\\\\nd"}');
    expect(copyField('text', 'json')).toBe('"text"');
    expect(copyField([], 'json')).toBe('[]');
  });

  it('writes no raw tab, newline or carriage return in a jsonb field: JSON escapes every control character', () => {
    const field = copyField({ t: 'a\tb\r\n\u0001', '\n': ['\t'] }, 'json');
    expect(field).not.toMatch(/[\t\n\r]/);
    // COPY reads each doubled backslash as one: what it stores is the value's JSON.
    expect(field.replace(/\\\\/g, '\\')).toBe(JSON.stringify({ t: 'a\tb\r\n\u0001', '\n': ['\t'] }));
  });

  it('writes plain columns as jsonb_populate_record would store them: numbers, booleans, dates and objects', () => {
    expect(copyField(12, 'plain')).toBe('12');
    expect(copyField(true, 'plain')).toBe('true');
    expect(copyField(new Date('2025-01-02T03:04:05.006Z'), 'plain')).toBe('2025-01-02T03:04:05.006Z');
    expect(copyField({ a: 1 }, 'plain')).toBe('{"a":1}');
  });

  it('writes text[] columns as array literals, quoting every element', () => {
    expect(copyField(['org:openai', 'a,b', 'say "hi"', 'back\\slash', null], 'array')).toBe(
      '{"org:openai","a,b","say \\\\"hi\\\\"","back\\\\\\\\slash",NULL}',
    );
    expect(copyField([], 'array')).toBe('{}');
    expect(() => copyField('org:openai', 'array')).toThrow(/expected an array/);
  });

  it('builds a body of tab-separated rows, one a line, in UTF-8, growing past its first buffer', () => {
    const body = new CopyBody(['plain', 'json', 'array']);
    const long = 'é'.repeat(40_000);
    body.add('a\tb');
    body.add({ x: 1 });
    body.add(['y']);
    body.add(long);
    body.add(null);
    body.add([]);
    expect(body.rows).toBe(2);
    expect(body.bytes().toString('utf8')).toBe(`a\\tb\t{"x":1}\t{"y"}\n${long}\t\\N\t{}\n`);
  });

  it("reuses a released body's buffer for the next body, which holds only its own rows", () => {
    const first = new CopyBody(['plain']);
    const long = 'x'.repeat(100_000);
    first.add(long);
    expect(first.bytes().length).toBe(100_001);
    first.release();
    expect(first.bytes().length).toBe(0);
    const second = new CopyBody(['plain', 'json']);
    second.add('short');
    second.add({ a: 'b\\c' });
    expect(second.bytes().toString('utf8')).toBe('short\t{"a":"b\\\\\\\\c"}\n');
    second.release();
    second.release();
  });

  it('refuses to hand over a body whose last row is incomplete', () => {
    const body = new CopyBody(['plain', 'plain']);
    body.add('only one');
    expect(() => body.bytes()).toThrow(/left with 1 of its 2 fields/);
  });
});
