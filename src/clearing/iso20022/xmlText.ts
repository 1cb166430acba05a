/**
 * Text for XML we write: escaped, and refused when XML 1.0 cannot carry it at all (control characters,
 * lone surrogates) — escaping cannot fix those, and a bank would reject the whole file.
 */

// XML 1.0 Char production; with the u flag a lone surrogate is its own code point and falls outside it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes the five XML special characters; safe in text and in attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** True when every character of `text` may appear in an XML 1.0 document. */
export function isXmlText(text: string): boolean {
  return !NOT_XML_CHAR.test(text);
}

/** Length in characters (code points), as XSD `maxLength` counts them — not UTF-16 units. */
export function xmlLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
