/**
 * The audit against a deliberately faulty event source: the honest history's logs with one fault each —
 * dropped, duplicated, altered or injected — re-encoded with the ledger's ABI. Each fault must be reported
 * as the specific invariant it breaks, with a message that names the ids and amounts; nothing else.
 */
import { expect } from "chai";
import { ethers as ethersLib, ZeroHash } from "ethers";
import { network } from "hardhat";
import { runAudit, type AuditRun } from "../../src/audit/audit.js";
import type { Log } from "../../src/audit/eventSource.js";
import { formatFinding, type Finding } from "../../src/audit/findings.js";
import { DEFAULT_POLICY, registrationNumberToBytes24 } from "../../src/sdk/constants.js";
import { argsOf, indexOf, injected, nameOf, RewritingSource, withArgs } from "./faultySource.js";
import { DAY } from "../fixtures/consortium.js";
import { audit, buildHonest, CNY, sourceFor, T0, type Connection, type Honest } from "./scenario.js";

describe("audit of a faulty event source", function () {
  let connection: Connection;
  let honest: Honest;
  let ledger: string;

  before(async function () {
    connection = await network.create();
    honest = await buildHonest(connection);
    ledger = await honest.c.contracts.ledger.getAddress();
  });

  // A fault can also look like an abnormal pattern (a depth of 6 within days is a fast chain too): these tests
  // are about what breaks, so they look at everything but the patterns.
  const auditWith = async (rewrite: (logs: Log[]) => Log[]): Promise<AuditRun> => {
    const run = await audit(connection, ledger, { wrap: (source) => new RewritingSource(source, rewrite) });
    return { ...run, findings: run.findings.filter((f) => f.category !== "pattern") };
  };
  const codes = (findings: Finding[]) => findings.map((f) => f.code);
  const describeAll = (findings: Finding[]) => findings.map(formatFinding).join("\n");
  const splitCreating = (pieceId: bigint) => (a: Record<string, unknown>) => a.pieceId === pieceId;
  const settlementOf = splitCreating;

  it("a dropped PieceSplit: the lineage of the next piece is broken, a piece index skipped, and the amounts no longer add up", async function () {
    const { toB, toC } = honest.pieces;
    const run = await auditWith((logs) => logs.filter((_, i) => i !== indexOf(logs, "PieceSplit", splitCreating(toB))));
    expect(run.findings.every((f) => f.severity === "error")).to.equal(true);
    expect(codes(run.findings)).to.include.members(["LINEAGE_UNKNOWN_PARENT", "LINEAGE_INDEX_GAP", "LINEAGE_UNKNOWN_PIECE", "CONSERVATION_BROKEN"]);
    const gap = run.findings.find((f) => f.code === "LINEAGE_INDEX_GAP")!;
    expect(gap).to.include({ voucherId: honest.v1, pieceId: toC });
    expect(gap.message).to.equal("piece 1.2 is created next in voucher 1, but piece 1.1 was never created: a PieceSplit is missing.");
    const parent = run.findings.find((f) => f.code === "LINEAGE_UNKNOWN_PARENT")!;
    expect(parent.message).to.contain("piece 1.2 is split from piece 1.1, which no earlier event created");
    const conservation = run.findings.find((f) => f.code === "CONSERVATION_BROKEN")!;
    expect(conservation.message).to.contain("the pieces of voucher 1 add up to 1,100,000.00 CNY, not the issued 1,000,000.00 CNY (+100,000.00 CNY)");
  });

  it("a duplicated PieceSettled: settled is final", async function () {
    const { toC } = honest.pieces;
    const run = await auditWith((logs) => {
      const settle = logs[indexOf(logs, "PieceSettled", settlementOf(toC))];
      return [...logs, { ...settle, logIndex: settle.logIndex + 1_000 }];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["SETTLED_NOT_FINAL"]);
    expect(run.findings[0]).to.include({ voucherId: honest.v1, pieceId: toC });
    expect(run.findings[0].message).to.match(/^piece 1\.2 is settled again \(reference 0x[0-9a-f]{64}, by 0x[0-9a-fA-F]{40}\) after it was settled at block \d+ by 0x[0-9a-fA-F]{40} with reference 0x[0-9a-f]{64}; settled is final\.$/);
    // Counted once in the statistics.
    expect(run.stats.totals.settled).to.deep.equal({ count: 3, amount: CNY(1_000_000) });
  });

  it("an altered amount: conservation breaks at that split, by exactly the change", async function () {
    const { toB } = honest.pieces;
    const run = await auditWith((logs) => {
      const i = indexOf(logs, "PieceSplit", splitCreating(toB));
      return logs.map((log, j) => (j === i ? withArgs(log, { amount: CNY(300_000) + 1n }) : log));
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["CONSERVATION_BROKEN"]);
    expect(run.findings[0].message).to.equal(
      "After the split creating piece 1.1 (300,000.01 CNY taken from piece 1.0, which held 1,000,000.00 CNY, leaving 700,000.00 CNY), the pieces of voucher 1 add up to 1,000,000.01 CNY, not the issued 1,000,000.00 CNY (+0.01 CNY).",
    );
  });

  it("an injected second pledge of a piece whose pledge is in force: double pledge, naming both banks and registrations", async function () {
    const { toB } = honest.pieces;
    const { bankX, bankY, supplierB } = honest.c.actors;
    const run = await auditWith((logs) => {
      const pledged = logs[indexOf(logs, "PiecePledged", (a) => a.pieceId === toB)];
      const second = injected("PiecePledged", [toB, bankX.address, supplierB.address, CNY(190_000), 500, 10, registrationNumberToBytes24("04868843000099990001"), 2], pledged);
      return [...logs, second];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["DOUBLE_PLEDGE"]);
    const [finding] = run.findings;
    expect(finding).to.include({ voucherId: honest.v1, pieceId: toB });
    expect(finding.message).to.contain(`piece 1.1 (200,000.00 CNY, held by ${supplierB.address}`);
    expect(finding.message).to.contain(`is pledged to ${bankX.address}`).and.contain("registration 04868843000099990001, serial 2, 190,000.00 CNY secured");
    expect(finding.message).to.contain(`pledge serial 1 to ${bankY.address}`).and.contain("registration 04868843000012340001, 150,000.00 CNY secured");
  });

  it("a settlement without a bank reference", async function () {
    const { root1 } = honest.pieces;
    const run = await auditWith((logs) => logs.map((log) => (nameOf(log) === "PieceSettled" && argsOf(log).pieceId === root1 ? withArgs(log, { bankReference: ZeroHash }) : log)));
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["SETTLEMENT_REFERENCE_MISSING"]);
    expect(run.findings[0].message).to.equal(`piece 1.0 is recorded as paid (700,000.00 CNY by ${run.model.label(honest.c.actors.bankX.address)}) without a bank payment reference (R10).`);
  });

  it("a settlement by a bank that was not the issuer's clearing bank at that time", async function () {
    const { root1 } = honest.pieces;
    const { bankX, bankY, coreA } = honest.c.actors;
    const run = await auditWith((logs) => logs.map((log) => (nameOf(log) === "PieceSettled" && argsOf(log).pieceId === root1 ? withArgs(log, { clearingBank: bankY.address }) : log)));
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["SETTLEMENT_NOT_CLEARING_BANK"]);
    expect(run.findings[0].message).to.contain(`settled by ${bankY.address}`).and.contain(`clearing bank of issuer ${coreA.address}`).and.contain(`at that time was ${bankX.address}`);
  });

  it("a transfer injected after the piece was settled: settled is final", async function () {
    const { toC } = honest.pieces;
    const { supplierC, supplierA } = honest.c.actors;
    const run = await auditWith((logs) => {
      const settle = logs[indexOf(logs, "PieceSettled", settlementOf(toC))];
      return [...logs, injected("PieceTransferred", [toC, supplierC.address, supplierA.address, 3, ethersLib.id("p"), [ethersLib.id("fresh-key")]], settle)];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["SETTLED_NOT_FINAL"]);
    expect(run.findings[0].message).to.match(/^piece 1\.2 is changed by PieceTransferred after it was settled at block \d+/);
  });

  it("a dropped VoucherIssued: the voucher ids skip one, and every event of that voucher refers to an unknown voucher", async function () {
    const run = await auditWith((logs) => logs.filter((_, i) => i !== indexOf(logs, "VoucherIssued", (a) => a.voucherId === honest.v1)));
    expect(new Set(codes(run.findings))).to.deep.equal(new Set(["VOUCHER_ID_GAP", "LINEAGE_UNKNOWN_VOUCHER"]));
    expect(run.findings.find((f) => f.code === "VOUCHER_ID_GAP")!.message).to.equal("Voucher 2 is issued next, but voucher 1 never was: its VoucherIssued is missing.");
    // 2 splits, 2 pledges, 1 release, 1 factoring, 3 settlements of voucher 1.
    expect(run.findings.filter((f) => f.code === "LINEAGE_UNKNOWN_VOUCHER")).to.have.length(9);
  });

  it("a depth beyond the policy's maximum, and not one more than the parent's", async function () {
    const { toC } = honest.pieces;
    const run = await auditWith((logs) => logs.map((log) => (nameOf(log) === "PieceSplit" && argsOf(log).pieceId === toC ? withArgs(log, { depth: 6 }) : log)));
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["DEPTH_EXCEEDED", "DEPTH_INCONSISTENT"]);
    expect(run.findings[0].message).to.equal("piece 1.2 is created at depth 6, beyond the policy's maximum depth of 5 at that time.");
  });

  it("more live pieces than the policy in force allowed", async function () {
    const run = await auditWith((logs) => {
      const policy = logs[indexOf(logs, "PolicyUpdated")];
      const tighter = { ...DEFAULT_POLICY, maxLivePieces: 2 };
      return [...logs, injected("PolicyUpdated", [tighter, honest.c.actors.admin.address], policy)];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["LIVE_PIECES_EXCEEDED"]);
    expect(run.findings[0].message).to.equal("Creating piece 1.2 gives voucher 1 3 live pieces, beyond the policy's maximum of 2 at that time.");
  });

  it("an issue beyond the issuer's credit line at that time", async function () {
    const { coreA } = honest.c.actors;
    const run = await auditWith((logs) => {
      const credit = logs[indexOf(logs, "CreditLineChanged", (a) => a.coreEnterprise === coreA.address)];
      return [...logs, injected("CreditLineChanged", [coreA.address, argsOf(credit).creditLine, CNY(500_000)], credit)];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["EXPOSURE_EXCEEDED"]);
    expect(run.findings[0].message).to.equal(`Voucher 1 (1,000,000.00 CNY) brings the outstanding of ${run.model.label(coreA.address)} to 1,000,000.00 CNY, above its credit line of 500,000.00 CNY at that time (R14).`);
  });

  it("an issue by an issuer in default", async function () {
    const { coreB, supplierB } = honest.c.actors;
    const run = await auditWith((logs) => {
      const defaulted = logs[indexOf(logs, "IssuerDefaulted")];
      return [...logs, injected("VoucherIssued", [3n, coreB.address, supplierB.address, 3n << 16n, CNY(10_000), T0 + 100n * DAY, false, ethersLib.id("p"), [ethersLib.id("k3")]], defaulted)];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["ISSUED_IN_DEFAULT"]);
    expect(run.findings[0].message).to.match(new RegExp(`^Voucher 3 \\(10,000.00 CNY\\) is issued by ${coreB.address} \\(USCC \\w+\\) while it was in default since block \\d+ \\(voucher 2 overdue\\) \\(R11\\)\\.$`));
  });

  it("a trade document key used twice", async function () {
    const run = await auditWith((logs) => {
      const first = argsOf(logs[indexOf(logs, "VoucherIssued", (a) => a.voucherId === honest.v1)]).documentKeys as string[];
      return logs.map((log) => (nameOf(log) === "VoucherIssued" && argsOf(log).voucherId === honest.v2 ? withArgs(log, { documentKeys: [...first] }) : log));
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["DOCUMENT_KEY_REUSED"]);
    expect(run.findings[0].message).to.match(/^Document key 0x[0-9a-f]{64} backs the issue of voucher 2, but it was already used by the issue of voucher 1 at block \d+ \(R2\)\.$/);
  });

  it("a transfer by a member suspended at that time, and a pledge while the ledger was paused", async function () {
    const { supplierB, admin } = honest.c.actors;
    const { toC, toB } = honest.pieces;
    const run = await auditWith((logs) => {
      const beforeTransfer = logs[indexOf(logs, "PieceSplit", splitCreating(toB))];
      const transfer = logs[indexOf(logs, "PieceSplit", splitCreating(toC))];
      const pledge = logs[indexOf(logs, "PiecePledged", (a) => a.pieceId === toB)];
      return [
        ...logs,
        // Suspended after receiving 1.1 and reactivated after passing part of it on: the transfer in between is refused.
        injected("MemberStatusChanged", [supplierB.address, 1, 2], beforeTransfer),
        injected("MemberStatusChanged", [supplierB.address, 2, 1], transfer),
        { ...injected("Paused", [admin.address], pledge), logIndex: pledge.logIndex - 1 },
        injected("Unpaused", [admin.address], pledge),
      ];
    });
    expect(codes(run.findings), describeAll(run.findings)).to.deep.equal(["PARTY_NOT_ELIGIBLE", "OPERATION_WHILE_PAUSED"]);
    expect(run.findings[0].message).to.equal(`In PieceSplit of piece 1.2, the sender ${run.model.label(supplierB.address)} was suspended at that time.`);
    expect(run.findings[1].message).to.match(new RegExp(`^PiecePledged of piece 1\\.1 took place while the ledger was paused \\(since block \\d+, by ${admin.address}\\)\\.$`));
  });

  it("logs the ABI does not know, logs that do not decode, two logs at one position and logs of another contract are reported, not dropped", async function () {
    const run = await auditWith((logs) => {
      const last = logs.at(-1)!;
      const granted = logs[indexOf(logs, "RoleGranted")];
      return [
        ...logs,
        { ...last, logIndex: last.logIndex + 1_001, topics: [ethersLib.id("Mystery(uint256)")], data: "0x" },
        { ...last, logIndex: last.logIndex + 1_002, topics: logs[indexOf(logs, "PieceSettled")].topics, data: "0x1234" },
        { ...granted },
        { ...last, logIndex: last.logIndex + 1_003, address: honest.c.actors.outsider.address },
      ];
    });
    expect(codes(run.findings)).to.have.members(["UNKNOWN_EVENT", "UNDECODABLE_LOG", "DUPLICATE_LOG_POSITION", "FOREIGN_LOG"]);
    expect(run.findings.every((f) => f.category === "source")).to.equal(true);
    expect(run.findings.find((f) => f.code === "UNKNOWN_EVENT")!.message).to.contain(`has topic ${ethersLib.id("Mystery(uint256)")}, which no event of the ledger's ABI has.`);
    expect(run.findings.find((f) => f.code === "UNDECODABLE_LOG")!.message).to.contain("has the topic of PieceSettled but its data does not decode");
  });

  it("a range that starts after the deployment: only notices of what could not be checked", async function () {
    const { source, clock } = sourceFor(connection, ledger);
    const logs = await source.logs(0, await source.latestBlock());
    const v2Issue = logs[indexOf(logs, "VoucherIssued", (a) => a.voucherId === honest.v2)];
    const run = await runAudit(source, clock, { ledger, fromBlock: v2Issue.blockNumber, toBlock: await source.latestBlock() }, { complete: false });
    expect(run.findings.map((f) => [f.severity, f.code])).to.deep.equal([
      ["notice", "OUT_OF_RANGE_VOUCHERS"],
      ["notice", "PARTIAL_RANGE"],
    ]);
    expect(run.findings[0].message).to.match(/^1 voucher\(s\) \(1\) were issued before the first block audited; their \d+ later event\(s\) were not checked\./);
  });
});
