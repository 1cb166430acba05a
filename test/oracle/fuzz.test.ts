/**
 * Hostile input against one running oracle (real HTTP, embedded PGlite, the embedded chain): thousands of
 * malformed, oversized, mistyped, mis-signed and semantically hostile payloads, generated from a fixed seed
 * (ORACLE_FUZZ_SEED overrides it; the seed is printed with every failure). For every answer: no 5xx, JSON
 * with a request id, an error code on every refusal. After the run: the service still answers, every
 * request to /v1/attestations/* is on the audit record, and only the two valid packages were ever attested.
 */
import { expect } from "chai";
import { HDNodeWallet } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";
import { CHECK_CODES } from "../../src/oracle/checks/failures.js";
import { MAX_REPORTED_VIOLATIONS } from "../../src/oracle/http/server.js";
import { REQUESTER_SIGNATURE_HEADER } from "../../src/oracle/protocol.js";
import { SERVICE_ERROR_CODES } from "../../src/oracle/http/responses.js";
import { canonicalJson } from "../../src/oracle/keyedHash.js";
import { issuePackageSchema, transferPackageSchema } from "../../src/oracle/package/schema.js";
import { DELIVERY_KINDS, PAYMENT_TERM_TYPES, type IssuePackage, type TransferPackage } from "../../src/oracle/package/types.js";
import type { RunningOracle } from "../../src/oracle/service.js";
import { fenToCny } from "../../src/sdk/money.js";
import { deployConsortium, issueVoucher, latestTimestamp, MILLION_CNY, type Consortium } from "../fixtures/consortium.js";
import { knownTrade, startTestOracles, type TestOracles } from "../fixtures/oracle.js";

const { ethers } = await network.getOrCreate();

const SEED = Number(process.env.ORACLE_FUZZ_SEED ?? 0x5eed);
const CONCURRENCY = 8;
/** The oracle's default body limit (ORACLE_CONFIG_DEFAULTS.bodyLimitBytes); the test oracle runs with it. */
const BODY_LIMIT = 262_144;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

type Route = "issue" | "transfer";
// Parsed answers and generated payloads are arbitrary JSON.
type Json = any;
type Path = Array<string | number>;

/** One request to send, and what must come back. */
interface FuzzCase {
  category: string;
  method: string;
  /** Path and query, as sent. */
  path: string;
  body?: string | Uint8Array | { chunks: number; chunkBytes: number };
  contentType?: string | null;
  signature?: string | null;
  /** The request goes to /v1/attestations/* and must be on the audit record. */
  audited: boolean;
  /** Exactly this valid package (one of the two bases), so the one answer that may be 200, with the base's signature. */
  valid?: Route;
  /** Statuses allowed for this case (beyond "< 500"); undefined: any 4xx. */
  statuses?: number[];
  /** Error codes allowed for this case; undefined: any known code. */
  codes?: string[];
}

interface Outcome {
  index: number;
  status: number;
  body: Json;
  requestId: string | null;
}

// ------------------------------------------------------------------------------------ randomness

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ------------------------------------------------------------------------------------ hostile values

/** Values of every JSON type (and JS numbers JSON cannot keep exactly) for "wrong type" mutations. */
const WRONG_TYPE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 64,
  Number.MAX_SAFE_INTEGER + 2,
  5e-324,
  "",
  "x",
  "NaN",
  "Infinity",
  "-0",
  "1e308",
  "0x10",
  [],
  [1, "a", null],
  {},
  { a: 1 },
];

/** Number literals written into the JSON text as they are: JSON.parse turns them into -0, Infinity-free doubles, rounded integers… */
const RAW_NUMBERS = [
  "-0",
  "0.0",
  "1e400",
  "-1e400",
  "18446744073709551616",
  "115792089237316195423570985008687907853269984665640564039457584007913129639936",
  "1.0000000000000002",
  "1E3",
  "0.1e1",
  "-1099511627776",
  "1099511627776",
  "4.9e-324",
];

const HOSTILE_STRINGS = [
  "\u0000",
  "\u0000".repeat(18),
  "a\u0000b",
  "\ud800",
  "\udfff",
  "\udfff\ud800",
  "x\ud83d",
  "\u202e",
  "\u202egnp.exe",
  "\u200f\u200e\u061c",
  "\u200b\u200c\u200d",
  "\ufeff",
  "\u2028\u2029",
  "\u0085",
  "😀",
  "😀".repeat(18),
  "👨‍👩‍👧‍👦",
  "e\u0301\u0301\u0301",
  "９１３１００００００００００００２２",
  "٩١٣١٠٠٠٠٠٠٠٠٠٠٠٠٢٢",
  "\r\n",
  "\t",
  "\u001b[31m",
  "\\",
  '"',
  "'; DROP TABLE oracle_requests; --",
  "<script>alert(1)</script>",
  "${jndi:ldap://x/a}",
  "%s%s%n",
  "../../etc/passwd",
  "__proto__",
  "constructor",
  "toString",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "1e308",
  "-1.00",
  "0.001",
  " 1.00",
  "1.00 ",
  "1,000.00",
  "0x10",
  "1_000",
  "+1.00",
  ".5",
  "5.",
  "00.10",
  "99999999999999999999.99",
  "184467440737095516.15",
  "184467440737095516.16",
  "0",
  "0.00",
  "2026-02-30",
  "0000-00-00",
  "0000-01-01",
  "9999-12-31",
  "2026-13-01",
  "2026-1-1",
  "２０２６-０１-０１",
  "2026-01-01T00:00:00Z",
  "2026-01-01\n",
  "81",
  "01",
  "8",
  "99",
  "0".repeat(20),
  "9".repeat(20),
  "0".repeat(12),
  "1".repeat(78),
  "9".repeat(78),
  "0x" + "0".repeat(64),
  "0x" + "F".repeat(64),
  "913100000000000022",
  "91350100M000100Y4Z",
  "IOSVZIOSVZIOSVZIOS",
  "ｉｎｖｏｉｃｅ",
  "發票",
  "Ω≈ç√∫",
  "\u{10ffff}",
  "\uffff\ufffe",
];

