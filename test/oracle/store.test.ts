/**
 * The oracle's store on a real database on disk (PGlite in a temporary directory): migrations, durability
 * across a restart, all-or-nothing reservations with expiry and under concurrency, replayed attestations,
 * hostile text in bodies. And the keyed hashes that turn invoices into on-chain document keys.
 */
import { expect } from "chai";
import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBytes, hexlify, randomBytes } from "ethers";
import { OracleStore, type RequestRecord } from "../../src/oracle/store/oracleStore.js";
import { openSqlClient, type SqlClient } from "../../src/storage/sqlClient.js";
import { canonicalJson, documentKeyOf, MIN_SECRET_BYTES, packageHashOf } from "../../src/oracle/keyedHash.js";
import { sampleTradeDocuments } from "../../src/oracle/package/sampleDocuments.js";
import type { VatInvoice } from "../../src/oracle/package/types.js";
import { invoiceKeyOf } from "../../src/oracle/checks/invoice.js";

const NOW = 1_790_000_000;
const HOUR = 3_600;

function requestRecord(overrides: Partial<RequestRecord> & { id: string }): RequestRecord {
  return {
    route: "/v1/attestations/issue",
    requester: "0x1000000000000000000000000000000000000001",
    httpStatus: 200,
    outcome: "attested",
    errorCode: null,
    failures: null,
    body: JSON.stringify({ amount: "1130000.00" }),
    packageHash: null,
    attestation: null,
    ...overrides,
  };
}

const key = (label: string) => "0x" + Buffer.from(label.padEnd(32, ".")).toString("hex");

