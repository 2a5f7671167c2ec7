import { csvField, toCsv } from './csv.writer';

describe('CSV writer (RFC 4180)', () => {
  it('quotes fields with commas, quotes, line breaks or edge spaces, and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('« 1 600 employés »')).toBe('« 1 600 employés »');
  });

  it('writes empty for null, joins arrays with "; ", JSON for objects', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(['Example Daily', 'Other'])).toBe('Example Daily; Other');
    expect(csvField({ amount: '1', currency: 'USD' })).toBe('"{""amount"":""1"",""currency"":""USD""}"');
    expect(csvField(false)).toBe('false');
  });

  it('has a header row and CRLF line breaks, even with no rows', () => {
    const columns = [{ header: 'name', value: (r: { n: string }) => r.n }, { header: 'note', value: () => 'x,y' }];
    expect(toCsv(columns, [{ n: 'Mira Murati' }])).toBe('name,note\r\nMira Murati,"x,y"\r\n');
    expect(toCsv(columns, [])).toBe('name,note\r\n');
  });

  it('neutralises cells a spreadsheet would run (OWASP): a leading single quote, quoted; plain numbers stay numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1+cmd')).toBe('"\'+1+cmd"');
    expect(csvField('-2+3')).toBe('"\'-2+3"');
    expect(csvField('@SUM(A1)')).toBe('"\'@SUM(A1)"');
    expect(csvField('\t=1')).toBe('"\'\t\'=1"'); // a tab is a separator too: the cell after it is neutralised as well
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('  =1+1')).toBe('"\'  =1+1"');
    expect(csvField('\uFF1D1+1')).toBe('"\'\uFF1D1+1"');
    expect(csvField(['=evil', 'ok'])).toBe('"\'=evil; ok"');
    expect(csvField('-5')).toBe('-5');
    expect(csvField('-30000000000.5')).toBe('-30000000000.5');
    expect(csvField(-5)).toBe('-5');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('2024-10-02')).toBe('2024-10-02');
  });

  it('neutralises what follows a separator (; , tab) when it would run: a spreadsheet splitting there starts a cell with it', () => {
    // French Excel splits a line on ";", inside our quotes too: the quote goes where its cell would start.
    expect(csvField(';=HYPERLINK("http://x","y")')).toBe('";\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField(';+1+cmd')).toBe('";\'+1+cmd"');
    expect(csvField(',-2+3')).toBe('",\'-2+3"');
    expect(csvField('\t@SUM(A1)')).toBe('"\'\t\'@SUM(A1)"');
    expect(csvField(';;=1')).toBe('";;\'=1"');
    expect(csvField('; =1')).toBe('";\' =1"');
    expect(csvField('a;=1+1')).toBe('"a;\'=1+1"');
    expect(csvField('=1;=2')).toBe('"\'=1;\'=2"');
    expect(csvField(['ok', '=evil'])).toBe('"ok;\' =evil"');
    // Plain numbers and text after a separator stay as they are.
    expect(csvField('1;-5')).toBe('1;-5');
    expect(csvField('1,-3')).toBe('"1,-3"');
    expect(csvField('a;b')).toBe('a;b');
    expect(csvField('Example Daily; Other')).toBe('Example Daily; Other');
    expect(csvField('a=b;c=d')).toBe('a=b;c=d');
  });
});
