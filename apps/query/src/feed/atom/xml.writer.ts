/**
 * A minimal XML 1.0 writer for the Atom feed: elements are built as nested arrays and every text and attribute
 * value is escaped here, once, so no caller ever concatenates markup by hand.
 */

/** An element: name, attributes (undefined ones are left out), children (text or elements; undefined skipped). */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string | undefined>;
  children?: readonly (XmlElement | string | undefined)[];
}

export const el = (name: string, attrs: XmlElement['attrs'] = {}, ...children: (XmlElement | string | undefined)[]): XmlElement => ({
  name,
  attrs,
  children,
});

// Characters XML 1.0 does not allow at all (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF; lone surrogates):
// no escape can carry them, so each becomes U+FFFD. C1 controls (U+0080..U+009F) are allowed and kept.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data: `&`, `<`, `>` escaped (so `]]>` can never appear), forbidden characters replaced. */
export function escapeText(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value (double-quoted): also quotes, and tab/LF/CR as references so a parser keeps them. */
export function escapeAttr(value: string): string {
  return escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const NAME = /^[A-Za-z_][\w.:-]*$/;

function write(node: XmlElement | string, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeText(node));
    return;
  }
  if (!NAME.test(node.name)) throw new Error(`not an XML name: ${node.name}`);
  out.push(`<${node.name}`);
  for (const [key, value] of Object.entries(node.attrs ?? {})) {
    if (value === undefined) continue;
    if (!NAME.test(key)) throw new Error(`not an XML attribute name: ${key}`);
    out.push(` ${key}="${escapeAttr(value)}"`);
  }
  const children = (node.children ?? []).filter((c): c is XmlElement | string => c !== undefined);
  if (!children.length) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of children) write(child, out);
  out.push(`</${node.name}>`);
}

/** A whole document: the XML declaration (UTF-8) and the root element. */
export function toXml(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  write(root, out);
  out.push('\n');
  return out.join('');
}