describe("oracle store on PGlite (a database on disk)", function () {
  this.timeout(60_000);
  let dir: string;
  let dataDir: string;
  let sql: SqlClient;
  let store: OracleStore;

  async function open(): Promise<void> {
    sql = await openSqlClient({ kind: "pglite", dataDir });
    store = new OracleStore(sql);
    await store.migrate();
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "evoucher-oracle-store-"));
    dataDir = join(dir, "oracle-db");
    await open();
  });

  after(async function () {
    await store?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("migrates idempotently: the tables exist once and the rows survive a second migration", async function () {
    await store.recordRequest(requestRecord({ id: "migrate-1" }));
    await store.migrate();
    await store.migrate();
    const tables = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((row) => row.table_name)).to.deep.equal(["invoice_reservations", "known_deliveries", "known_invoices", "oracle_requests"]);
    expect((await store.requestById("migrate-1"))?.id).to.equal("migrate-1");
  });

  it("keeps every record across closing and reopening the same directory", async function () {
    const invoice = sampleTradeDocuments({ sellerUscc: "91512081MA62K0260E", buyerUscc: "91350200776049653A", total: 113_000_000n, today: NOW }).invoices[0];
    const invoiceKey = invoiceKeyOf(invoice)!;
    const attestation = { signer: "0x2000000000000000000000000000000000000002", signature: "0x" + "ab".repeat(65), deadline: NOW + HOUR };
    await store.recordRequest(
      requestRecord({ id: "durable-1", packageHash: "0x" + "11".repeat(32), attestation }),
    );
    await store.recordRequest(
      requestRecord({
        id: "durable-2",
        httpStatus: 422,
        outcome: "refused",
        errorCode: "TRADE_CHECKS_FAILED",
        failures: [{ code: "INVOICE_TOTAL_MISMATCH", path: "/invoices/0/total", message: "does not add up" }],
      }),
    );
    await store.putKnownInvoice(invoiceKey, invoice, true);
    await store.putKnownDelivery("0x" + "CD".repeat(32), "waybill", "2026-09-01");
    expect(await store.reserve([key("durable")], "durable-1", "0x" + "11".repeat(32), NOW + HOUR, NOW)).to.deep.equal({ reserved: true });
    const countsBefore = await store.countRequests();

    await store.close();
    await open();

    const first = await store.requestById("durable-1");
    expect(first).to.not.equal(null);
    expect(first!.attestation).to.deep.equal(attestation);
    expect(first!.outcome).to.equal("attested");
    expect(first!.httpStatus).to.equal(200);
    expect(first!.requester).to.equal("0x1000000000000000000000000000000000000001");
    expect(first!.receivedAt).to.be.instanceOf(Date);
    expect(Math.abs(first!.receivedAt.getTime() - Date.now())).to.be.lessThan(120_000);
    const second = await store.requestById("durable-2");
    expect(second).to.deep.include({ httpStatus: 422, outcome: "refused", errorCode: "TRADE_CHECKS_FAILED", attestation: null, packageHash: null });
    expect(second!.failures).to.deep.equal([{ code: "INVOICE_TOTAL_MISMATCH", path: "/invoices/0/total", message: "does not add up" }]);
    expect(await store.countRequests()).to.deep.equal(countsBefore);
    expect(countsBefore.refused).to.be.greaterThanOrEqual(1);
    expect(await store.knownInvoice(invoiceKey)).to.deep.equal({ invoice, voided: true });
    expect(await store.knownDelivery("0x" + "cd".repeat(32))).to.deep.equal({ kind: "waybill", date: "2026-09-01" });
    const active = await store.activeReservations([key("durable")], NOW);
    expect(active.get(key("durable"))).to.deep.equal({
      documentKey: key("durable"),
      requestId: "durable-1",
      packageHash: "0x" + "11".repeat(32),
      reservedUntil: NOW + HOUR,
    });
  });

  it("counts requests by outcome", async function () {
    const before = await store.countRequests();
    await store.recordRequest(requestRecord({ id: "count-1", outcome: "rejected", httpStatus: 400, errorCode: "REQUEST_INVALID" }));
    await store.recordRequest(requestRecord({ id: "count-2", outcome: "rejected", httpStatus: 415, errorCode: "UNSUPPORTED_MEDIA_TYPE" }));
    await store.recordRequest(requestRecord({ id: "count-3", outcome: "attested" }));
    expect(await store.countRequests()).to.deep.equal({ attested: before.attested + 1, refused: before.refused, rejected: before.rejected + 2 });
    expect(await store.requestById("no-such-request")).to.equal(null);
  });

  describe("reserve", function () {
    it("is all-or-nothing: one key taken means nothing is reserved, and the conflict is named", async function () {
      const [a, b, c] = [key("all-a"), key("all-b"), key("all-c")];
      expect(await store.reserve([b], "first", "0xp1", NOW + HOUR, NOW)).to.deep.equal({ reserved: true });
      expect(await store.reserve([a, b, c], "second", "0xp2", NOW + HOUR, NOW)).to.deep.equal({ reserved: false, conflicts: [b] });
      const active = await store.activeReservations([a, b, c], NOW);
      expect([...active.keys()]).to.deep.equal([b]);
      expect(active.get(b)?.requestId).to.equal("first");
      // a and c were not left behind: a third request gets them.
      expect(await store.reserve([a, c], "third", "0xp3", NOW + HOUR, NOW)).to.deep.equal({ reserved: true });
    });

    it("lists every conflicting key", async function () {
      const [a, b, c] = [key("many-a"), key("many-b"), key("many-c")];
      await store.reserve([a], "first", "0xp1", NOW + HOUR, NOW);
      await store.reserve([c], "other", "0xp9", NOW + HOUR, NOW);
      const result = await store.reserve([a, b, c], "second", "0xp2", NOW + HOUR, NOW);
      expect(result).to.deep.equal({ reserved: false, conflicts: [a, c] });
      expect((await store.activeReservations([b], NOW)).size).to.equal(0);
    });

    it("lets another request take a reservation once it has expired, and not a second before", async function () {
      const k = key("expiry");
      const until = NOW + 60;
      expect(await store.reserve([k], "early", "0xpe", until, NOW)).to.deep.equal({ reserved: true });
      expect(await store.reserve([k], "late", "0xpl", NOW + 2 * HOUR, until - 1)).to.deep.equal({ reserved: false, conflicts: [k] });
      expect((await store.activeReservations([k], until - 1)).get(k)?.requestId).to.equal("early");
      // At its deadline the reservation is no longer in force.
      expect((await store.activeReservations([k], until)).size).to.equal(0);
      expect(await store.reserve([k], "late", "0xpl", NOW + 2 * HOUR, until)).to.deep.equal({ reserved: true });
      expect(await store.activeReservations([k], until)).to.deep.equal(
        new Map([[k, { documentKey: k, requestId: "late", packageHash: "0xpl", reservedUntil: NOW + 2 * HOUR }]]),
      );
    });

    it("gives a key to exactly one of several concurrent requests", async function () {
      const k = key("race");
      const requests = Array.from({ length: 8 }, (_, index) => `racer-${index}`);
      const results = await Promise.all(requests.map((id) => store.reserve([k], id, `0xpkg-${id}`, NOW + HOUR, NOW)));
      const winners = requests.filter((_, index) => results[index].reserved);
      expect(winners).to.have.length(1);
      for (const result of results.filter((r) => !r.reserved)) expect(result).to.deep.equal({ reserved: false, conflicts: [k] });
      const active = await store.activeReservations([k], NOW);
      expect(active.get(k)?.requestId).to.equal(winners[0]);
      expect(active.get(k)?.packageHash).to.equal(`0xpkg-${winners[0]}`);
    });

    it("never gives two concurrent requests with overlapping keys a share each", async function () {
      const [a, b, c] = [key("overlap-a"), key("overlap-b"), key("overlap-c")];
      const [first, second] = await Promise.all([
        store.reserve([a, b], "left", "0xleft", NOW + HOUR, NOW),
        store.reserve([c, b], "right", "0xright", NOW + HOUR, NOW),
      ]);
      expect([first.reserved, second.reserved].filter(Boolean)).to.have.length(1);
      const loser = first.reserved ? second : first;
      expect(loser).to.deep.equal({ reserved: false, conflicts: [b] });
      const active = await store.activeReservations([a, b, c], NOW);
      const winner = first.reserved ? "left" : "right";
      expect(active.size).to.equal(2);
      expect([...active.values()].every((reservation) => reservation.requestId === winner)).to.equal(true);
    });

    it("lets the same package (a retry) reserve its keys again, as the attestor counts them unused", async function () {
      const [a, b] = [key("retry-a"), key("retry-b")];
      expect(await store.reserve([a, b], "attempt-1", "0xsame", NOW + HOUR, NOW)).to.deep.equal({ reserved: true });
      expect(await store.reserve([a, b], "attempt-2", "0xsame", NOW + HOUR, NOW + 5)).to.deep.equal({ reserved: true });
      expect((await store.activeReservations([a], NOW + 5)).get(a)).to.deep.equal({ documentKey: a, requestId: "attempt-2", packageHash: "0xsame", reservedUntil: NOW + HOUR });
      // Another package still cannot have them.
      expect(await store.reserve([b], "intruder", "0xother", NOW + HOUR, NOW + 5)).to.deep.equal({ reserved: false, conflicts: [b] });
    });

    it("reserves nothing and succeeds for an empty list", async function () {
      expect(await store.reserve([], "empty", "0xpempty", NOW + HOUR, NOW)).to.deep.equal({ reserved: true });
      expect((await store.activeReservations([], NOW)).size).to.equal(0);
    });
  });

  describe("attestationForPackage", function () {
    it("returns the attestation given for exactly this package, and only an attested one", async function () {
      const hash = "0x" + "77".repeat(32);
      const refusedOnly = "0x" + "78".repeat(32);
      const attestation = { signer: "0x3000000000000000000000000000000000000003", signature: "0x" + "cd".repeat(65), deadline: NOW + HOUR };
      await store.recordRequest(requestRecord({ id: "pkg-refused", outcome: "refused", httpStatus: 422, errorCode: "TRADE_CHECKS_FAILED", packageHash: hash, failures: [] }));
      expect(await store.attestationForPackage(hash)).to.equal(null);
      await store.recordRequest(requestRecord({ id: "pkg-attested", packageHash: hash, attestation }));
      expect(await store.attestationForPackage(hash)).to.deep.equal(attestation);
      await store.recordRequest(requestRecord({ id: "pkg-refused-2", outcome: "refused", httpStatus: 422, errorCode: "TRADE_CHECKS_FAILED", packageHash: refusedOnly, failures: [] }));
      expect(await store.attestationForPackage(refusedOnly)).to.equal(null);
      expect(await store.attestationForPackage("0x" + "79".repeat(32))).to.equal(null);
    });
  });

  describe("hostile text", function () {
    it('records and reads back bodies and failures holding "\\u0000" and lone surrogates, as JSON text', async function () {
      const hostile = { number: "2644\u00000000", note: "lone \ud800 high, lone \udfff low, pair \ud83d\ude00", nested: ["\u0000", "\ud800"] };
      const body = JSON.stringify(hostile);
      // Well-formed JSON.stringify escapes both: the text stored is plain, storable ASCII for them.
      expect(body).to.include("\\u0000");
      expect(body).to.include("\\ud800");
      const failures = [{ code: "INVOICE_NUMBER_INVALID", path: "/invoices/0/number", message: `Invoice number "2644\u00000000\udfff" is neither 20 digits nor 8 digits.` }];
      await store.recordRequest(
        requestRecord({ id: "hostile-1", httpStatus: 422, outcome: "refused", errorCode: "TRADE_CHECKS_FAILED", body, failures }),
      );
      const rejectedBody = JSON.stringify('{"number": "\u0000\ud800'.slice(0, 65_536));
      await store.recordRequest(requestRecord({ id: "hostile-2", httpStatus: 400, outcome: "rejected", errorCode: "BODY_NOT_JSON", body: rejectedBody }));

      const stored = await store.requestById("hostile-1");
      expect(stored!.body).to.equal(body);
      expect(JSON.parse(stored!.body!)).to.deep.equal(hostile);
      expect(stored!.failures).to.deep.equal(failures);
      const rejected = await store.requestById("hostile-2");
      expect(JSON.parse(rejected!.body!)).to.equal('{"number": "\u0000\ud800');
    });

    it("stores invoices with unusual text intact", async function () {
      const invoice: VatInvoice = {
        number: "26440000000000000001",
        type: "81",
        issueDate: "2026-01-05",
        net: "100.00",
        tax: "13.00",
        total: "113.00",
        sellerUscc: "卖方\u0000\ud800",
        buyerUscc: "91350200776049653A",
      };
      await store.putKnownInvoice("digital:26440000000000000001", invoice);
      expect(await store.knownInvoice("digital:26440000000000000001")).to.deep.equal({ invoice, voided: false });
      // An upsert replaces the record and the voided flag.
      await store.putKnownInvoice("digital:26440000000000000001", { ...invoice, total: "113.01" }, true);
      expect(await store.knownInvoice("digital:26440000000000000001")).to.deep.equal({ invoice: { ...invoice, total: "113.01" }, voided: true });
    });
  });
});

