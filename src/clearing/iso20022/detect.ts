/**
 * Which bank message this is, by structure and never by namespace: the message element under Document (or
 * the root itself when a bank leaves Document out, or under an envelope's Document) names it whatever the
 * version (.02, .04, .08…).
 */
import { BankMessageError } from "./errors.js";
import { child, readXml, type XmlElement } from "./xmlRead.js";

export type BankMessageKind = "pain.002" | "camt.054" | "camt.053";

const MESSAGE_ELEMENTS: Record<string, BankMessageKind> = {
  CstmrPmtStsRpt: "pain.002",
  BkToCstmrDbtCdtNtfctn: "camt.054",
  BkToCstmrStmt: "camt.053",
};

export interface ParseOptions {
  /** Refuse messages longer than this many characters (default 32 Mi). */
  maxChars?: number;
}

/** The message element of a bank message and what it is; throws `BankMessageError` otherwise. */
export function readBankMessage(xml: string, options: ParseOptions = {}): { kind: BankMessageKind; message: XmlElement } {
  const tree = readXml(xml, options.maxChars);
  const [rootName] = Object.keys(tree).filter((name) => !name.startsWith("#") && !name.startsWith("@_") && !name.startsWith("?"));
  if (rootName === undefined) throw new BankMessageError("NOT_XML", "the document has no root element");
  let root = tree[rootName];
  let documentName = rootName;
  // A business envelope (AppHdr beside Document) wraps the Document one level down.
  if (rootName !== "Document" && !Object.hasOwn(MESSAGE_ELEMENTS, rootName) && child(root, "Document") !== undefined) {
    root = child(root, "Document");
    documentName = `${rootName}/Document`;
  }
  const candidates: Array<[string, unknown]> =
    documentName.endsWith("Document") && root !== null && typeof root === "object" ? Object.entries(root) : [[rootName, root]];
  for (const [name, value] of candidates) {
    const kind = Object.hasOwn(MESSAGE_ELEMENTS, name) ? MESSAGE_ELEMENTS[name] : undefined;
    if (kind === undefined) continue;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new BankMessageError("MISSING_ELEMENT", `${name} is empty or repeated`);
    }
    return { kind, message: value as XmlElement };
  }
  const found = documentName.endsWith("Document") ? `${documentName}/${candidates.map(([name]) => name).filter((name) => !/^[@#?]/.test(name)).join(",")}` : rootName;
  throw new BankMessageError("UNKNOWN_MESSAGE", `not a pain.002, camt.054 or camt.053 message (found ${found})`);
}

/** Reads a message that must be one of `kinds`. */
export function expectBankMessage<K extends BankMessageKind>(xml: string, kinds: readonly K[], options?: ParseOptions): { kind: K; message: XmlElement } {
  const read = readBankMessage(xml, options);
  if (!(kinds as readonly BankMessageKind[]).includes(read.kind)) {
    throw new BankMessageError("UNKNOWN_MESSAGE", `expected ${kinds.join(" or ")}, got ${read.kind}`);
  }
  return read as { kind: K; message: XmlElement };
}
