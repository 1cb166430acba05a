/**
 * Keyed hashes: what goes on-chain in place of trade documents (R2, R13). An invoice number has little
 * entropy; a plain hash of it could be reversed by any member by trying every number. Keyed with a secret
 * that only the consortium's oracles (and the regulator) hold, the same invoice still maps to the same key
 * across every oracle and core enterprise, so the ledger refuses it twice, but nobody else can recover it.
 */
import { createHmac } from "node:crypto";

/** Shortest secret accepted: 256 bits. */
export const MIN_SECRET_BYTES = 32;

const DOCUMENT_KEY_DOMAIN = "evoucher/document-key/v1";
const PACKAGE_HASH_DOMAIN = "evoucher/package-hash/v1";

function keyedHash(secret: Uint8Array, domain: string, content: string): string {
  return "0x" + createHmac("sha256", secret).update(domain).update("\0").update(content, "utf8").digest("hex");
}

/** The on-chain document key of an invoice, from its uniqueness key (see `invoiceKeyOf`). */
export function documentKeyOf(secret: Uint8Array, invoiceKey: string): string {
  return keyedHash(secret, DOCUMENT_KEY_DOMAIN, invoiceKey);
}

/** The on-chain package hash: the whole trade package, canonically serialised. */
export function packageHashOf(secret: Uint8Array, tradePackage: unknown): string {
  return keyedHash(secret, PACKAGE_HASH_DOMAIN, canonicalJson(tradePackage));
}

/**
 * JSON with object keys sorted at every level, so that the same package always serialises the same way
 * whatever order its fields arrived in. Used for package hashes and for requester signatures.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    // A null-prototype object: a "__proto__" key stays a key instead of replacing the prototype.
    const sorted: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