describe("keyed hashes", function () {
  const secret = getBytes("0x" + "5a".repeat(MIN_SECRET_BYTES));
  const otherSecret = getBytes("0x" + "5b".repeat(MIN_SECRET_BYTES));

  it("maps the same invoice key and secret to the same document key, whoever computes it", function () {
    const first = documentKeyOf(secret, "digital:26442000000012345678");
    const second = documentKeyOf(Uint8Array.from(secret), "digital:26442000000012345678");
    expect(first).to.equal(second);
    expect(first).to.match(/^0x[0-9a-f]{64}$/);
    // HMAC-SHA256 keyed with the secret over "<domain>\0<invoice key>": what another implementation must compute.
    const expected = "0x" + createHmac("sha256", secret).update("evoucher/document-key/v1\0digital:26442000000012345678").digest("hex");
    expect(first).to.equal(expected);
  });

  it("gives another document key under another secret, or for another invoice", function () {
    const invoiceKey = "legacy:4400231130:12345678";
    expect(documentKeyOf(otherSecret, invoiceKey)).to.not.equal(documentKeyOf(secret, invoiceKey));
    expect(documentKeyOf(secret, "legacy:4400231130:12345679")).to.not.equal(documentKeyOf(secret, invoiceKey));
    const random = getBytes(hexlify(randomBytes(32)));
    expect(documentKeyOf(random, invoiceKey)).to.not.equal(documentKeyOf(secret, invoiceKey));
  });

  it("separates document keys from package hashes over the same text", function () {
    const tradePackage = { amount: "113.00" };
    expect(packageHashOf(secret, tradePackage)).to.not.equal(documentKeyOf(secret, canonicalJson(tradePackage)));
  });

  it("canonicalJson ignores key order at every level and keeps array order", function () {
    const a = { payerUscc: "X", invoices: [{ number: "1", total: "2.00" }, { total: "3.00", number: "2" }], contract: { id: "HT-1", amount: "5.00" } };
    const b = { contract: { amount: "5.00", id: "HT-1" }, invoices: [{ total: "2.00", number: "1" }, { number: "2", total: "3.00" }], payerUscc: "X" };
    expect(canonicalJson(a)).to.equal(canonicalJson(b));
    expect(canonicalJson(a)).to.equal(
      '{"contract":{"amount":"5.00","id":"HT-1"},"invoices":[{"number":"1","total":"2.00"},{"number":"2","total":"3.00"}],"payerUscc":"X"}',
    );
    expect(packageHashOf(secret, a)).to.equal(packageHashOf(secret, b));
    const reordered = { ...a, invoices: [a.invoices[1], a.invoices[0]] };
    expect(canonicalJson(reordered)).to.not.equal(canonicalJson(a));
    expect(packageHashOf(secret, reordered)).to.not.equal(packageHashOf(secret, a));
    expect(packageHashOf(otherSecret, a)).to.not.equal(packageHashOf(secret, a));
  });

  it("canonicalJson keeps a \"__proto__\" key as data, so it cannot vanish from a signed or hashed package", function () {
    const withProto = JSON.parse('{"b":2,"__proto__":{"x":1}}');
    expect(canonicalJson(withProto)).to.equal('{"__proto__":{"x":1},"b":2}');
    expect(canonicalJson(withProto)).to.not.equal(canonicalJson({ b: 2 }));
  });
});
