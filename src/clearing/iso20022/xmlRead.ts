/**
 * Reading bank XML defensively: size cap, no DTD (so no entity expansion), a well-formedness check, then a
 * namespace-blind tree. Element names lose their prefixes so one reader serves every message version.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { cnyToFen, MoneyError } from "../../sdk/money.js";
import { BankMessageError } from "./errors.js";

/** A parsed element: child elements by local name (one value or an array), `@_x` attributes, `#text`. */
export type XmlElement = { readonly [name: string]: unknown };

/** Default cap on a message, in characters: far above a busy account's daily camt.053. */
export const DEFAULT_MAX_MESSAGE_CHARS = 32 * 1024 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Keep every value a string: ids have leading zeros and amounts must not pass through floats.
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded below (predefined and numeric only), so no definition can ever be expanded.
  processEntities: false,
  cdataPropName: "#cdata",
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses `xml` into a tree, or throws a `BankMessageError` (never anything else). */
export function readXml(xml: unknown, maxChars = DEFAULT_MAX_MESSAGE_CHARS): XmlElement {
  if (typeof xml !== "string") throw new BankMessageError("NOT_XML", "expected the message as a string");
  if (xml.length > maxChars) throw new BankMessageError("TOO_LARGE", `message of ${xml.length} characters exceeds the limit of ${maxChars}`);
  const text = xml.replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new BankMessageError("NOT_XML", "the message is empty");
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new BankMessageError("DTD_NOT_ALLOWED", "ISO 20022 messages carry no DOCTYPE or entity declarations");
  let check: ReturnType<typeof XMLValidator.validate>;
  try {
    check = XMLValidator.validate(text);
  } catch (error) {
    throw new BankMessageError("NOT_XML", `not well-formed XML: ${(error as Error).message}`);
  }
  if (check !== true) throw new BankMessageError("NOT_XML", `not well-formed XML: ${check.err.msg} (line ${check.err.line}, column ${check.err.col})`);
  try {
    return parser.parse(text) as XmlElement;
  } catch (error) {
    throw new BankMessageError("NOT_XML", `unreadable XML: ${(error as Error).message}`);
  }
}

/** Every child element called `name` (in document order). */
export function children(node: unknown, name: string): unknown[] {
  if (node === null || typeof node !== "object" || !Object.hasOwn(node, name)) return [];
  const value = (node as XmlElement)[name];
  return Array.isArray(value) ? value : [value];
}

/** The first child element called `name`, following a path of names. */
export function child(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) current = children(current, name)[0];
  return current;
}

/** The text of an element (entities decoded, CDATA kept verbatim), or undefined when absent or empty. */
export function textOf(node: unknown): string | undefined {
  let text: string;
  if (typeof node === "string") text = decodeEntities(node);
  else if (node !== null && typeof node === "object") {
    const element = node as XmlElement;
    const plain = typeof element["#text"] === "string" ? decodeEntities(element["#text"]) : "";
    text = plain + children(element, "#cdata").filter((part) => typeof part === "string").join("");
  } else return undefined;
  text = text.trim();
  return text === "" ? undefined : text;
}

/** The text at a path below `node`. */
export function textAt(node: unknown, ...names: string[]): string | undefined {
  return textOf(child(node, ...names));
}

/** The text at a path, or a MISSING_ELEMENT error naming it and `where`. */
export function requiredText(node: unknown, where: string, ...names: string[]): string {
  const text = textAt(node, ...names);
  if (text === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: ${names.join("/")} is missing or empty`);
  return text;
}

export function attribute(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const value = (node as XmlElement)[`@_${name}`];
  return typeof value === "string" ? decodeEntities(value).trim() : undefined;
}

/** An amount element (`<Amt Ccy="CNY">1234.5</Amt>`) as exact fen and its currency. */
export function amountOf(node: unknown, where: string): { amount: bigint; currency: string } {
  const text = textOf(node);
  if (text === undefined) throw new BankMessageError("MISSING_ELEMENT", `${where}: amount is missing`);
  const currency = attribute(node, "Ccy");
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
    throw new BankMessageError("BAD_VALUE", `${where}: amount ${text} has no valid Ccy attribute`);
  }
  try {
    return { amount: cnyToFen(text, where), currency };
  } catch (error) {
    if (error instanceof MoneyError) throw new BankMessageError("BAD_AMOUNT", `${where}: amount ${JSON.stringify(text)} is not exact in fen (${error.code})`);
    throw error;
  }
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references, in one pass (nothing re-expands). */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (!name.startsWith("#")) return PREDEFINED[name];
    const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}
