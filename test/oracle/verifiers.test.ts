/**
 * The verifiers: the offline ones against the oracle's records (an embedded database), and the HTTP
 * adapters against a real HTTP server on 127.0.0.1 that answers each verdict — and fails in each way an
 * outage can look, every one of which must be VERIFIER_UNAVAILABLE, never a verdict.
 */
import { expect } from "chai";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { invoiceKeyOf } from "../../src/oracle/checks/invoice.js";
import { sampleTradeDocuments } from "../../src/oracle/package/sampleDocuments.js";
import type { DeliveryEvidence, VatInvoice } from "../../src/oracle/package/types.js";
import { OracleStore } from "../../src/oracle/store/oracleStore.js";
import { openSqlClient } from "../../src/storage/sqlClient.js";
import { HttpDeliveryVerifier, HttpInvoiceVerifier } from "../../src/oracle/verifiers/httpVerifiers.js";
import { StoreDeliveryVerifier, StoreInvoiceVerifier } from "../../src/oracle/verifiers/storeVerifiers.js";
import { VerifierUnavailableError } from "../../src/oracle/verifiers/verifier.js";

const TODAY = 1_790_000_000;
const SELLER = "91512081MA62K0260E";
const BUYER = "91350200776049653A";

function sampleDocuments() {
  const documents = sampleTradeDocuments({ sellerUscc: SELLER, buyerUscc: BUYER, total: 113_000_000n, today: TODAY });
  return { invoice: documents.invoices[0], delivery: documents.delivery[0] };
}

async function unavailable(promise: Promise<unknown>): Promise<VerifierUnavailableError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(VerifierUnavailableError);
    expect((error as VerifierUnavailableError).code).to.equal("VERIFIER_UNAVAILABLE");
    return error as VerifierUnavailableError;
  }
  throw new Error(`expected VerifierUnavailableError, got the verdict ${JSON.stringify(outcome)}`);
}

describe("offline verifiers (the oracle's records)", function () {
  let store: OracleStore;
  let invoices: StoreInvoiceVerifier;
  let deliveries: StoreDeliveryVerifier;

  before(async function () {
    store = new OracleStore(await openSqlClient({ kind: "pglite-memory" }));
    await store.migrate();
    invoices = new StoreInvoiceVerifier(store);
    deliveries = new StoreDeliveryVerifier(store);
  });

  after(async function () {
    await store.close();
  });

  describe("StoreInvoiceVerifier", function () {
    let invoice: VatInvoice;
    let key: string;

    before(async function () {
      invoice = sampleDocuments().invoice;
      key = invoiceKeyOf(invoice)!;
      await store.putKnownInvoice(key, invoice);
    });

    it("verifies an invoice on record with the same particulars", async function () {
      expect(invoices.name).to.equal("invoice records");
      expect(await invoices.verify({ ...invoice }, key)).to.deep.equal({ status: "verified" });
    });

    it("verifies amounts written differently but equal to the fen", async function () {
      expect(invoice.total).to.equal("1130000.00");
      expect(await invoices.verify({ ...invoice, total: "1130000" }, key)).to.deep.equal({ status: "verified" });
      expect(await invoices.verify({ ...invoice, total: "1130000.0" }, key)).to.deep.equal({ status: "verified" });
    });

    it("answers not-found for an invoice that is not on record", async function () {
      const other = sampleDocuments().invoice;
      expect(await invoices.verify(other, invoiceKeyOf(other)!)).to.deep.equal({ status: "not-found" });
    });

    it("answers voided for a voided invoice, whatever its particulars", async function () {
      const voided = sampleDocuments().invoice;
      const voidedKey = invoiceKeyOf(voided)!;
      await store.putKnownInvoice(voidedKey, voided, true);
      expect(await invoices.verify(voided, voidedKey)).to.deep.equal({ status: "voided" });
      expect(await invoices.verify({ ...voided, total: "1.00" }, voidedKey)).to.deep.equal({ status: "voided" });
    });

    it("answers mismatch naming each field that differs, in a fixed order", async function () {
      const verdict = await invoices.verify({ ...invoice, buyerUscc: SELLER, total: "1130000.01", issueDate: "2026-01-01" }, key);
      expect(verdict).to.deep.equal({ status: "mismatch", fields: ["issueDate", "total", "buyerUscc"] });
      expect(await invoices.verify({ ...invoice, type: "82", net: "abc" }, key)).to.deep.equal({ status: "mismatch", fields: ["type", "net"] });
      expect(await invoices.verify({ ...invoice, tax: "130000.10", sellerUscc: BUYER }, key)).to.deep.equal({ status: "mismatch", fields: ["tax", "sellerUscc"] });
    });
  });

  describe("StoreDeliveryVerifier", function () {
    let delivery: DeliveryEvidence;

    before(async function () {
      delivery = sampleDocuments().delivery;
      await store.putKnownDelivery(delivery.documentHash, delivery.kind, delivery.date);
    });

    it("verifies a delivery document on record, whatever the case of its hash", async function () {
      expect(deliveries.name).to.equal("delivery records");
      expect(await deliveries.verify({ ...delivery })).to.deep.equal({ status: "verified" });
      expect(await deliveries.verify({ ...delivery, documentHash: "0x" + delivery.documentHash.slice(2).toUpperCase() })).to.deep.equal({ status: "verified" });
    });

    it("answers not-found for a document that is not on record", async function () {
      expect(await deliveries.verify({ ...delivery, documentHash: "0x" + "00".repeat(32) })).to.deep.equal({ status: "not-found" });
    });

    it("answers mismatch naming the kind and the date when they differ", async function () {
      expect(await deliveries.verify({ ...delivery, kind: "waybill" })).to.deep.equal({ status: "mismatch", fields: ["kind"] });
      expect(await deliveries.verify({ ...delivery, date: "2020-01-01" })).to.deep.equal({ status: "mismatch", fields: ["date"] });
      expect(await deliveries.verify({ ...delivery, kind: "warehouse-receipt", date: "2020-01-01" })).to.deep.equal({
        status: "mismatch",
        fields: ["kind", "date"],
      });
    });
  });
});

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

