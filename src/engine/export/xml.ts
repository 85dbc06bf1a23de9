// XML text for the writers that stream (dynamic GEXF, GraphML): escaping, and the characters XML
// 1.0 cannot hold at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/F),
// which are replaced by U+FFFD rather than written into a file no parser would read.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** The text with characters XML cannot hold replaced by U+FFFD. */
export const xmlSafe = (s: string): string => s.replace(INVALID_XML, '\ufffd')

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
}

/** An attribute value (inside double quotes). */
export const xmlAttr = (s: string): string => xmlSafe(s).replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c])

/** A number as XML text: the shortest text that reads back as the same double. */
export const xmlNumber = (v: number): string => (Number.isFinite(v) ? String(v) : 'NaN')
