/** Fragments shared by the simulator's pain.002 and camt.054. Values from the instruction are escaped here. */
import { fenToCny } from "../../sdk/money.js";
import { escapeXml } from "../iso20022/xmlText.js";

export function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<Amt Ccy="CNY">1234.56</Amt>` from fen. */
export function amount(name: string, fen: bigint, currency: string): string {
  return `<${name} Ccy="${escapeXml(currency)}">${fenToCny(fen)}</${name}>`;
}

/** A bank branch by its CNAPS code, as the engine's pain.001 names it. */
export function cnapsAgent(cnaps: string): string {
  return `<FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId>${element("MmbId", cnaps)}</ClrSysMmbId></FinInstnId>`;
}

export function accountId(accountNumber: string): string {
  return `<Id><Othr>${element("Id", accountNumber)}</Othr></Id>`;
}

/** Cuts free text to an XSD MaxNText length, counted in code points as the schema counts. */
export function clip(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max).join("");
}

// XML 1.0 Char production (as in iso20022/xmlText.ts); with the u flag a lone surrogate falls outside it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Free text from outside (a parser's message quoting a file) with what XML cannot carry replaced by U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML_CHAR, "\uFFFD");
}