/** Cuts `text` to at most `max` code points (the unit JSON Schema lengths count). */
function fitTo(text: string, max: number | undefined): string {
  if (max === undefined) return text;
  return [...text].slice(0, max).join("");
}

// --------------------------------------------------------------------------------- JSON plumbing

/** Every path (objects and leaves) of a JSON value, depth first. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const children =
    value !== null && typeof value === "object"
      ? Object.keys(value).flatMap((key) => pathsOf(value[key], [...prefix, Array.isArray(value) ? Number(key) : key]))
      : [];
  return prefix.length === 0 ? children : [prefix, ...children];
}

function getAt(value: Json, path: Path): Json {
  return path.reduce((inner, key) => (inner === undefined || inner === null ? undefined : inner[key]), value);
}

/** A copy of `value` with `path` set to `replacement` (as an own property, even for "__proto__"). */
function setAt(value: Json, path: Path, replacement: unknown): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1));
  Object.defineProperty(parent, path[path.length - 1], { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

function deleteAt(value: Json, path: Path): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
  else if (parent !== null && typeof parent === "object") delete parent[path[path.length - 1]];
  return copy;
}

/** The JSON Schema node that governs `path` (for lengths and formats). */
function schemaAt(schema: Json, path: Path): Json {
  let node = schema;
  for (const key of path) {
    if (node === undefined) return undefined;
    node = typeof key === "number" ? node.items : node.properties?.[key];
  }
  return node;
}

/**
 * Canonical text of a parsed body that keeps every own key (also "__proto__", which `canonicalJson`
 * cannot hold): two bodies are the same package only when these are equal. Null for a body too deep to walk.
 */
function strictCanonical(value: Json): string | null {
  try {
    const walk = (inner: Json): string => {
      if (inner === null || typeof inner !== "object") return JSON.stringify(inner);
      if (Array.isArray(inner)) return `[${inner.map(walk).join(",")}]`;
      return `{${Object.keys(inner)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${walk(inner[key])}`)
        .join(",")}}`;
    };
    return walk(value);
  } catch {
    return null;
  }
}

function parseOrUndefined(text: string): { value: Json } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function byteLength(body: FuzzCase["body"]): number {
  if (body === undefined) return 0;
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.length;
  return body.chunks * body.chunkBytes;
}

// ------------------------------------------------------------------------------------------ test

describe("oracle HTTP API under hostile input (fuzz)", function () {
  this.timeout(600_000);

  let c: Consortium;
  let oracles: TestOracles;
  let oracle: RunningOracle;

  before(async function () {
    c = await deployConsortium(ethers);
    oracles = await startTestOracles(ethers, c, 1);
    oracle = oracles.running[0];
  });

  after(async function () {
    await oracles?.close();
  });

  it(`answers at least 5,000 malformed and hostile payloads with a coded 4xx, keeps every one for audit, and signs nothing invalid (seed ${SEED})`, async function () {
    const { coreA, supplierA, supplierB, outsider, bankX } = c.actors;
    const uscc = (signer: { address: string }) => c.usccs.get(signer.address)!;

    // Local keys of the Hardhat accounts: thousands of signatures without a round trip each.
    const localWallets = new Map<string, HDNodeWallet>();
    for (let index = 0; index < 20; index++) {
      const wallet = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
      localWallets.set(wallet.address, wallet);
    }
    const signWith = async (signer: Consortium["actors"]["coreA"], message: string) =>
      localWallets.get(signer.address)?.signMessageSync(message) ?? (await signer.signMessage(message));

    // ---------------------------------------------------------------- the two valid packages
    const now = Math.max(Math.floor(Date.now() / 1000), Number(await latestTimestamp(ethers)));
    const issueBase: IssuePackage = {
      payerUscc: uscc(coreA),
      payeeUscc: uscc(supplierA),
      amount: fenToCny(MILLION_CNY),
      maturity: now + 90 * 86_400,
      deadline: now + 3_000,
      ...(await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), MILLION_CNY)),
    };
    const piece = await issueVoucher(ethers, c, { holder: supplierA });
    const transferBase: TransferPackage = {
      pieceId: piece.toString(),
      payerUscc: uscc(supplierA),
      payeeUscc: uscc(supplierB),
      amount: "400000.00",
      deadline: now + 3_000,
      ...(await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 40_000_000n)),
    };
    const bases: Record<Route, { pkg: Json; payer: Consortium["actors"]["coreA"]; schema: Json; canonical: string; signature: string }> = {
      issue: { pkg: issueBase, payer: coreA, schema: issuePackageSchema, canonical: strictCanonical(issueBase)!, signature: "" },
      transfer: { pkg: transferBase, payer: supplierA, schema: transferPackageSchema, canonical: strictCanonical(transferBase)!, signature: "" },
    };
    // Attest both once: from now on their invoices are reserved, so no other package with them may be attested.
    for (const route of ["issue", "transfer"] as const) {
      const base = bases[route];
      const response = await fetch(`${oracle.url}/v1/attestations/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json", [REQUESTER_SIGNATURE_HEADER]: await signWith(base.payer, canonicalJson(base.pkg)) },
        body: canonicalJson(base.pkg),
      });
      const answer = (await response.json()) as Json;
      expect(response.status, JSON.stringify(answer)).to.equal(200);
      base.signature = answer.attestation.signature;
    }

    // -------------------------------------------------------------------------- generation
    const rng = new Rng(SEED);
    const cases: FuzzCase[] = [];
    const samples = {
      binary: fc.sample(fc.string({ unit: "binary", maxLength: 30 }), { seed: SEED, numRuns: 600 }),
      grapheme: fc.sample(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), { seed: SEED + 1, numRuns: 300 }),
      json: fc.sample(fc.jsonValue({ maxDepth: 3 }), { seed: SEED + 2, numRuns: 300 }),
      ascii: fc.sample(fc.string({ unit: "binary-ascii", maxLength: 40 }), { seed: SEED + 3, numRuns: 300 }),
    };

    /** A JSON body for `route`, signed by that route's payer over its canonical form (so it gets past the signature). */
    const signedCase = (category: string, route: Route, value: Json, extra: Partial<FuzzCase> = {}): FuzzCase => {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      const parsed = parseOrUndefined(text);
      const canonical = parsed === undefined ? null : strictCanonical(parsed.value);
      return {
        category,
        method: "POST",
        path: `/v1/attestations/${route}`,
        body: text,
        contentType: "application/json",
        signature: parsed === undefined ? undefined : "@payer",
        audited: true,
        valid: canonical === bases[route].canonical ? route : undefined,
        ...extra,
      };
    };

    const routes: Route[] = ["issue", "transfer"];
    const allPaths = Object.fromEntries(
      routes.map((route) => [route, [...pathsOf(bases[route].pkg), ["invoices", 0, "code"] as Path]]),
    ) as Record<Route, Path[]>;
    const stringPaths = Object.fromEntries(
      routes.map((route) => [route, allPaths[route].filter((path) => schemaAt(bases[route].schema, path)?.type === "string")]),
    ) as Record<Route, Path[]>;

    // 1. Wrong types at every field of both packages (each a mutation of a valid, re-signed package).
    for (const route of routes) {
      for (const path of allPaths[route]) {
        for (const value of WRONG_TYPE_VALUES) cases.push(signedCase("wrong-type", route, setAt(bases[route].pkg, path, value)));
      }
    }

    // 2. Number literals JSON.parse bends (huge, -0, beyond uint256, sub-normal) at every numeric field, and as a piece id.
    for (const route of routes) {
      const numeric = allPaths[route].filter((path) => schemaAt(bases[route].schema, path)?.type === "integer");
      for (const path of [...numeric, ["pieceId"] as Path]) {
        for (const literal of RAW_NUMBERS) {
          const text = JSON.stringify(setAt(bases[route].pkg, path, "@@RAW@@")).replace('"@@RAW@@"', literal);
          cases.push(signedCase("huge-number", route, text));
        }
      }
    }

    // 3. Hostile strings in 1–3 string fields of a valid package, re-signed: they reach the trade checks.
    const hostileStringPool = [...HOSTILE_STRINGS, ...samples.binary, ...samples.grapheme];
    for (let index = 0; index < 1_600; index++) {
      const route = rng.pick(routes);
      let value = bases[route].pkg;
      for (let count = 1 + rng.int(3); count > 0; count--) {
        const path = rng.pick(stringPaths[route]);
        const max = schemaAt(bases[route].schema, path)?.maxLength as number | undefined;
        const text = rng.pick(hostileStringPool);
        value = setAt(value, path, rng.chance(0.85) ? fitTo(text, max) : text);
      }
      cases.push(signedCase("hostile-string", route, value));
    }

    // 4. Missing fields: 1–3 paths removed.
    for (let index = 0; index < 350; index++) {
      const route = rng.pick(routes);
      let value = bases[route].pkg;
      for (let count = 1 + rng.int(3); count > 0; count--) {
        const paths = pathsOf(value);
        if (paths.length > 0) value = deleteAt(value, rng.pick(paths));
      }
      cases.push(signedCase("missing-field", route, value));
    }

    // 5. Extra fields, prototype-polluting keys among them, at any object of the package.
    const extraKeys = ["__proto__", "constructor", "prototype", "", "\u0000", "toString", "hasOwnProperty", "valueOf", "$ref", "$id", "😀", "\ud800", "a".repeat(1_000), "pieceId", "maturity", "isAdmin"];
    for (let index = 0; index < 350; index++) {
      const route = rng.pick(routes);
      const objects = [[], ...allPaths[route].filter((path) => { const node = getAt(bases[route].pkg, path); return node !== null && typeof node === "object" && !Array.isArray(node); })] as Path[];
      const key = rng.chance(0.8) ? rng.pick(extraKeys) : rng.pick(samples.binary);
      const value = rng.chance(0.5) ? rng.pick(samples.json) : { polluted: true, isAdmin: true };
      const target = rng.pick(objects);
      // An extra key that a package of the other route has is no extra field here: skip that collision.
      if (getAt(bases[route].pkg, [...target, key]) !== undefined) continue;
      cases.push(signedCase("extra-field", route, setAt(bases[route].pkg, [...target, key], value)));
    }

    // 6. Packages that have the valid shape, with random (often hostile) contents: the checks must refuse them all.
    const text = (max: number) =>
      fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: max }), fc.constantFrom(...HOSTILE_STRINGS.map((value) => fitTo(value, max)).filter((value) => value.length > 0)));
    const hash = fc.oneof(fc.stringMatching(/^0x[0-9a-fA-F]{64}$/), fc.constant(issueBase.contract.documentHash));
    const day = fc.oneof(fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), text(10), fc.constant(issueBase.invoices[0].issueDate));
    const amount = fc.oneof(fc.stringMatching(/^[0-9]{1,18}(\.[0-9]{1,3})?$/), text(24));
    const time = fc.oneof(fc.nat(), fc.constantFrom(0, now, now + 600, now + 86_400 * 400, 1_099_511_627_775));
    const party = (member: string) => fc.oneof(fc.constant(member), fc.stringMatching(/^[0-9A-Z]{18}$/), text(18));
    const invoice = fc.record(
      {
        code: fc.oneof(fc.constant(""), fc.stringMatching(/^[0-9]{10,12}$/), text(12)),
        number: fc.oneof(fc.stringMatching(/^[0-9]{8}$|^[0-9]{20}$/), text(20)),
        type: fc.oneof(fc.constantFrom("81", "82", "85", "86", "01", "04", "08", "10", "11", "14"), text(2)),
        issueDate: day,
        net: amount,
        tax: amount,
        total: amount,
        sellerUscc: party(uscc(supplierA)),
        buyerUscc: party(uscc(coreA)),
      },
      { requiredKeys: ["number", "type", "issueDate", "net", "tax", "total", "sellerUscc", "buyerUscc"] },
    );
    const documents = {
      contract: fc.record({ id: text(64), date: day, amount, documentHash: hash }),
      invoices: fc.array(invoice, { minLength: 1, maxLength: 16 }),
      delivery: fc.array(fc.record({ kind: fc.constantFrom(...DELIVERY_KINDS), date: day, documentHash: hash }), { maxLength: 16 }),
      paymentTerms: fc.record({ type: fc.constantFrom(...PAYMENT_TERM_TYPES), days: fc.nat({ max: 3_660 }) }),
    };
    const shapedIssue = fc.record({ payerUscc: party(uscc(coreA)), payeeUscc: party(uscc(supplierA)), amount, maturity: time, deadline: time, ...documents });
    const shapedTransfer = fc.record({
      pieceId: fc.oneof(fc.stringMatching(/^[0-9]{1,78}$/), fc.constant(transferBase.pieceId)),
      payerUscc: party(uscc(supplierA)),
      payeeUscc: party(uscc(supplierB)),
      amount,
      deadline: time,
      ...documents,
    });
    for (const value of fc.sample(shapedIssue, { seed: SEED + 4, numRuns: 350 })) cases.push(signedCase("valid-shape", "issue", value));
    for (const value of fc.sample(shapedTransfer, { seed: SEED + 5, numRuns: 350 })) cases.push(signedCase("valid-shape", "transfer", value));

    // 6b. Small bodies that break the schema tens of thousands of times: the answer lists a bounded number of violations.
    for (let index = 0; index < 12; index++) {
      const route = rng.pick(routes);
      const count = rng.pick([1_000, 10_000, 40_000]);
      const shape = rng.int(3);
      const value =
        shape === 0
          ? setAt(bases[route].pkg, ["invoices"], Array.from({ length: count }, () => ({})))
          : shape === 1
            ? setAt(bases[route].pkg, ["delivery"], Array.from({ length: count / 8 }, () => ({ kind: 1, date: 2, documentHash: 3, x: 4 })))
            : Object.fromEntries(Array.from({ length: count / 4 }, (_, key) => [`k${key}`, key]));
      cases.push({ ...signedCase("violation-flood", route, value), statuses: [400], codes: ["REQUEST_INVALID"] });
    }

    // 7. The package of one route sent to the other.
    for (let index = 0; index < 60; index++) {
      const from = rng.pick(routes);
      const to: Route = from === "issue" ? "transfer" : "issue";
      cases.push({ ...signedCase("cross-route", to, bases[from].pkg), signature: "@payer-of:" + from, statuses: [400], codes: ["REQUEST_INVALID"] });
    }

    // 8. Deep nesting: thousands of levels of arrays and objects, as the body and inside a field.
    const nested = (levels: number, kind: "array" | "object" | "mixed") => {
      let open = "";
      let close = "";
      for (let level = 0; level < levels; level++) {
        const array = kind === "array" || (kind === "mixed" && level % 2 === 0);
        open += array ? "[" : '{"a":';
        close = (array ? "]" : "}") + close;
      }
      return open + "1" + close;
    };
    for (let index = 0; index < 120; index++) {
      const kind = rng.pick(["array", "object", "mixed"] as const);
      const levels = rng.pick([1_000, 5_000, 20_000, 40_000, 100_000, 200_000]);
      const deep = nested(levels, kind);
      const route = rng.pick(routes);
      const where = rng.int(3);
      const body =
        where === 0
          ? deep
          : JSON.stringify(setAt(bases[route].pkg, where === 1 ? ["contract"] : ["extra"], "@@DEEP@@")).replace('"@@DEEP@@"', deep);
      const tooLarge = Buffer.byteLength(body) > BODY_LIMIT;
      cases.push({
        category: "deep-nesting",
        method: "POST",
        path: `/v1/attestations/${route}`,
        body,
        contentType: "application/json",
        signature: bases[route].signature.replace(/^0x../, "0x00"),
        audited: true,
        statuses: tooLarge ? [413] : [400],
        codes: tooLarge ? ["BODY_TOO_LARGE"] : ["REQUEST_INVALID"],
      });
    }

    // 9. Bodies over the limit: padded packages, long strings, multi-byte text, garbage, and chunked uploads with no length.
    for (let index = 0; index < 70; index++) {
      const route = rng.pick(routes);
      const size = rng.pick([BODY_LIMIT + 1, BODY_LIMIT + 1_000, 300_000, 600_000, 1_100_000]);
      const shape = rng.int(5);
      let body: FuzzCase["body"];
      if (shape === 0) body = JSON.stringify(setAt(bases[route].pkg, ["padding"], "x".repeat(size)));
      else if (shape === 1) body = JSON.stringify(setAt(bases[route].pkg, ["contract", "id"], "H".repeat(size)));
      else if (shape === 2) body = JSON.stringify({ note: "😀".repeat(Math.ceil(size / 4)) }); // fewer characters than bytes
      else if (shape === 3) body = "\u0000garbage".repeat(Math.ceil(size / 8));
      else body = { chunks: Math.ceil(size / 16_384), chunkBytes: 16_384 };
      cases.push({ category: "oversized", method: "POST", path: `/v1/attestations/${route}`, body, contentType: "application/json", signature: "@payer", audited: true, statuses: [413], codes: ["BODY_TOO_LARGE"] });
    }
    // At the limit exactly: read and refused by the schema, not by size.
    for (const size of [BODY_LIMIT - 1, BODY_LIMIT]) {
      const body = JSON.stringify({ pad: "" }).replace('""', `"${"y".repeat(size - 10)}"`);
      expect(Buffer.byteLength(body)).to.equal(size);
      cases.push({ category: "oversized", method: "POST", path: "/v1/attestations/issue", body, contentType: "application/json", audited: true, statuses: [400], codes: ["REQUEST_INVALID"] });
    }

    // 10. Bodies that are not JSON.
    const notJson = [
      "",
      " ",
      "\n",
      "{",
      "}",
      "{'payerUscc': 1}",
      "{payerUscc: 1}",
      "[1,]",
      '{"a":1,}',
      "NaN",
      "undefined",
      "Infinity",
      "-",
      "// comment\n{}",
      "/* c */ {}",
      "{} {}",
      '{"a":1}x',
      "\ufeff{}",
      "\u0000",
      '"unterminated',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      "0x10",
      "01",
      "payerUscc=1&amount=2",
      "<?xml version=\"1.0\"?><package/>",
    ];
    const validText = (route: Route) => JSON.stringify(bases[route].pkg);
    for (let index = 0; index < 520; index++) {
      const route = rng.pick(routes);
      const shape = rng.int(4);
      let body: string | Uint8Array;
      if (shape === 0) body = rng.pick(notJson);
      else if (shape === 1) body = validText(route).slice(0, 1 + rng.int(validText(route).length - 2)); // cut short
      else if (shape === 2) body = "{" + rng.pick(samples.binary);
      else body = Uint8Array.from({ length: 1 + rng.int(64) }, () => 0x80 + rng.int(0x80)); // not UTF-8
      // Rarely, "{" plus a random tail is JSON after all ("{}"): then it is no package.
      const parses = parseOrUndefined(typeof body === "string" ? body : new TextDecoder().decode(body)) !== undefined;
      cases.push({
        category: "not-json",
        method: "POST",
        path: `/v1/attestations/${route}`,
        body,
        contentType: "application/json",
        signature: rng.chance(0.5) ? bases[route].signature : undefined,
        audited: true,
        statuses: [400],
        codes: parses ? ["REQUEST_INVALID"] : ["BODY_NOT_JSON"],
      });
    }
    // Random text from the generator: mostly not JSON; when it happens to be, it is no package.
    for (const body of samples.ascii) {
      const parsed = parseOrUndefined(body);
      cases.push({
        category: "not-json",
        method: "POST",
        path: "/v1/attestations/issue",
        body,
        contentType: "application/json",
        audited: true,
        statuses: [400],
        codes: parsed === undefined ? ["BODY_NOT_JSON"] : ["REQUEST_INVALID", "BODY_NOT_JSON"],
      });
    }

    // 11. Content types other than JSON (the valid package as body), and random ones (with a body that is no package).
    const refusedTypes = [
      null,
      "",
      "text/plain",
      "text/json",
      "text/html",
      "application/xml",
      "text/xml",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/octet-stream",
      "application/json-patch+json",
      "application/jsonp",
      "application/vnd.api+json",
      "application/ld+json",
      "application/javascript",
      "json",
      "application",
      "*/*",
      "application/*",
      "application/json, text/plain",
      "application/jso",
      "application/json5",
    ];
    for (let index = 0; index < 300; index++) {
      const route = rng.pick(routes);
      if (index < 200) {
        cases.push({
          ...signedCase("content-type", route, bases[route].pkg),
          contentType: rng.pick(refusedTypes),
          valid: undefined,
          statuses: [415],
          codes: ["UNSUPPORTED_MEDIA_TYPE"],
        });
      } else {
        // Printable ASCII only: anything else is no valid HTTP header value (the client would refuse to send it).
        const contentType = rng.pick(samples.ascii).replace(/[^\x20-\x7e]/g, "").trim();
        cases.push({ ...signedCase("content-type", route, setAt(bases[route].pkg, ["x"], 1)), contentType, statuses: [400, 415] });
      }
    }
    // JSON content types written differently: the valid packages, replayed.
    for (const contentType of ["application/json; charset=utf-8", "Application/JSON", "application/json;"]) {
      for (const route of routes) cases.push({ ...signedCase("replay", route, bases[route].pkg), contentType });
    }
    // The valid packages with their fields in another order and extra whitespace: still the same package.
    for (const route of routes) {
      const reordered = Object.fromEntries(Object.entries(bases[route].pkg).reverse());
      cases.push(signedCase("replay", route, JSON.stringify(reordered, null, 2)));
    }

    // 12. Signatures missing, malformed, of another body, or by someone other than the payer.
    const others = [supplierB, outsider, bankX];
    for (let index = 0; index < 320; index++) {
      const route = rng.pick(routes);
      const shape = rng.int(6);
      let signature: string | null;
      let statuses: number[];
      if (shape === 0) [signature, statuses] = [rng.pick([null, ""]), [401]];
      else if (shape === 1) [signature, statuses] = [rng.pick(["0x", "0x00", "not hex", "0x" + "zz".repeat(65), "0x" + "ab".repeat(rng.int(200)), "\u00ff\u00fe", "0x" + "00".repeat(65)]), [401]];
      else if (shape === 2) [signature, statuses] = ["0x" + Array.from({ length: 65 }, () => rng.int(256).toString(16).padStart(2, "0")).join(""), [401, 403]];
      else if (shape === 3) [signature, statuses] = ["@other:" + rng.int(others.length), [403]];
      else if (shape === 4) [signature, statuses] = ["@payer-over-other-body", [403]];
      else [signature, statuses] = [bases[route === "issue" ? "transfer" : "issue"].signature, [401, 403]]; // an attestation signature, not a request signature
      // 64 or 65 bytes of 0xab read as a (compact) signature of somebody: that is then a stranger's request.
      if (signature === "0x" + "ab".repeat(64) || signature === "0x" + "ab".repeat(65)) statuses = [401, 403];
      cases.push({ ...signedCase("signature", route, bases[route].pkg), signature, valid: undefined, statuses, codes: ["REQUESTER_SIGNATURE_MISSING", "REQUESTER_SIGNATURE_INVALID", "REQUESTER_NOT_PAYER"] });
    }

    // 13. Routes and methods that do not exist under /v1/attestations/ (kept for audit all the same).
    const segments = ["redeem", "ISSUE", "Issue", "issue/", "transfer/1", "issue%00", "issue.json", "issues", "%", "%E0%A4%A", "%zz", "issue;x", "%F0%9F%98%80", "", "a".repeat(3_000)];
    for (let index = 0; index < 200; index++) {
      const segment = rng.chance(0.7) ? rng.pick(segments) : encodeURIComponent(rng.pick(samples.ascii));
      const realRoute = segment === "issue" || segment === "transfer";
      const method = realRoute ? rng.pick(["PUT", "PATCH", "DELETE", "OPTIONS"]) : rng.pick(["POST", "PUT", "PATCH", "DELETE"]);
      const path = new URL(`/v1/attestations/${segment}`, oracle.url);
      const normalised = path.pathname + path.search;
      if (!normalised.startsWith("/v1/attestations/")) continue;
      cases.push({
        category: "wrong-route",
        method,
        path: normalised,
        body: method === "OPTIONS" ? undefined : JSON.stringify(bases.issue.pkg),
        contentType: method === "OPTIONS" ? null : "application/json",
        audited: true,
        statuses: [400, 404],
        codes: ["ROUTE_NOT_FOUND", "REQUEST_INVALID", "BODY_NOT_JSON"],
      });
    }
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      for (const route of routes) {
        cases.push({ category: "wrong-route", method, path: `/v1/attestations/${route}`, body: canonicalJson(bases[route].pkg), contentType: "application/json", signature: "@payer", audited: true, statuses: [404], codes: ["ROUTE_NOT_FOUND"] });
      }
    }

    // 14. Other routes, hostile paths (not attestation requests: answered, not audited).
    const otherPaths = ["/v1/requests/%", "/v1/requests/" + "f".repeat(300), "/v1/requests/00000000-0000-0000-0000-00000000000g", "/v1/requests/%00", "/v1/health?x=%00", "/openapi.json?__proto__[x]=1", "/v1", "/", "/v1/attestations", "/%2e%2e/%2e%2e/etc/passwd"];
    for (let index = 0; index < 60; index++) {
      const path = new URL(rng.pick(otherPaths), oracle.url);
      cases.push({ category: "other-route", method: "GET", path: path.pathname + path.search, contentType: null, audited: false });
    }

    // ------------------------------------------------------------------------------ sending
    const signatureFor = async (fuzzCase: FuzzCase): Promise<string | undefined> => {
      const marker = fuzzCase.signature;
      if (marker === null || marker === undefined) return undefined;
      if (!marker.startsWith("@")) return marker;
      const route = fuzzCase.path.endsWith("/transfer") ? "transfer" : "issue";
      const text = typeof fuzzCase.body === "string" ? fuzzCase.body : "";
      const parsed = parseOrUndefined(text);
      const message = parsed === undefined ? text : canonicalJson(parsed.value);
      if (marker === "@payer") return signWith(bases[route].payer, message);
      if (marker.startsWith("@payer-of:")) return signWith(bases[marker.slice(10) as Route].payer, message);
      if (marker.startsWith("@other:")) return signWith(others[Number(marker.slice(7))], message);
      if (marker === "@payer-over-other-body") return signWith(bases[route].payer, message + " ");
      throw new Error(`unknown signature marker ${marker}`);
    };

    const send = async (fuzzCase: FuzzCase): Promise<{ status: number; text: string; headers: Headers }> => {
      const headers: Record<string, string> = {};
      if (fuzzCase.contentType !== null && fuzzCase.contentType !== undefined) headers["content-type"] = fuzzCase.contentType;
      const signature = await signatureFor(fuzzCase);
      if (signature !== undefined) headers[REQUESTER_SIGNATURE_HEADER] = signature;
      const init: RequestInit & { duplex?: "half" } = { method: fuzzCase.method, headers, signal: AbortSignal.timeout(30_000) };
      const body = fuzzCase.body;
      if (body !== undefined && typeof body === "object" && !(body instanceof Uint8Array)) {
        const chunk = new Uint8Array(body.chunkBytes).fill(0x20);
        let sent = 0;
        init.body = new ReadableStream({
          pull(controller) {
            if (sent++ < body.chunks) controller.enqueue(chunk);
            else controller.close();
          },
        });
        init.duplex = "half";
      } else if (body !== undefined) {
        init.body = body;
      }
      const response = await fetch(oracle.url + fuzzCase.path, init);
      return { status: response.status, text: await response.text(), headers: response.headers };
    };

    const problems: string[] = [];
    const outcomes: Outcome[] = [];
    const describeCase = (index: number, fuzzCase: FuzzCase) => {
      const body = fuzzCase.body;
      const excerpt = typeof body === "string" ? JSON.stringify(body.slice(0, 160)) : body instanceof Uint8Array ? `<${body.length} bytes>` : `<chunked ${byteLength(body)} bytes>`;
      return `case #${index} [${fuzzCase.category}] ${fuzzCase.method} ${fuzzCase.path.slice(0, 80)} content-type=${JSON.stringify(fuzzCase.contentType)} body=${excerpt}`;
    };
    const knownCodes = new Set(Object.keys(SERVICE_ERROR_CODES));
    const checkCodes = new Set<string>(CHECK_CODES);

    const examine = (index: number, fuzzCase: FuzzCase, answer: { status: number; text: string; headers: Headers }) => {
      const fail = (why: string) => problems.push(`${why} — ${describeCase(index, fuzzCase)} — answer ${answer.status} ${answer.text.slice(0, 300)}`);
      let body: Json;
      try {
        body = JSON.parse(answer.text);
      } catch {
        fail("the answer is not JSON");
        outcomes.push({ index, status: answer.status, body: null, requestId: null });
        return;
      }
      outcomes.push({ index, status: answer.status, body, requestId: typeof body?.requestId === "string" ? body.requestId : null });
      if (answer.status >= 500) fail(`status ${answer.status}`);
      // Every answer of an attestation route, and every refusal of any route, names its request.
      if (answer.status !== 200 || fuzzCase.audited) {
        if (typeof body?.requestId !== "string" || body.requestId.length === 0) fail("no requestId");
        else if (answer.headers.get("x-request-id") !== body.requestId) fail("x-request-id differs from requestId");
      }
      if (answer.status !== 200) {
        if (typeof body?.error?.code !== "string") return fail("no error.code");
        if (!knownCodes.has(body.error.code)) fail(`unknown error code ${body.error.code}`);
        if (typeof body.error.message !== "string") fail("no error.message");
        if (body.attestation !== undefined) fail("a refusal carries an attestation");
        if (body.error.code === "REQUEST_INVALID" && body.error.failures !== undefined) {
          const failures = body.error.failures as Array<{ code: string; path: string }>;
          if (failures.length > MAX_REPORTED_VIOLATIONS) fail(`${failures.length} schema failures listed`);
          if (!failures.every((failure) => failure.code === "SCHEMA_VIOLATION" && typeof failure.path === "string")) fail("a schema failure without code or path");
        }
        if (body.error.code === "TRADE_CHECKS_FAILED") {
          const failures = body.error.failures as Array<{ code: string; path: string; message: string }>;
          if (!Array.isArray(failures) || failures.length === 0) fail("a trade refusal without failures");
          else if (!failures.every((failure) => checkCodes.has(failure.code) && typeof failure.path === "string" && typeof failure.message === "string")) fail("a trade failure with an unknown code");
        }
      }
      if (fuzzCase.valid !== undefined) {
        if (answer.status !== 200) fail("the valid package was refused");
        else if (body.attestation?.signature !== bases[fuzzCase.valid].signature || body.replayed !== true) fail("the valid package got another attestation");
      } else if (fuzzCase.audited && answer.status === 200) {
        fail("an invalid payload was attested");
      } else if (fuzzCase.audited) {
        if (fuzzCase.statuses !== undefined && !fuzzCase.statuses.includes(answer.status)) fail(`status ${answer.status}, expected ${fuzzCase.statuses.join(" or ")}`);
        if (fuzzCase.codes !== undefined && !fuzzCase.codes.includes(body?.error?.code)) fail(`code ${body?.error?.code}, expected ${fuzzCase.codes.join(" or ")}`);
      }
    };

    const audited = cases.filter((fuzzCase) => fuzzCase.audited).length;
    const validCount = cases.filter((fuzzCase) => fuzzCase.valid !== undefined).length;
    const before = await oracle.store.countRequests();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const index = next++;
          const fuzzCase = cases[index];
          try {
            examine(index, fuzzCase, await send(fuzzCase));
          } catch (error) {
            problems.push(`no answer (${error instanceof Error ? error.message : String(error)}) — ${describeCase(index, fuzzCase)}`);
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    // ------------------------------------------------------------------------------ summary
    const perCategory = new Map<string, number>();
    for (const fuzzCase of cases) perCategory.set(fuzzCase.category, (perCategory.get(fuzzCase.category) ?? 0) + 1);
    const histogram = new Map<number, number>();
    for (const outcome of outcomes) histogram.set(outcome.status, (histogram.get(outcome.status) ?? 0) + 1);
    const summary =
      `oracle fuzz seed=${SEED}: ${cases.length} payloads (${[...perCategory].map(([name, count]) => `${name} ${count}`).join(", ")}); ` +
      `statuses ${[...histogram].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(" ")}; ${seconds.toFixed(1)} s`;
    console.log(`      ${summary}`);
    const context = (what: string) => `${what} (seed ${SEED}; rerun with ORACLE_FUZZ_SEED=${SEED})`;

    expect(cases.length, context("payload count")).to.be.at.least(5_000);
    expect(problems.slice(0, 20), context(`${problems.length} problem(s)`)).to.deep.equal([]);

    // -------------------------------------------------------------------------- afterwards
    const health = await fetch(`${oracle.url}/v1/health`);
    const healthBody = (await health.json()) as Json;
    expect(health.status).to.equal(200);
    expect(healthBody).to.include({ status: "ok", signer: oracle.signer });

    const after = await oracle.store.countRequests();
    const total = (counts: typeof before) => counts.attested + counts.refused + counts.rejected;
    expect(total(after) - total(before), context("requests on record")).to.equal(audited);
    // Only the valid packages were attested (each time the same attestation, replayed).
    expect(after.attested - before.attested, context("attested")).to.equal(validCount);
    expect(validCount).to.be.at.least(8);

    // Every answer of an attestation route is on the record under its request id, with its status.
    const ids = new Set<string>();
    const missing: string[] = [];
    let nextRecord = 0;
    const audits = outcomes.filter((outcome) => cases[outcome.index].audited);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextRecord < audits.length) {
          const outcome = audits[nextRecord++];
          if (outcome.requestId === null) continue;
          ids.add(outcome.requestId);
          const record = await oracle.store.requestById(outcome.requestId);
          if (record === null || record.httpStatus !== outcome.status) missing.push(`${describeCase(outcome.index, cases[outcome.index])}: ${record === null ? "no record" : `recorded ${record.httpStatus}`}`);
          else if (outcome.status !== 200 && record.outcome === "attested") missing.push(`${describeCase(outcome.index, cases[outcome.index])}: recorded as attested`);
        }
      }),
    );
    expect(missing.slice(0, 20), context(`${missing.length} request(s) not on record`)).to.deep.equal([]);
    expect(ids.size, context("distinct request ids")).to.equal(audits.length);
  });
});
