import { terminalLines, terminalText } from './terminal-text.util';

/** Any character a terminal acts on instead of showing: C0, DEL, C1, bidi controls, line and paragraph separators. */
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/; // eslint-disable-line no-control-regex

describe('terminalText', () => {
  it('shows ESC sequences (CSI, OSC) as \\x1b, so none runs in the terminal', () => {
    expect(terminalText('Boss\u001b[31mRED\u001b[0m')).toBe('Boss\\x1b[31mRED\\x1b[0m');
    expect(terminalText('\u001b]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07');
    expect(terminalText('\u001b]52;c;ZWNobyBoaQ==\u001b\\')).toBe('\\x1b]52;c;ZWNobyBoaQ==\\x1b\\');
  });

  it('keeps one line: LF, CR and TAB as \\n, \\r and \\t', () => {
    expect(terminalText('line1\nline2\rCR\tcol')).toBe('line1\\nline2\\rCR\\tcol');
    expect(terminalText('a\r\nb')).toBe('a\\r\\nb');
  });

  it('shows NUL, the other C0 controls, DEL and the C1 controls as \\xHH', () => {
    expect(terminalText('a\u0000b\u0008c\u000bd\u000ce\u007ff')).toBe('a\\x00b\\x08c\\x0bd\\x0ce\\x7ff');
    expect(terminalText('\u0080\u0085\u009b31m\u009d\u009f')).toBe('\\x80\\x85\\x9b31m\\x9d\\x9f');
  });

  it('shows bidi embeddings, overrides, isolates and the line and paragraph separators as \\uHHHH', () => {
    expect(terminalText('a\u202ab\u202bc\u202cd\u202de\u202ef')).toBe('a\\u202ab\\u202bc\\u202cd\\u202de\\u202ef');
    expect(terminalText('\u2066x\u2067y\u2068z\u2069')).toBe('\\u2066x\\u2067y\\u2068z\\u2069');
    expect(terminalText('one\u2028two\u2029three')).toBe('one\\u2028two\\u2029three');
  });

  it('leaves plain text as it is: French accents, no-break and narrow no-break spaces, emoji, backslashes', () => {
    const french = 'Départ de la directrice technique\u202f: «\u00a0démission\u00a0» — coût 6,6\u202fMd$ 🎉';
    expect(terminalText(french)).toBe(french);
    expect(terminalText('C:\\data\\events.ndjson')).toBe('C:\\data\\events.ndjson');
    expect(terminalText('')).toBe('');
  });

  it('leaves nothing a terminal acts on, and escaping twice changes nothing more', () => {
    const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('') + '\u2028\u2029\u202a\u202e\u2066\u2069';
    const shown = terminalText(all);
    expect(shown).not.toMatch(RAW_CONTROL);
    expect(terminalText(shown)).toBe(shown);
  });
});

describe('terminalLines', () => {
  it('keeps the line breaks the CLI puts between lines, escapes the rest', () => {
    expect(terminalLines('error: 400 BAD\u001b[2J\n  data.role: too\rlong')).toBe('error: 400 BAD\\x1b[2J\n  data.role: too\\rlong');
  });
});