describe("HTTP verifiers against a real local service", function () {
  this.timeout(20_000);
  let server: Server;
  let base: string;
  let host: string;
  let refusedUrl: string;
  const received: ReceivedRequest[] = [];
  const { invoice, delivery } = sampleDocuments();

  before(async function () {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: text === "" ? null : JSON.parse(text) });
        const json = (status: number, answer: unknown) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(answer));
        };
        switch (request.url) {
          case "/verified":
            return json(200, { status: "verified" });
          case "/not-found":
            return json(200, { status: "not-found" });
          case "/voided":
            return json(200, { status: "voided" });
          case "/mismatch":
            return json(200, { status: "mismatch", fields: ["total", "buyerUscc"] });
          case "/mismatch-without-fields":
            return json(200, { status: "mismatch" });
          case "/error":
            return json(500, { status: "verified" });
          case "/unauthorized":
            return json(401, { status: "verified" });
          case "/not-json":
            response.writeHead(200, { "content-type": "application/json" });
            return response.end("<html>maintenance</html>");
          case "/unknown-status":
            return json(200, { status: "probably-fine" });
          case "/no-status":
            return json(200, { verdict: "verified" });
          case "/never":
            return; // never answers
          case "/headers-then-silence":
            response.writeHead(200, { "content-type": "application/json" });
            return response.write('{"status":');
          default:
            return json(404, { error: "no such route" });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    host = `127.0.0.1:${port}`;
    base = `http://${host}`;

    // A port nothing listens on: bind it, then let it go.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    refusedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/verify`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const invoiceVerifier = (path: string, options: { timeoutMs?: number; tokenEnv?: string; env?: NodeJS.ProcessEnv } = {}) =>
    new HttpInvoiceVerifier({ url: `${base}${path}`, timeoutMs: options.timeoutMs ?? 2_000, tokenEnv: options.tokenEnv }, options.env ?? {});
  const deliveryVerifier = (path: string, options: { timeoutMs?: number; tokenEnv?: string; env?: NodeJS.ProcessEnv } = {}) =>
    new HttpDeliveryVerifier({ url: `${base}${path}`, timeoutMs: options.timeoutMs ?? 2_000, tokenEnv: options.tokenEnv }, options.env ?? {});

  describe("verdicts", function () {
    it("passes each status the service answers for an invoice", async function () {
      expect(await invoiceVerifier("/verified").verify(invoice)).to.deep.equal({ status: "verified" });
      expect(await invoiceVerifier("/not-found").verify(invoice)).to.deep.equal({ status: "not-found" });
      expect(await invoiceVerifier("/voided").verify(invoice)).to.deep.equal({ status: "voided" });
      expect(await invoiceVerifier("/mismatch").verify(invoice)).to.deep.equal({ status: "mismatch", fields: ["total", "buyerUscc"] });
      expect(await invoiceVerifier("/mismatch-without-fields").verify(invoice)).to.deep.equal({ status: "mismatch", fields: [] });
    });

    it("passes each status the service answers for a delivery document", async function () {
      expect(await deliveryVerifier("/verified").verify(delivery)).to.deep.equal({ status: "verified" });
      expect(await deliveryVerifier("/not-found").verify(delivery)).to.deep.equal({ status: "not-found" });
      expect(await deliveryVerifier("/voided").verify(delivery)).to.deep.equal({ status: "voided" });
      expect(await deliveryVerifier("/mismatch").verify(delivery)).to.deep.equal({ status: "mismatch", fields: ["total", "buyerUscc"] });
    });

    it("POSTs { invoice } or { delivery } as JSON, with the bearer token from tokenEnv", async function () {
      received.length = 0;
      await invoiceVerifier("/verified", { tokenEnv: "INVOICE_SERVICE_TOKEN", env: { INVOICE_SERVICE_TOKEN: "s3cr3t-invoice-token" } }).verify(invoice);
      await deliveryVerifier("/verified", { tokenEnv: "LOGISTICS_TOKEN", env: { LOGISTICS_TOKEN: "logistics-token-2" } }).verify(delivery);
      await invoiceVerifier("/verified").verify(invoice);
      expect(received).to.have.length(3);
      expect(received[0]).to.deep.include({ method: "POST", url: "/verified", body: { invoice } });
      expect(received[0].headers["content-type"]).to.equal("application/json");
      expect(received[0].headers.authorization).to.equal("Bearer s3cr3t-invoice-token");
      expect(received[1]).to.deep.include({ method: "POST", body: { delivery } });
      expect(received[1].headers.authorization).to.equal("Bearer logistics-token-2");
      expect(received[2].headers.authorization).to.equal(undefined);
    });

    it("names the service by host", function () {
      expect(invoiceVerifier("/verified").name).to.equal(`invoice service ${host}`);
      expect(deliveryVerifier("/verified").name).to.equal(`logistics service ${host}`);
    });
  });

  describe("outages are never a verdict", function () {
    it("a service that never answers: VERIFIER_UNAVAILABLE after the timeout", async function () {
      const started = Date.now();
      const error = await unavailable(invoiceVerifier("/never", { timeoutMs: 200 }).verify(invoice));
      const elapsed = Date.now() - started;
      expect(elapsed).to.be.greaterThanOrEqual(150);
      expect(elapsed).to.be.lessThan(5_000);
      expect(error.verifier).to.equal(`invoice service ${host}`);
      expect(error.message).to.match(new RegExp(`^The invoice service ${host} verifier could not be reached: .*(timeout|aborted)`, "i"));
    });

    it("a service that sends headers and then stops: VERIFIER_UNAVAILABLE after the timeout", async function () {
      const started = Date.now();
      await unavailable(deliveryVerifier("/headers-then-silence", { timeoutMs: 300 }).verify(delivery));
      expect(Date.now() - started).to.be.lessThan(5_000);
    });

    it("HTTP 500 (even with a verdict in the body) and 401", async function () {
      const error = await unavailable(invoiceVerifier("/error").verify(invoice));
      expect(error.message).to.equal(`The invoice service ${host} verifier could not be reached: HTTP 500`);
      const denied = await unavailable(deliveryVerifier("/unauthorized").verify(delivery));
      expect(denied.message).to.equal(`The logistics service ${host} verifier could not be reached: HTTP 401`);
      expect((await unavailable(invoiceVerifier("/no-such-route").verify(invoice))).message).to.match(/HTTP 404$/);
    });

    it("a body that is not JSON", async function () {
      const error = await unavailable(invoiceVerifier("/not-json").verify(invoice));
      expect(error.message).to.equal(`The invoice service ${host} verifier could not be reached: the answer has no known status`);
    });

    it("an unknown status, or none", async function () {
      await unavailable(invoiceVerifier("/unknown-status").verify(invoice));
      await unavailable(deliveryVerifier("/unknown-status").verify(delivery));
      await unavailable(invoiceVerifier("/no-status").verify(invoice));
    });

    it("a connection refused", async function () {
      const verifier = new HttpInvoiceVerifier({ url: refusedUrl, timeoutMs: 2_000 }, {});
      const error = await unavailable(verifier.verify(invoice));
      expect(error.message).to.match(/^The invoice service 127\.0\.0\.1:\d+ verifier could not be reached: /);
      await unavailable(new HttpDeliveryVerifier({ url: refusedUrl, timeoutMs: 2_000 }, {}).verify(delivery));
    });
  });
});
