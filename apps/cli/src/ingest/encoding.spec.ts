import { decodeLine, decodeWindows1252, EncodingLedger, encodingAdvice, shellQuote } from './encoding.util';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** A ledger as a file of these lines leaves it: UTF-8 strings, or Latin-1 bytes (a Buffer). */
function ledgerOf(lines: Array<string | Buffer>, bom = false): EncodingLedger {
  const ledger = new EncodingLedger();
  ledger.bom = ledger.utf8 = bom;
  lines.forEach((l, i) => decodeLine(typeof l === 'string' ? Buffer.from(l) : l, i + 1, ledger));
  return ledger;
}

describe('decodeWindows1252', () => {
  it('reads Latin-1 letters and the curly quotes and euro sign of 0x80-0x9F; names a byte it has no character for', () => {
    expect(decodeWindows1252(latin1('Le Progr\xe8s \x93x\x94 \x80 \x92'))).toEqual({ text: 'Le Progrès \u201cx\u201d \u20ac \u2019' });
    expect(decodeWindows1252(latin1('ab\x81'))).toEqual({ badByte: 3 });
  });
});

describe('decodeLine', () => {
  it('a line holding UTF-8 characters and bytes that are not is refused, with or without a fallback: either way would garble a part', () => {
    const ledger = new EncodingLedger();
    const both = Buffer.concat([Buffer.from('{"a":"é'), latin1('\xe9"}')]);
    expect(decodeLine(both, 4, ledger, 'windows-1252')).toEqual({
      badByte: 9,
      error: expect.stringMatching(/^not valid UTF-8 at byte 9 of the line, which holds UTF-8 characters too: fix it by hand/),
    });
    expect(ledger).toMatchObject({ utf8: true, mixedWithin: [4], notUtf8Count: 0 });
  });

  it('a line that is neither UTF-8 nor Windows-1252 says so', () => {
    expect(decodeLine(latin1('\xe9\x81'), 1, new EncodingLedger(), 'windows-1252')).toEqual({
      badByte: 1,
      error: 'not valid UTF-8 at byte 1 of the line, nor Windows-1252 (byte 2, 0x81, has no character in it)',
    });
  });
});

