/**
 * The oracle's HTTP API end to end: real fastify servers on 127.0.0.1 (embedded PGlite), the embedded
 * chain, requests signed by the Hardhat accounts. Every refusal is checked by status, code and — for
 * 400 and 422 — the exact failure codes and JSON pointers.
 */
import { expect } from "chai";
import { Wallet, hexlify, randomBytes } from "ethers";
import { network } from "hardhat";
import { invoiceKeyOf } from "../../src/oracle/checks/invoice.js";
import { resolveOracleConfig } from "../../src/oracle/config.js";
import { MAX_REPORTED_VIOLATIONS } from "../../src/oracle/http/server.js";
import { REQUESTER_SIGNATURE_HEADER } from "../../src/oracle/protocol.js";
import { canonicalJson, documentKeyOf } from "../../src/oracle/keyedHash.js";
import { sampleTradeDocuments } from "../../src/oracle/package/sampleDocuments.js";
import { issuePackageSchema, transferPackageSchema } from "../../src/oracle/package/schema.js";
import type { IssuePackage, TradeDocuments, TransferPackage } from "../../src/oracle/package/types.js";
import { seedStore, startOracle, type RunningOracle } from "../../src/oracle/service.js";
import { MemberRole } from "../../src/sdk/constants.js";
import { fenToCny } from "../../src/sdk/money.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import { DAY, deployConsortium, issueVoucher, latestTimestamp, MILLION_CNY, type Consortium } from "../fixtures/consortium.js";
import { startTestOracles, type TestOracles } from "../fixtures/oracle.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers, networkHelpers } = await network.getOrCreate();

type Signer = Consortium["actors"]["coreA"];
// The answers are untyped JSON; the tests look at every field they rely on.
type Json = any;

interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

interface SendOptions {
  method?: string;
  /** Sent as is instead of the canonical JSON of `json`. */
  raw?: string;
  json?: unknown;
  contentType?: string | null;
  /** A signature header value; `null` for none. Default: none. */
  signature?: string | null;
}

