import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { el, escapeAttr, escapeText, toXml } from './xml.writer';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: true,
  htmlEntities: false,
  trimValues: false,
});

describe('XML writer', () => {
  it('escapes markup in text so the parsed text is the original', () => {
    const hostile = `<script>alert("x")</script> & ]]> <![CDATA[ x ]]> '&amp;'`;
    const xml = toXml(el('root', {}, el('t', {}, hostile)));
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('<script>');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).root.t).toBe(hostile);
  });

  it('escapes quotes and whitespace in attributes', () => {
    const value = `a"b'c<d>&e\tf\ng`;
    const xml = toXml(el('root', { title: value }));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(escapeAttr(value)).toBe('a&quot;b&apos;c&lt;d&gt;&amp;e&#9;f&#10;g');
  });

  it('replaces characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/FFFF) and keeps the rest', () => {
    const text = `a\u0000b\u0008c\u000Bd\u001Fe\uD800f\uDC00g\uFFFEh\tnl\n😀é`;
    expect(escapeText(text)).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\tnl\n😀é');
    const xml = toXml(el('root', { a: text }, text));
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('leaves out undefined attributes and children, writes empty elements self-closed', () => {
    expect(toXml(el('root', { a: undefined, b: 'x' }, undefined, el('e')))).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<root b="x"><e/></root>\n',
    );
  });

  it('refuses names that are not XML names (they never come from data)', () => {
    expect(() => toXml(el('a b'))).toThrow(/not an XML name/);
    expect(() => toXml(el('a', { 'x"': 'y' }))).toThrow(/attribute name/);
  });
});
