/**
 * Validation against the official ISO 20022 XSDs with libxml2 (xmllint-wasm): no system dependency, and
 * the same engine a bank's gateway most likely runs. Schema texts are read once per path and kept.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { validateXML } from "xmllint-wasm";

export type SchemaName = "pain.001.001.10" | "pain.002.001.11" | "camt.054.001.08" | "camt.053.001.08";

export interface SchemaValidation {
  valid: boolean;
  /** libxml2's messages, each with its line number; empty when valid. */
  errors: string[];
}

const schemaTexts = new Map<string, Promise<string>>();

function schemaText(file: string): Promise<string> {
  let text = schemaTexts.get(file);
  if (text === undefined) {
    text = readFile(file, "utf8");
    // A failed read is not cached, so a missing directory can be fixed without a restart.
    text.catch(() => schemaTexts.delete(file));
    schemaTexts.set(file, text);
  }
  return text;
}

/** Validates `xml` against `<schemaDir>/<schema>.xsd`. */
export async function validateAgainstSchema(xml: string, schema: SchemaName, schemaDir: string): Promise<SchemaValidation> {
  const contents = await schemaText(path.resolve(schemaDir, `${schema}.xsd`));
  const result = await validateXML({
    xml: [{ fileName: "message.xml", contents: xml }],
    schema: [{ fileName: `${schema}.xsd`, contents }],
    // Our 200-transaction files and a day's camt.053 need more than the 32 MiB default.
    maxMemoryPages: 4096,
  });
  const errors = result.errors.map((error) => error.loc ? `line ${error.loc.lineNumber}: ${error.message}` : error.message);
  // xmllint can fail without a parsed message (e.g. out of memory): never report that as valid.
  if (!result.valid && errors.length === 0) errors.push(result.rawOutput.trim() || "xmllint reported the document invalid");
  return { valid: result.valid && errors.length === 0, errors };
}