describe('encodingAdvice', () => {
  const utf8Line = '{"role":"Directrice générale","outlet":"Le Progrès"}';
  const latin1Line = latin1('{"role":"Directrice g\xe9n\xe9rale"}');

  it('a file that is UTF-8 elsewhere: convert only the rejected lines (sed picks them by the line numbers the CLI gives), never the whole file', () => {
    const ledger = ledgerOf([utf8Line, latin1Line, '{}', latin1Line, latin1Line, latin1Line, '{}', latin1Line]);
    const advice = encodingAdvice('in/mixed.ndjson', ledger, { json: false, rerunSafe: true });
    expect(advice).toEqual([
      'not UTF-8: lines 2, 4-6, 8; the other lines are UTF-8 already (beyond ASCII): converting the whole file would garble them and record them again under new ids. Convert only those lines from Windows-1252 and ingest them:',
      "  sed -n '2p;4,6p;8p' in/mixed.ndjson | iconv -f windows-1252 -t utf-8 > in/mixed.rejected.utf8.ndjson && newsroom ingest in/mixed.rejected.utf8.ndjson",
      'or run the file again with only the lines that are not UTF-8 decoded as Windows-1252 (the rest answers duplicate): newsroom ingest --encoding windows-1252 in/mixed.ndjson',
    ]);
    expect(advice.join('\n')).not.toMatch(/iconv -f windows-1252 -t utf-8 in\/mixed\.ndjson/);
  });

  it('no line UTF-8 beyond ASCII: converting the whole file is right (ASCII lines read the same), to a name that keeps its kind', () => {
    const ledger = ledgerOf(['{}', latin1Line]);
    expect(encodingAdvice('old export.ndjson', ledger, { json: false, rerunSafe: true }).slice(0, 2)).toEqual([
      'not UTF-8: line 2 (a Windows-1252 or Latin-1 export?). No line is UTF-8 beyond ASCII, so convert the whole file and ingest that (what was recorded answers duplicate):',
      "  iconv -f windows-1252 -t utf-8 'old export.ndjson' > 'old export.utf8.ndjson' && newsroom ingest 'old export.utf8.ndjson'",
    ]);
    expect(encodingAdvice('a.json', ledger, { json: true, rerunSafe: true })[1]).toBe(
      '  iconv -f windows-1252 -t utf-8 a.json > a.utf8.json && newsroom ingest a.utf8.json',
    );
    // With --no-content-ids the lines sent would be recorded again: only the rejected lines, and no re-run.
    const noIds = encodingAdvice('a.ndjson', ledger, { json: false, rerunSafe: false });
    expect(noIds[1]).toBe(
      "  sed -n '2p' a.ndjson | iconv -f windows-1252 -t utf-8 > a.rejected.utf8.ndjson && newsroom ingest a.rejected.utf8.ndjson",
    );
    expect(noIds.join('\n')).not.toMatch(/--encoding/);
  });

  it('a JSON document that mixes: no per-line command applies, says so, and gives the --encoding run', () => {
    const advice = encodingAdvice('arr.json', ledgerOf([utf8Line, latin1Line]), { json: true, rerunSafe: true });
    expect(advice).toEqual([
      'not UTF-8: line 2 of the file; nothing of it was sent. The other lines are UTF-8 already (beyond ASCII): converting the whole file would garble them.',
      'A per-line command does not apply to a JSON document (an element can span lines, and the file is read whole): run it again with only those lines decoded as Windows-1252:',
      '  newsroom ingest --encoding windows-1252 arr.json',
    ]);
  });

  it('a UTF-8 byte-order mark makes the file UTF-8, and line 1 is picked out without it', () => {
    const advice = encodingAdvice('b.ndjson', ledgerOf([latin1Line, '{}'], true), { json: false, rerunSafe: true });
    expect(advice[0]).toMatch(/the file opens with a UTF-8 byte-order mark/);
    expect(advice[1]).toBe(
      "  tail -c +4 b.ndjson | sed -n '1p' | iconv -f windows-1252 -t utf-8 > b.rejected.utf8.ndjson && newsroom ingest b.rejected.utf8.ndjson",
    );
  });

  it('too many runs to list: counted, and the --encoding run instead of a sed command; a line mixing within itself is named', () => {
    const lines = Array.from({ length: 120 }, (_, i) => (i % 2 ? '{}' : latin1Line));
    const advice = encodingAdvice('big.ndjson', ledgerOf([utf8Line, ...lines]), { json: false, rerunSafe: true });
    expect(advice[0]).toMatch(/^not UTF-8: lines 2, 4, .*, 100, \.\.\. \(60 in all\); .*Too many to pick out with one command/);
    expect(advice[1]).toBe('  newsroom ingest --encoding windows-1252 big.ndjson');
    const within = Buffer.concat([Buffer.from('{"a":"é'), latin1('\xe9"}')]);
    expect(encodingAdvice('w.ndjson', ledgerOf(['{}', within]), { json: false, rerunSafe: true })).toEqual([
      'line 2 of w.ndjson holds UTF-8 characters and bytes that are not UTF-8: no conversion reads both, fix it by hand',
    ]);
    expect(encodingAdvice('ok.ndjson', ledgerOf([utf8Line]), { json: false, rerunSafe: true })).toEqual([]);
  });

  it('quotes a file name for the shell only when it must', () => {
    expect([shellQuote('dir/a-b_c.ndjson'), shellQuote("it's here.ndjson")]).toEqual(['dir/a-b_c.ndjson', `'it'\\''s here.ndjson'`]);
  });
});