async function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers["content-type"] = options.contentType ?? "application/json";
  if (typeof options.signature === "string") headers[REQUESTER_SIGNATURE_HEADER] = options.signature;
  const body = options.raw ?? (options.json === undefined ? undefined : canonicalJson(options.json));
  const response = await fetch(baseUrl + path, { method: options.method ?? "POST", headers, body });
  const text = await response.text();
  let parsed: Json = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { unparsable: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INVALID_USCC = "91350100M000100Y4Z";

/** Asserts an error answer: status, code, a request id, and (when given) exactly these failures as [code, path]. */
function expectError(answer: Answer, status: number, code: string, failures?: Array<[string, string]>) {
  const context = JSON.stringify(answer.body).slice(0, 2_000);
  expect(answer.status, context).to.equal(status);
  expect(answer.body.error.code, context).to.equal(code);
  expect(answer.body.error.message, context).to.be.a("string").and.not.equal("");
  expect(answer.body.requestId, context).to.match(UUID);
  expect(answer.headers.get("x-request-id")).to.equal(answer.body.requestId);
  expect(answer.body).to.not.have.property("attestation");
  if (failures !== undefined) {
    const actual = (answer.body.error.failures as Array<{ code: string; path: string; message: string }>).map((failure) => {
      expect(failure.message, context).to.be.a("string").and.not.equal("");
      return [failure.code, failure.path];
    });
    expect(actual, context).to.deep.equal(failures);
  }
}

function schemaFailures(...paths: string[]): Array<[string, string]> {
  return paths.map((path) => ["SCHEMA_VIOLATION", path]);
}

describe("oracle HTTP API", function () {
  this.timeout(120_000);

  let c: Consortium;
  let oracles: TestOracles;
  let oracle: RunningOracle;
  let uscc: (signer: { address: string }) => string;

  before(async function () {
    c = await deployConsortium(ethers);
    oracles = await startTestOracles(ethers, c, 1);
    oracle = oracles.running[0];
    uscc = (signer) => c.usccs.get(signer.address)!;
  });

  after(async function () {
    await oracles?.close();
  });

  /** The oracle's clock: the later of the wall clock and the chain. */
  async function oracleNow(): Promise<number> {
    return Math.max(Math.floor(Date.now() / 1000), Number(await latestTimestamp(ethers)));
  }

  /** The calendar day (China Standard Time) `days` after the oracle's today. */
  async function dayFromToday(days: number): Promise<string> {
    return new Date(((await oracleNow()) + days * 86_400 + 8 * 3_600) * 1000).toISOString().slice(0, 10);
  }

  /**
   * Sample documents for a trade, changed by `change`, and (unless `known` is false) put on the oracle's
   * records as the tax bureau's and carriers' feeds would: the verifiers then know them as changed.
   */
  async function trade(
    seller: string,
    buyer: string,
    total: bigint,
    { change = () => {}, known = true }: { change?: (documents: TradeDocuments) => void; known?: boolean } = {},
  ): Promise<TradeDocuments> {
    const documents = sampleTradeDocuments({ sellerUscc: seller, buyerUscc: buyer, total, today: await oracleNow() });
    change(documents);
    if (known) await seedStore(oracle.store, { invoices: documents.invoices, deliveries: documents.delivery });
    return documents;
  }

  /** A valid issue package from `payer` to `payee` over `total` fen, with `overrides` applied last. */
  async function issuePackage(
    options: { payer?: Signer; payee?: Signer; total?: bigint; change?: (documents: TradeDocuments) => void; known?: boolean } = {},
    overrides: Partial<IssuePackage> = {},
  ): Promise<IssuePackage> {
    const payer = options.payer ?? c.actors.coreA;
    const payee = options.payee ?? c.actors.supplierA;
    const total = options.total ?? MILLION_CNY;
    const documents = await trade(uscc(payee), uscc(payer), total, { change: options.change, known: options.known });
    const now = await oracleNow();
    return {
      payerUscc: uscc(payer),
      payeeUscc: uscc(payee),
      amount: fenToCny(total),
      maturity: now + 90 * 86_400,
      deadline: now + 1_800,
      ...documents,
      ...overrides,
    };
  }

  async function transferPackage(
    pieceId: bigint,
    payer: Signer,
    payee: Signer,
    amount: bigint,
    overrides: Partial<TransferPackage> = {},
  ): Promise<TransferPackage> {
    const documents = await trade(uscc(payee), uscc(payer), amount);
    return {
      pieceId: pieceId.toString(),
      payerUscc: uscc(payer),
      payeeUscc: uscc(payee),
      amount: fenToCny(amount),
      deadline: (await oracleNow()) + 1_800,
      ...documents,
      ...overrides,
    };
  }

  /** Posts `body` to an attestation route, signed (EIP-191 over the canonical JSON) by `signer`. */
  async function ask(kind: "issue" | "transfer", body: unknown, signer: Signer, url = oracle.url): Promise<Answer> {
    const signature = await signer.signMessage(canonicalJson(body));
    return send(url, `/v1/attestations/${kind}`, { json: body, signature });
  }

  async function auditRecord(requestId: string): Promise<Json> {
    const answer = await send(oracle.url, `/v1/requests/${requestId}`, { method: "GET", contentType: null });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  }

  /** Submits an oracle's issue attestation to the ledger as the issuer; returns the root piece id. */
  async function submitIssue(issuer: Signer, attestation: Json): Promise<bigint> {
    const m = attestation.message;
    const request = {
      holder: m.holder,
      amount: BigInt(m.amount),
      maturity: BigInt(m.maturity),
      packageHash: m.packageHash,
      documentKeys: m.documentKeys,
      deadline: BigInt(m.deadline),
    };
    const ledger = c.contracts.ledger.connect(issuer);
    const pieceId = await ledger.issue.staticCall(request, [attestation.signature]);
    await (await ledger.issue(request, [attestation.signature])).wait();
    return pieceId;
  }

  // ------------------------------------------------------------------------------------------ success

  describe("valid packages", function () {
    it("attests a valid issue package from coreA to supplierA, and the ledger accepts the attestation", async function () {
      const { coreA, supplierA } = c.actors;
      const pkg = await issuePackage();
      const answer = await ask("issue", pkg, coreA);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.requestId).to.match(UUID);
      expect(answer.headers.get("x-request-id")).to.equal(answer.body.requestId);
      expect(answer.body.replayed).to.equal(false);

      const attestation = answer.body.attestation;
      expect(attestation.primaryType).to.equal("IssueAttestation");
      expect(attestation.signer).to.equal(oracle.signer);
      expect(attestation.domain).to.deep.equal({
        name: "EVoucherLedger",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId.toString(),
        verifyingContract: await c.contracts.ledger.getAddress(),
      });
      expect(attestation.message.issuer).to.equal(coreA.address);
      expect(attestation.message.holder).to.equal(supplierA.address);
      expect(attestation.message.amount).to.equal(MILLION_CNY.toString());
      expect(attestation.message.maturity).to.equal(String(pkg.maturity));
      expect(attestation.message.deadline).to.equal(String(pkg.deadline));
      expect(attestation.message.packageHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(attestation.message.documentKeys).to.have.length(1);
      const documentKey = documentKeyOf(Buffer.from(oracles.secret.slice(2), "hex"), invoiceKeyOf(pkg.invoices[0])!);
      expect(attestation.message.documentKeys[0]).to.equal(documentKey);

      const pieceId = await submitIssue(coreA, attestation);
      const piece = await c.contracts.ledger.pieceOf(pieceId);
      expect(piece.holder).to.equal(supplierA.address);
      expect(piece.amount).to.equal(MILLION_CNY);
      expect(await c.contracts.ledger.isDocumentKeyUsed(documentKey)).to.equal(true);

      const record = await auditRecord(answer.body.requestId);
      expect(record).to.include({ outcome: "attested", httpStatus: 200, route: "/v1/attestations/issue", requester: coreA.address, errorCode: null });
      expect(record.packageHash).to.equal(attestation.message.packageHash);
    });

    it("attests a valid transfer package: supplierA pays supplierB with part of an issued piece", async function () {
      const { supplierA, supplierB } = c.actors;
      const root = await issueVoucher(ethers, c, { holder: supplierA });
      const pkg = await transferPackage(root, supplierA, supplierB, 40_000_000n);
      const answer = await ask("transfer", pkg, supplierA);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.replayed).to.equal(false);
      const attestation = answer.body.attestation;
      expect(attestation.primaryType).to.equal("TransferAttestation");
      expect(attestation.message).to.include({
        pieceId: root.toString(),
        from: supplierA.address,
        to: supplierB.address,
        amount: "40000000",
        deadline: String(pkg.deadline),
      });

      const m = attestation.message;
      const request = { pieceId: BigInt(m.pieceId), to: m.to, amount: BigInt(m.amount), packageHash: m.packageHash, documentKeys: m.documentKeys, deadline: BigInt(m.deadline) };
      const ledger = c.contracts.ledger.connect(supplierA);
      const newPiece = await ledger.splitTransfer.staticCall(request, [attestation.signature]);
      await (await ledger.splitTransfer(request, [attestation.signature])).wait();
      expect((await c.contracts.ledger.pieceOf(newPiece)).holder).to.equal(supplierB.address);
      expect((await c.contracts.ledger.pieceOf(newPiece)).amount).to.equal(40_000_000n);
      expect((await c.contracts.ledger.pieceOf(root)).amount).to.equal(MILLION_CNY - 40_000_000n);
    });

    it("answers a retried package with the same attestation, marked replayed", async function () {
      const pkg = await issuePackage({ payee: c.actors.supplierB });
      const first = await ask("issue", pkg, c.actors.coreA);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      // The same package, with its fields in another order: the canonical form (and so the hash) is the same.
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(pkg).reverse()));
      expect(reordered).to.not.equal(canonicalJson(pkg));
      const signature = await c.actors.coreA.signMessage(canonicalJson(pkg));
      const second = await send(oracle.url, "/v1/attestations/issue", { raw: reordered, signature });
      expect(second.status, JSON.stringify(second.body)).to.equal(200);
      expect(first.body.replayed).to.equal(false);
      expect(second.body.replayed).to.equal(true);
      expect(second.body.requestId).to.not.equal(first.body.requestId);
      expect(second.body.attestation.signature).to.equal(first.body.attestation.signature);
      expect(second.body.attestation).to.deep.equal(first.body.attestation);
    });

    it("answers concurrent identical requests with one and the same attestation", async function () {
      const pkg = await issuePackage({ payee: c.actors.supplierC, total: 12_345_600n });
      const signature = await c.actors.coreA.signMessage(canonicalJson(pkg));
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => send(oracle.url, "/v1/attestations/issue", { json: pkg, signature })),
      );
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answers.filter((answer) => answer.body.replayed === false).length, "replays").to.equal(1);
      const signatures = new Set(answers.map((answer) => answer.body.attestation.signature));
      expect(signatures.size).to.equal(1);
    });
  });

  // ------------------------------------------------------------------------------- malformed requests

  describe("schema violations (400 REQUEST_INVALID)", function () {
    async function expectSchemaRefusal(kind: "issue" | "transfer", body: unknown, paths: string[]) {
      expectError(await ask(kind, body, c.actors.coreA), 400, "REQUEST_INVALID", schemaFailures(...paths));
    }

    it("refuses a missing field, top-level and nested", async function () {
      const pkg = await issuePackage({ known: false });
      const { maturity: _maturity, ...withoutMaturity } = pkg;
      await expectSchemaRefusal("issue", withoutMaturity, ["/maturity"]);
      const { total: _total, ...invoiceWithoutTotal } = pkg.invoices[0];
      await expectSchemaRefusal("issue", { ...pkg, invoices: [invoiceWithoutTotal] }, ["/invoices/0/total"]);
    });

    it("refuses an extra field, top-level and nested", async function () {
      const pkg = await issuePackage({ known: false });
      await expectSchemaRefusal("issue", { ...pkg, note: "urgent" }, ["/note"]);
      await expectSchemaRefusal("issue", { ...pkg, contract: { ...pkg.contract, signedBy: "CEO" } }, ["/contract/signedBy"]);
      // A transfer field in an issue package is an extra field too.
      await expectSchemaRefusal("issue", { ...pkg, pieceId: "65536" }, ["/pieceId"]);
    });

    it("refuses a wrong type, without coercing strings to numbers or numbers to strings", async function () {
      const pkg = await issuePackage({ known: false });
      await expectSchemaRefusal("issue", { ...pkg, maturity: "123" }, ["/maturity"]);
      await expectSchemaRefusal("issue", { ...pkg, maturity: String(pkg.maturity) }, ["/maturity"]);
      await expectSchemaRefusal("issue", { ...pkg, amount: 1_000_000 }, ["/amount"]);
      await expectSchemaRefusal("issue", { ...pkg, deadline: pkg.deadline + 0.5 }, ["/deadline"]);
      await expectSchemaRefusal("issue", { ...pkg, invoices: pkg.invoices[0] }, ["/invoices"]);
      await expectSchemaRefusal("issue", { ...pkg, paymentTerms: { type: "deferred", days: "90" } }, ["/paymentTerms/days"]);
      await expectSchemaRefusal("issue", { ...pkg, delivery: [{ ...pkg.delivery[0], kind: "rumour" }] }, ["/delivery/0/kind"]);
      await expectSchemaRefusal("issue", { ...pkg, payerUscc: null }, ["/payerUscc"]);
    });

    it("refuses a string that is too long, and an empty one", async function () {
      const pkg = await issuePackage({ known: false });
      await expectSchemaRefusal("issue", { ...pkg, contract: { ...pkg.contract, id: "H".repeat(65) } }, ["/contract/id"]);
      await expectSchemaRefusal("issue", { ...pkg, payeeUscc: uscc(c.actors.supplierA) + "0" }, ["/payeeUscc"]);
      await expectSchemaRefusal("issue", { ...pkg, amount: "1".repeat(25) }, ["/amount"]);
      await expectSchemaRefusal("issue", { ...pkg, amount: "" }, ["/amount"]);
    });

    it("reports every violation of one request together", async function () {
      const pkg = await issuePackage({ known: false });
      const { deadline: _deadline, ...broken } = pkg;
      await expectSchemaRefusal("issue", { ...broken, maturity: "soon", colour: "blue", invoices: [] }, ["/deadline", "/colour", "/maturity", "/invoices"]);
    });

    it("lists at most 100 violations of a small body that breaks the schema 320,001 times", async function () {
      const pkg = await issuePackage({ known: false });
      const body = { ...pkg, invoices: Array.from({ length: 40_000 }, () => ({})) };
      const answer = await ask("issue", body, c.actors.coreA);
      expectError(answer, 400, "REQUEST_INVALID");
      expect(answer.body.error.message).to.equal("The request does not follow the schema: 320001 problem(s); the first 100 are listed.");
      const failures = answer.body.error.failures as Array<{ code: string; path: string }>;
      expect(failures).to.have.length(MAX_REPORTED_VIOLATIONS);
      expect(failures[0]).to.include({ code: "SCHEMA_VIOLATION", path: "/invoices" });
      expect(failures.slice(1, 9).map((failure) => failure.path)).to.deep.equal(
        ["number", "type", "issueDate", "net", "tax", "total", "sellerUscc", "buyerUscc"].map((field) => `/invoices/0/${field}`),
      );
      expect((await auditRecord(answer.body.requestId)).failures).to.have.length(MAX_REPORTED_VIOLATIONS);
    });

    it("refuses a transfer package with a malformed piece id or without one", async function () {
      const { supplierA, supplierB } = c.actors;
      const pkg = await transferPackage(65_536n, supplierA, supplierB, 40_000_000n);
      expectError(await ask("transfer", { ...pkg, pieceId: "0x10000" }, supplierA), 400, "REQUEST_INVALID", schemaFailures("/pieceId"));
      expectError(await ask("transfer", { ...pkg, pieceId: 65_536 }, supplierA), 400, "REQUEST_INVALID", schemaFailures("/pieceId"));
      const { pieceId: _pieceId, ...withoutPiece } = pkg;
      expectError(await ask("transfer", withoutPiece, supplierA), 400, "REQUEST_INVALID", schemaFailures("/pieceId"));
      // An issue package sent to the transfer route lacks pieceId and has maturity.
      const issue = await issuePackage({ known: false });
      expectError(await ask("transfer", issue, c.actors.coreA), 400, "REQUEST_INVALID", schemaFailures("/pieceId", "/maturity"));
    });

    it("refuses a body that is not an object", async function () {
      for (const body of [[], "package", 42, null]) {
        expectError(await ask("issue", body, c.actors.coreA), 400, "REQUEST_INVALID", schemaFailures(""));
      }
    });
  });

  describe("unreadable requests", function () {
    it("refuses a body that is not JSON (400 BODY_NOT_JSON)", async function () {
      const answer = await send(oracle.url, "/v1/attestations/issue", { raw: '{"payerUscc": "9131', signature: "0x00" });
      expectError(answer, 400, "BODY_NOT_JSON");
      expect(answer.body.error.message).to.match(/not valid JSON/);
    });

    it("refuses an empty body (400 BODY_NOT_JSON)", async function () {
      expectError(await send(oracle.url, "/v1/attestations/issue", { raw: "" }), 400, "BODY_NOT_JSON");
      expectError(await send(oracle.url, "/v1/attestations/transfer", { raw: "   " }), 400, "BODY_NOT_JSON");
    });

    it("refuses a body that is not application/json (415)", async function () {
      const pkg = await issuePackage({ known: false });
      const signature = await c.actors.coreA.signMessage(canonicalJson(pkg));
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
        const answer = await send(oracle.url, "/v1/attestations/issue", { json: pkg, contentType, signature });
        expectError(answer, 415, "UNSUPPORTED_MEDIA_TYPE");
      }
      expectError(await send(oracle.url, "/v1/attestations/issue", { json: pkg, contentType: null, signature }), 415, "UNSUPPORTED_MEDIA_TYPE");
    });

    it("refuses a body larger than the limit (413), and records it", async function () {
      const before = await oracle.store.countRequests();
      const answer = await send(oracle.url, "/v1/attestations/issue", { raw: JSON.stringify({ padding: "x".repeat(300 * 1024) }) });
      expectError(answer, 413, "BODY_TOO_LARGE");
      const after = await oracle.store.countRequests();
      expect(after.rejected).to.equal(before.rejected + 1);
      expect((await auditRecord(answer.body.requestId)).errorCode).to.equal("BODY_TOO_LARGE");
    });

    it("answers an unknown route with 404 ROUTE_NOT_FOUND, and keeps one under /v1/attestations/ for audit", async function () {
      const before = await oracle.store.countRequests();
      const redeem = await send(oracle.url, "/v1/attestations/redeem", { json: {} });
      expectError(redeem, 404, "ROUTE_NOT_FOUND");
      const wrongMethod = await send(oracle.url, "/v1/attestations/issue", { method: "GET", contentType: null });
      expectError(wrongMethod, 404, "ROUTE_NOT_FOUND");
      expectError(await send(oracle.url, "/v2/health", { method: "GET", contentType: null }), 404, "ROUTE_NOT_FOUND");
      expectError(await send(oracle.url, "/v1/requests/00000000-0000-0000-0000-000000000000", { method: "GET", contentType: null }), 404, "REQUEST_NOT_FOUND");
      // The attestation-route requests are on the record; the others are not attestation requests.
      expect((await oracle.store.countRequests()).rejected).to.equal(before.rejected + 2);
      expect(await auditRecord(redeem.body.requestId)).to.include({ outcome: "rejected", errorCode: "ROUTE_NOT_FOUND", httpStatus: 404, route: "/v1/attestations/redeem" });
      expect(await auditRecord(wrongMethod.body.requestId)).to.include({ outcome: "rejected", errorCode: "ROUTE_NOT_FOUND", httpStatus: 404 });
    });

    it("answers a URL with a malformed percent-encoding, or too long a request id, in its own format", async function () {
      const before = await oracle.store.countRequests();
      for (const path of ["/v1/attestations/%", "/v1/attestations/%E0%A4%A", "/v1/attestations/issue%zz"]) {
        const answer = await send(oracle.url, path, { json: {} });
        expectError(answer, 400, "REQUEST_INVALID");
        expect(answer.body.error.message).to.contain("percent-encoding");
        expect(await auditRecord(answer.body.requestId)).to.include({ outcome: "rejected", errorCode: "REQUEST_INVALID", httpStatus: 400, route: path });
      }
      expect((await oracle.store.countRequests()).rejected).to.equal(before.rejected + 3);
      expectError(await send(oracle.url, `/v1/requests/${"f".repeat(300)}`, { method: "GET", contentType: null }), 404, "REQUEST_NOT_FOUND");
      expectError(await send(oracle.url, "/v1/requests/%", { method: "GET", contentType: null }), 400, "REQUEST_INVALID");
    });
  });

  describe("requester signature", function () {
    it("refuses a request without a signature (401 REQUESTER_SIGNATURE_MISSING)", async function () {
      const pkg = await issuePackage({ known: false });
      expectError(await send(oracle.url, "/v1/attestations/issue", { json: pkg }), 401, "REQUESTER_SIGNATURE_MISSING");
      expectError(await send(oracle.url, "/v1/attestations/issue", { json: pkg, signature: "" }), 401, "REQUESTER_SIGNATURE_MISSING");
    });

    it("refuses a malformed signature (401 REQUESTER_SIGNATURE_INVALID)", async function () {
      const pkg = await issuePackage({ known: false });
      for (const signature of ["0x1234", "not a signature", "0x" + "zz".repeat(65), "0x" + "00".repeat(65)]) {
        expectError(await send(oracle.url, "/v1/attestations/issue", { json: pkg, signature }), 401, "REQUESTER_SIGNATURE_INVALID");
      }
    });

    it("refuses a package signed by someone other than the payer (403 REQUESTER_NOT_PAYER), and records who asked", async function () {
      const pkg = await issuePackage();
      for (const signer of [c.actors.supplierA, c.actors.outsider, c.actors.coreB]) {
        const answer = await ask("issue", pkg, signer);
        expectError(answer, 403, "REQUESTER_NOT_PAYER");
        expect(answer.body.error.message).to.contain(signer.address).and.contain(c.actors.coreA.address);
        const record = await auditRecord(answer.body.requestId);
        expect(record).to.include({ outcome: "refused", errorCode: "REQUESTER_NOT_PAYER", httpStatus: 403, requester: signer.address });
      }
      // A signature over another body (here: the payer's signature of a different package) does not carry over.
      const signature = await c.actors.coreA.signMessage(canonicalJson({ ...pkg, amount: "1.00" }));
      expectError(await send(oracle.url, "/v1/attestations/issue", { json: pkg, signature }), 403, "REQUESTER_NOT_PAYER");
      // The payer's own signature is accepted: the same package is then attested.
      const ok = await ask("issue", pkg, c.actors.coreA);
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    });
  });

  // ------------------------------------------------------------------------------------- trade checks

  describe("trade checks (422 TRADE_CHECKS_FAILED)", function () {
    async function expectRefused(kind: "issue" | "transfer", body: unknown, signer: Signer, failures: Array<[string, string]>): Promise<Answer> {
      const answer = await ask(kind, body, signer);
      expectError(answer, 422, "TRADE_CHECKS_FAILED", failures);
      return answer;
    }

    it("USCC_INVALID: a payee whose USCC fails its check character", async function () {
      const pkg = await issuePackage({}, { payeeUscc: INVALID_USCC });
      await expectRefused("issue", pkg, c.actors.coreA, [
        ["USCC_INVALID", "/payeeUscc"],
        ["INVOICE_SELLER_MISMATCH", "/invoices/0/sellerUscc"],
      ]);
    });

    it("PARTY_NOT_MEMBER: a payee with a valid USCC that is no member", async function () {
      const stranger = testUscc(4_242);
      const documents = await trade(stranger, uscc(c.actors.coreA), MILLION_CNY);
      const pkg = await issuePackage({}, { ...documents, payeeUscc: stranger });
      await expectRefused("issue", pkg, c.actors.coreA, [["PARTY_NOT_MEMBER", "/payeeUscc"]]);
    });

    it("RELATED_PARTIES: payer and payee in the same related-party group (R15)", async function () {
      const { coreA, supplierC } = c.actors;
      await c.contracts.registry.setRelatedPartyGroup(coreA.address, 42);
      await c.contracts.registry.setRelatedPartyGroup(supplierC.address, 42);
      try {
        const pkg = await issuePackage({ payee: supplierC });
        await expectRefused("issue", pkg, coreA, [["RELATED_PARTIES", "/payeeUscc"]]);
      } finally {
        await c.contracts.registry.setRelatedPartyGroup(coreA.address, 0);
        await c.contracts.registry.setRelatedPartyGroup(supplierC.address, 0);
      }
    });

    it("INVOICE_TOTAL_MISMATCH: net plus tax is not the total", async function () {
      const pkg = await issuePackage({ change: (documents) => void (documents.invoices[0].tax = "1.00") });
      await expectRefused("issue", pkg, c.actors.coreA, [["INVOICE_TOTAL_MISMATCH", "/invoices/0/total"]]);
    });

    it("INVOICE_SELLER_MISMATCH: the invoice was issued by another member than the payee", async function () {
      const other = uscc(c.actors.supplierB);
      const pkg = await issuePackage({ change: (documents) => void (documents.invoices[0].sellerUscc = other) });
      await expectRefused("issue", pkg, c.actors.coreA, [["INVOICE_SELLER_MISMATCH", "/invoices/0/sellerUscc"]]);
    });

    it("AMOUNT_EXCEEDS_INVOICES: the amount is more than the invoices' total (R3)", async function () {
      const pkg = await issuePackage({ change: (documents) => void (documents.contract.amount = "2000000.00") }, { amount: "1000000.01" });
      await expectRefused("issue", pkg, c.actors.coreA, [["AMOUNT_EXCEEDS_INVOICES", "/amount"]]);
    });

    it("PREPAYMENT_TRADE: a contract paid in advance (R1)", async function () {
      const pkg = await issuePackage({}, { paymentTerms: { type: "prepayment", days: 0 } });
      await expectRefused("issue", pkg, c.actors.coreA, [["PREPAYMENT_TRADE", "/paymentTerms/type"]]);
    });

    it("DELIVERY_MISSING: no delivery evidence (R1)", async function () {
      const pkg = await issuePackage({}, { delivery: [] });
      await expectRefused("issue", pkg, c.actors.coreA, [["DELIVERY_MISSING", "/delivery"]]);
    });

    it("DATE_IN_FUTURE: a delivery dated after today (China Standard Time)", async function () {
      const future = await dayFromToday(3);
      const pkg = await issuePackage({ change: (documents) => void (documents.delivery[0].date = future) });
      await expectRefused("issue", pkg, c.actors.coreA, [["DATE_IN_FUTURE", "/delivery/0/date"]]);
    });

    it("TERM_TOO_LONG: a maturity more than a year away (R4)", async function () {
      const pkg = await issuePackage({}, { maturity: (await oracleNow()) + 400 * 86_400 });
      await expectRefused("issue", pkg, c.actors.coreA, [["TERM_TOO_LONG", "/maturity"]]);
    });

    it("DEADLINE_TOO_FAR: an attestation asked to live longer than the oracle allows", async function () {
      const pkg = await issuePackage({}, { deadline: (await oracleNow()) + 2 * 3_600 });
      await expectRefused("issue", pkg, c.actors.coreA, [["DEADLINE_TOO_FAR", "/deadline"]]);
    });

    it("INVOICE_NOT_VERIFIED: an invoice the tax authority's records do not hold", async function () {
      const pkg = await issuePackage({ known: false });
      await seedStore(oracle.store, { deliveries: pkg.delivery });
      await expectRefused("issue", pkg, c.actors.coreA, [["INVOICE_NOT_VERIFIED", "/invoices/0"]]);
    });

    it("INVOICE_ALREADY_USED: an invoice that already backs a voucher on the ledger (R2)", async function () {
      const { coreA } = c.actors;
      const pkg = await issuePackage({ payee: c.actors.supplierB });
      const attested = await ask("issue", pkg, coreA);
      expect(attested.status, JSON.stringify(attested.body)).to.equal(200);
      await submitIssue(coreA, attested.body.attestation);

      // Asked again, the same package is no longer replayed: its invoice is used.
      await expectRefused("issue", pkg, coreA, [["INVOICE_ALREADY_USED", "/invoices/0/number"]]);
      await expectRefused("issue", { ...pkg, amount: "900000.00" }, coreA, [["INVOICE_ALREADY_USED", "/invoices/0/number"]]);
    });

    it("INVOICE_RESERVED: an invoice held by the pending attestation of a different package (R2)", async function () {
      const { coreA } = c.actors;
      const pkg = await issuePackage({ payee: c.actors.supplierC });
      const attested = await ask("issue", pkg, coreA);
      expect(attested.status, JSON.stringify(attested.body)).to.equal(200);
      const other = await expectRefused("issue", { ...pkg, amount: "900000.00" }, coreA, [["INVOICE_RESERVED", "/invoices/0/number"]]);
      // The first package itself is still answered (replayed).
      const again = await ask("issue", pkg, coreA);
      expect(again.status).to.equal(200);
      expect(again.body.replayed).to.equal(true);

      const record = await auditRecord(other.body.requestId);
      expect(record).to.include({ outcome: "refused", errorCode: "TRADE_CHECKS_FAILED", httpStatus: 422, requester: coreA.address });
      expect(record.failures.map((failure: { code: string }) => failure.code)).to.deep.equal(["INVOICE_RESERVED"]);
      expect(record.packageHash).to.match(/^0x[0-9a-f]{64}$/).and.not.equal(attested.body.attestation.message.packageHash);
    });

    it("PIECE_NOT_HELD_BY_PAYER: a transfer of a piece the payer does not hold", async function () {
      const { supplierA, supplierB, supplierC } = c.actors;
      const root = await issueVoucher(ethers, c, { holder: supplierA });
      const pkg = await transferPackage(root, supplierB, supplierC, 40_000_000n);
      await expectRefused("transfer", pkg, supplierB, [["PIECE_NOT_HELD_BY_PAYER", "/pieceId"]]);
    });

    it("PIECE_NOT_FOUND: a transfer of a piece that does not exist, even one beyond uint256", async function () {
      const { supplierA, supplierB } = c.actors;
      const pkg = await transferPackage(123_456_789n << 16n, supplierA, supplierB, 40_000_000n);
      await expectRefused("transfer", pkg, supplierA, [["PIECE_NOT_FOUND", "/pieceId"]]);
      await expectRefused("transfer", { ...pkg, pieceId: "9".repeat(78) }, supplierA, [["PIECE_NOT_FOUND", "/pieceId"]]);
    });

    it("reports several failures of one package together", async function () {
      const now = await oracleNow();
      const pkg = await issuePackage(
        {},
        { delivery: [], paymentTerms: { type: "prepayment", days: 0 }, maturity: now + 400 * 86_400, deadline: now + 3 * 3_600 },
      );
      const answer = await expectRefused("issue", pkg, c.actors.coreA, [
        ["DELIVERY_MISSING", "/delivery"],
        ["PREPAYMENT_TRADE", "/paymentTerms/type"],
        ["DEADLINE_TOO_FAR", "/deadline"],
        ["TERM_TOO_LONG", "/maturity"],
      ]);
      expect(answer.body.error.message).to.contain("4 check(s) failed");
    });

    it("ISSUER_IN_DEFAULT: an issuer that left a voucher unpaid past the grace period (R11)", async function () {
      const { coreB, supplierA, supplierC } = c.actors;
      // The chain goes 5 days ahead here; the snapshot takes it (and coreB's default) back afterwards.
      const snapshot = await networkHelpers.takeSnapshot();
      const now = await latestTimestamp(ethers);
      try {
        const root = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierC, maturity: now + DAY });
        // Maturity plus the 3-day grace period; the oracle judges by the later of wall clock and chain.
        await networkHelpers.time.increase(5n * DAY);
        await c.contracts.ledger.connect(supplierC).markOverdue(root >> 16n);
        expect((await c.contracts.ledger.memberOf(coreB.address)).defaulted).to.equal(true);
        const pkg = await issuePackage({ payer: coreB, payee: supplierA });
        await expectRefused("issue", pkg, coreB, [["ISSUER_IN_DEFAULT", "/payerUscc"]]);
      } finally {
        await snapshot.restore();
      }
      expect((await c.contracts.ledger.memberOf(coreB.address)).defaulted).to.equal(false);
      expect(await latestTimestamp(ethers)).to.be.lessThan(now + DAY);
    });
  });

  // --------------------------------------------------------------------------------- audit and meta

  describe("audit records, OpenAPI, health", function () {
    it("keeps a refused request as 'refused' with its failure codes, and a malformed one as 'rejected'", async function () {
      const { coreA } = c.actors;
      const before = await oracle.store.countRequests();

      const refused = await ask("issue", await issuePackage({}, { delivery: [], paymentTerms: { type: "prepayment", days: 0 } }), coreA);
      expect(refused.status).to.equal(422);
      const refusedRecord = await auditRecord(refused.body.requestId);
      expect(refusedRecord).to.include({
        id: refused.body.requestId,
        route: "/v1/attestations/issue",
        outcome: "refused",
        errorCode: "TRADE_CHECKS_FAILED",
        httpStatus: 422,
        requester: coreA.address,
      });
      expect(refusedRecord.failures.map((failure: { code: string }) => failure.code)).to.deep.equal(["DELIVERY_MISSING", "PREPAYMENT_TRADE"]);
      expect(refusedRecord.packageHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Date.parse(refusedRecord.receivedAt)).to.be.closeTo(Date.now(), 60_000);
      // The documents themselves are not shown.
      expect(refusedRecord).to.not.have.property("body");
      expect(refusedRecord).to.not.have.property("attestation");

      const malformed = await ask("transfer", { pieceId: "x" }, coreA);
      expect(malformed.status).to.equal(400);
      const malformedRecord = await auditRecord(malformed.body.requestId);
      expect(malformedRecord).to.include({ outcome: "rejected", errorCode: "REQUEST_INVALID", httpStatus: 400, route: "/v1/attestations/transfer", requester: null, packageHash: null });
      expect(malformedRecord.failures.map((failure: { code: string }) => failure.code)).to.include("SCHEMA_VIOLATION");
      expect(malformedRecord.failures.map((failure: { path: string }) => failure.path)).to.include.members(["/pieceId", "/payerUscc", "/invoices"]);

      const notJson = await send(oracle.url, "/v1/attestations/issue", { raw: "{{" });
      expect((await auditRecord(notJson.body.requestId))).to.include({ outcome: "rejected", errorCode: "BODY_NOT_JSON", httpStatus: 400 });
      const unsigned = await send(oracle.url, "/v1/attestations/issue", { json: await issuePackage({ known: false }) });
      expect((await auditRecord(unsigned.body.requestId))).to.include({ outcome: "rejected", errorCode: "REQUESTER_SIGNATURE_MISSING", httpStatus: 401 });

      const after = await oracle.store.countRequests();
      expect(after.refused).to.equal(before.refused + 1);
      expect(after.rejected).to.equal(before.rejected + 3);
      expect(after.attested).to.equal(before.attested);
      // The stored row keeps the body as received, for the auditors.
      const stored = await oracle.store.requestById(notJson.body.requestId);
      expect(stored?.body).to.equal(JSON.stringify("{{"));
    });

    it("serves an OpenAPI 3 document with both attestation routes and their request body schemas", async function () {
      const answer = await send(oracle.url, "/openapi.json", { method: "GET", contentType: null });
      expect(answer.status).to.equal(200);
      const doc = answer.body;
      expect(doc.openapi).to.match(/^3\./);
      expect(doc.info.title).to.be.a("string").and.not.equal("");
      for (const [route, schema] of [
        ["/v1/attestations/issue", issuePackageSchema],
        ["/v1/attestations/transfer", transferPackageSchema],
      ] as const) {
        const operation = doc.paths[route]?.post;
        expect(operation, route).to.be.an("object");
        const body = operation.requestBody.content["application/json"].schema;
        expect(body.type).to.equal("object");
        expect(body.additionalProperties).to.equal(false);
        expect(body.required).to.have.members([...schema.required]);
        expect(Object.keys(body.properties)).to.have.members(Object.keys(schema.properties));
        expect(body.properties.invoices.items.required).to.include.members(["number", "total", "sellerUscc", "buyerUscc"]);
        expect(operation.responses["200"]).to.be.an("object");
        expect(operation.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`)).to.include(
          `header:${REQUESTER_SIGNATURE_HEADER}`,
        );
      }
      expect(doc.paths["/v1/attestations/transfer"].post.requestBody.content["application/json"].schema.properties.pieceId.pattern).to.equal("^[0-9]{1,78}$");
      expect(doc.paths["/v1/health"]).to.be.an("object");
      expect(doc.paths["/v1/requests/{id}"]).to.be.an("object");
    });

    it("answers /v1/health with status ok and its signer", async function () {
      const answer = await send(oracle.url, "/v1/health", { method: "GET", contentType: null });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({
        status: "ok",
        signer: oracle.signer,
        chainId: (await ethers.provider.getNetwork()).chainId.toString(),
        ledgerAddress: await c.contracts.ledger.getAddress(),
        attestationLifetimeSeconds: 3_600,
      });
      expect(answer.body.signer).to.equal(oracles.wallets[0].address);
      expect(answer.body.requests).to.deep.equal(await oracle.store.countRequests());
    });
  });

  // ------------------------------------------------------------------------------------- outages

  describe("verifier outage", function () {
    it("answers 503 VERIFIER_UNAVAILABLE when the invoice service cannot be reached, and signs nothing", async function () {
      const wallet = Wallet.createRandom();
      await c.contracts.registry.registerMember(wallet.address, usccToBytes18(testUscc(4_343)), MemberRole.Oracle, 0);
      const secret = hexlify(randomBytes(32));
      const config = resolveOracleConfig(
        {
          listen: { port: 0 },
          chain: { rpcUrl: "http://in-process.invalid", ledgerAddress: await c.contracts.ledger.getAddress() },
          signer: { privateKeyEnv: "ORACLE_KEY" },
          documentKeySecretEnv: "DOCUMENT_KEY_SECRET",
          database: { kind: "pglite-memory" },
          verifiers: { invoices: { kind: "http", url: "http://127.0.0.1:1/verify", timeoutMs: 500 } },
        },
        { ORACLE_KEY: wallet.privateKey, DOCUMENT_KEY_SECRET: secret },
        process.cwd(),
      );
      expect(config.verifiers.invoices).to.deep.include({ kind: "http", url: "http://127.0.0.1:1/verify", timeoutMs: 500 });
      const outage = await startOracle(config, { provider: ethers.provider });
      try {
        const pkg = await issuePackage();
        await seedStore(outage.store, { deliveries: pkg.delivery });
        const answer = await ask("issue", pkg, c.actors.coreA, outage.url);
        expectError(answer, 503, "VERIFIER_UNAVAILABLE");
        expect(answer.body.error.message).to.contain("127.0.0.1:1");

        expect(await outage.store.countRequests()).to.deep.equal({ attested: 0, refused: 0, rejected: 1 });
        const record = await outage.store.requestById(answer.body.requestId);
        expect(record).to.include({ outcome: "rejected", errorCode: "VERIFIER_UNAVAILABLE", httpStatus: 503, attestation: null });
        // No invoice was reserved: the package can be attested elsewhere (or here, once the service is back).
        const documentKey = documentKeyOf(Buffer.from(secret.slice(2), "hex"), invoiceKeyOf(pkg.invoices[0])!);
        expect((await outage.store.activeReservations([documentKey], await oracleNow())).size).to.equal(0);

        // The healthy oracle attests the same package.
        const healthy = await ask("issue", pkg, c.actors.coreA);
        expect(healthy.status, JSON.stringify(healthy.body)).to.equal(200);
      } finally {
        await outage.close();
      }
    });
  });
});
