/**
 * Abnormal patterns (R6) planted on a ledger after an honest history: each is flagged once, with its reason
 * in plain language naming the voucher, piece, members and amounts; the honest vouchers are not flagged; and
 * since every planted operation is one the ledger allows, no invariant is broken.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { formatFinding } from "../../src/audit/findings.js";
import { DEFAULT_PATTERN_OPTIONS, validatePatternOptions } from "../../src/audit/patterns.js";
import { auditEvents, type AuditRun } from "../../src/audit/audit.js";
import { byPosition, type AuditEvent } from "../../src/audit/events.js";
import { indexLedger } from "../../src/audit/indexer.js";
import { audit, buildHonest, plantPatterns, sourceFor, type Connection, type Honest, type Planted } from "./scenario.js";

describe("abnormal patterns (R6)", function () {
  let connection: Connection;
  let honest: Honest;
  let planted: Planted;
  let run: AuditRun;
  let ledger: string;

  const only = (code: string) => run.findings.filter((f) => f.code === code);

  before(async function () {
    connection = await network.create();
    honest = await buildHonest(connection);
    planted = await plantPatterns(connection, honest);
    ledger = await honest.c.contracts.ledger.getAddress();
    run = await audit(connection, ledger);
  });

  it("reports each planted pattern as a warning, and nothing else", function () {
    expect(run.findings.every((f) => f.severity === "warning" && f.category === "pattern"), run.findings.map(formatFinding).join("\n")).to.equal(true);
    expect(run.findings.map((f) => f.code).sort()).to.deep.equal(
      ["CIRCULAR_FLOW", "FAST_LONG_CHAIN", "JUST_UNDER_THRESHOLD", "RELATED_PARTY_FLOW", "SPLIT_BURST", "SPLIT_BURST", "TINY_PIECES"].sort(),
    );
  });

  it("leaves the honest vouchers alone", function () {
    const flagged = run.findings.filter((f) => f.voucherId === honest.v1 || f.voucherId === honest.v2);
    expect(flagged.map(formatFinding)).to.deep.equal([]);
  });

  it("flags a burst of splits of one voucher and by one holder", function () {
    const { supplierA } = honest.c.actors;
    const [byVoucher, byHolder] = [only("SPLIT_BURST").find((f) => f.voucherId !== undefined)!, only("SPLIT_BURST").find((f) => f.account !== undefined)!];
    expect(byVoucher.voucherId).to.equal(planted.burst);
    expect(byVoucher.message).to.match(new RegExp(`^Voucher ${planted.burst} was split 6 times within \\d+ s .*; the threshold is 6 within 1 h\\.`));
    expect(byHolder.account).to.equal(supplierA.address);
    expect(byHolder.message).to.contain(`made 6 splits`).and.contain(`voucher(s) ${planted.burst}`);
  });

  it("flags tiny pieces close to the policy minimum, naming each with its amount", function () {
    const [tiny] = only("TINY_PIECES");
    expect(tiny.voucherId).to.equal(planted.tiny);
    expect(tiny.message).to.contain("3 pieces created within 10.00% above the policy minimum of 100.00 CNY");
    expect(tiny.message).to.contain(`piece ${planted.tiny}.1 100.00 CNY, piece ${planted.tiny}.2 105.00 CNY, piece ${planted.tiny}.3 110.00 CNY`);
  });

  it("flags a circular flow A → B → C → A at the transfer that closes the circle", function () {
    const { supplierA } = honest.c.actors;
    const [circle] = only("CIRCULAR_FLOW");
    expect(circle).to.include({ voucherId: planted.circular.voucherId, pieceId: planted.circular.piece, account: supplierA.address });
    expect(circle.message).to.contain(`already held piece ${planted.circular.voucherId}.0 of the same lineage`).and.contain("went round in a circle");
  });

  it("flags a long fast chain with the holders it went through", function () {
    const { supplierD, supplierE, supplierF, supplierG } = planted.extra;
    const [chain] = only("FAST_LONG_CHAIN");
    expect(chain).to.include({ voucherId: planted.fastChain.voucherId, pieceId: planted.fastChain.deepest });
    expect(chain.message).to.contain("reached depth 4").and.contain("through 5 holders");
    expect(chain.message).to.contain([supplierD, supplierE, supplierF, supplierG, honest.c.actors.supplierB].map((s) => s.address).join(" → "));
  });

  it("flags an amount just under the report threshold, saying how far under", function () {
    const [under] = only("JUST_UNDER_THRESHOLD");
    expect(under.voucherId).to.equal(planted.underThreshold);
    expect(under.message).to.contain("for 1,985,000.00 CNY, 0.75% below the 2,000,000.00 CNY threshold");
  });

  it("flags a transfer between members the registry later put in one related-party group", function () {
    const { supplierH, supplierI } = planted.extra;
    const [related] = only("RELATED_PARTY_FLOW");
    expect(related).to.include({ voucherId: planted.related.voucherId, pieceId: planted.related.piece, account: supplierI.address });
    expect(related.message).to.contain(supplierH.address).and.contain(supplierI.address).and.contain("were put in the same related-party group 77 after it");
  });

  it("flags a related-party flow at the time too, when the groups were set before (the ledger would refuse it)", async function () {
    // The ledger refuses such a transfer, so no real history has it: move the two group changes of the planted
    // history to just before the transfer.
    const { source, clock } = sourceFor(connection, ledger);
    const indexed = await indexLedger(source, clock, { ledger, fromBlock: 0, toBlock: await source.latestBlock() });
    const isGroupChange = (e: AuditEvent) => e.kind === "RelatedPartyGroupChanged";
    const groupChanges = indexed.events.filter(isGroupChange);
    const transfer = indexed.events.find((e) => e.kind === "PieceSplit" && e.pieceId === planted.related.piece)!;
    // Move the two group changes just before the transfer (same block, lower log indices).
    const moved = groupChanges.map((e, i) => ({ ...e, blockNumber: transfer.blockNumber, logIndex: i - groupChanges.length }));
    const events = [...indexed.events.filter((e) => !isGroupChange(e)), ...moved].sort(byPosition);
    const outcome = auditEvents(events, { invariants: false });
    const related = outcome.findings.filter((f) => f.code === "RELATED_PARTY_FLOW");
    expect(related).to.have.length(1);
    expect(related[0].message).to.contain("were both in related-party group 77 at the time").and.contain("which the ledger should have refused");
  });

  it("uses the thresholds it is given: a lower burst threshold flags more, a wider band catches more amounts", async function () {
    const run2 = await audit(connection, ledger, { checks: { invariants: false, patternOptions: { ...DEFAULT_PATTERN_OPTIONS, burstSplits: 3, thresholds: [100_050_000n], underThresholdBps: 100 } } });
    // Burst of 3: the planted voucher and holder still, and nothing honest (its splits are days apart).
    expect(run2.findings.filter((f) => f.code === "SPLIT_BURST" && (f.voucherId === honest.v1 || f.voucherId === honest.v2))).to.deep.equal([]);
    // 1,000,500.00 CNY threshold: voucher 1 (1,000,000.00, 0.0499…% under) is now just under it.
    const under = run2.findings.filter((f) => f.code === "JUST_UNDER_THRESHOLD");
    expect(under.map((f) => f.voucherId)).to.deep.equal([honest.v1]);
    expect(under[0].message).to.contain("0.04% below the 1,000,500.00 CNY threshold");
  });

  it("refuses nonsensical thresholds with one sentence each", function () {
    expect(validatePatternOptions({ ...DEFAULT_PATTERN_OPTIONS, burstSplits: 0, underThresholdBps: 10_000, thresholds: [0n] })).to.deep.equal([
      "burstSplits must be a positive whole number (got 0).",
      "underThresholdBps must be between 1 and 9,999 basis points (got 10000).",
      "thresholds must be positive amounts (got 0 fen).",
    ]);
  });

  it("finds no invariant violation in the planted history: every planted operation is one the ledger allows", async function () {
    const checked = await audit(connection, ledger, { checks: { patterns: false } });
    expect(checked.findings.map(formatFinding)).to.deep.equal([]);
  });
});
