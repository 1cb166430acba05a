/**
 * An honest history (issue, two-level split transfers, a pledge at one bank, a factoring at another, a
 * released pledge, settlement, an overdue voucher) rebuilt from events alone: no finding at all, the model
 * matches the ledger's own state, and the statistics are the numbers the scenario implies.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { PieceStatus } from "../../src/sdk/constants.js";
import { monthOf } from "../../src/audit/stats.js";
import { statisticsJson, statisticsTables } from "../../src/audit/export.js";
import { parseCsv, toCsv } from "../../src/audit/csv.js";
import type { AuditRun } from "../../src/audit/audit.js";
import { audit, buildHonest, CNY, type Connection, type Honest } from "./scenario.js";

describe("audit of an honest ledger", function () {
  let connection: Connection;
  let honest: Honest;
  let run: AuditRun;

  before(async function () {
    connection = await network.create();
    honest = await buildHonest(connection);
    run = await audit(connection, await honest.c.contracts.ledger.getAddress());
  });

  it("finds no invariant violation, no abnormal pattern and no event-source problem", function () {
    expect(run.findings.map((f) => `${f.code}: ${f.message}`)).to.deep.equal([]);
  });

  it("decodes every log of the ledger, registry and access-control events included", function () {
    expect(run.eventCount).to.equal(run.logCount);
    expect(run.model.eventCounts.get("RoleGranted")).to.equal(2);
    expect(run.model.eventCounts.get("MemberRegistered")).to.equal(12);
    expect(run.model.policies).to.have.length(1);
  });

  it("rebuilds every piece as the ledger holds it: holder, amount, depth, parent, status", async function () {
    const ledger = honest.c.contracts.ledger;
    for (const piece of run.model.pieces.values()) {
      const onChain = await ledger.pieceOf(piece.pieceId);
      expect([piece.holder, piece.amount, piece.depth, PieceStatus[piece.status]]).to.deep.equal([onChain.holder, onChain.amount, Number(onChain.depth), Number(onChain.status)]);
      expect(piece.parentId ?? 0n).to.equal(await ledger.parentOf(piece.pieceId));
    }
    const v1 = run.model.vouchers.get(honest.v1)!;
    expect(v1.pieceIds).to.deep.equal([honest.pieces.root1, honest.pieces.toB, honest.pieces.toC]);
    expect(v1.piecesTotal).to.equal(CNY(1_000_000));
    expect(v1.livePieces).to.equal(0);
  });

  it("keeps pledge terms and history, the factoring, the settlement and the overdue state", function () {
    const { bankX, bankY, supplierA, supplierB, coreB } = honest.c.actors;
    const toB = run.model.pieces.get(honest.pieces.toB)!;
    expect(toB.pledges).to.have.length(1);
    expect(toB.pledges[0]).to.include({ pledgee: bankY.address, holder: supplierB.address, securedAmount: CNY(150_000), annualRateBps: 450, serviceFeeBps: 20, registrationNumber: "04868843000012340001", outcome: "settled" });
    const toC = run.model.pieces.get(honest.pieces.toC)!;
    expect(toC.pledges.map((p) => [p.pledgee, p.outcome])).to.deep.equal([[bankX.address, "released"]]);
    const root = run.model.pieces.get(honest.pieces.root1)!;
    expect(root.factorings[0]).to.include({ from: supplierA.address, factor: bankX.address, amount: CNY(700_000), purchasePrice: CNY(690_000), withRecourse: true });
    expect(root.settlement).to.include({ holder: bankX.address, clearingBank: bankX.address, amount: CNY(700_000) });
    expect(toB.settlement!.settledFrom).to.equal(PieceStatus.Pledged);
    const v2 = run.model.vouchers.get(honest.v2)!;
    expect(v2.overdue).to.include({ livePieces: 1, unpaid: CNY(500_000) });
    expect(run.model.members.get(coreB.address)!.defaulted).to.equal(true);
    expect(run.model.outstanding.get(honest.c.actors.coreA.address)).to.equal(0n);
  });

  it("counts issuance, transfers, financing, settlement and overdue per issuer, bank and month (UTC+8)", function () {
    const { coreA, coreB, bankX, bankY } = honest.c.actors;
    const tally = (m: { count: number; amount: bigint }) => [m.count, m.amount];
    const { totals, byIssuer, byBank, byMonth } = run.stats;
    expect(tally(totals.issued)).to.deep.equal([2, CNY(1_500_000)]);
    expect(tally(totals.transferred)).to.deep.equal([3, CNY(900_000)]);
    expect(tally(totals.pledged)).to.deep.equal([2, CNY(230_000)]);
    expect(tally(totals.factored)).to.deep.equal([1, CNY(700_000)]);
    expect(totals.factoringPrice).to.equal(CNY(690_000));
    expect(tally(totals.settled)).to.deep.equal([3, CNY(1_000_000)]);
    expect(tally(totals.overdue)).to.deep.equal([1, CNY(500_000)]);

    expect(tally(byIssuer.get(coreA.address)!.transferred)).to.deep.equal([2, CNY(400_000)]);
    expect(tally(byIssuer.get(coreB.address)!.transferred)).to.deep.equal([1, CNY(500_000)]);
    expect(tally(byIssuer.get(coreB.address)!.overdue)).to.deep.equal([1, CNY(500_000)]);
    expect(tally(byIssuer.get(coreA.address)!.settled)).to.deep.equal([3, CNY(1_000_000)]);

    expect(tally(byBank.get(bankY.address)!.pledged)).to.deep.equal([1, CNY(150_000)]);
    expect(tally(byBank.get(bankX.address)!.pledged)).to.deep.equal([1, CNY(80_000)]);
    expect(tally(byBank.get(bankX.address)!.factored)).to.deep.equal([1, CNY(700_000)]);
    expect(tally(byBank.get(bankX.address)!.settled)).to.deep.equal([3, CNY(1_000_000)]);
    expect(tally(byBank.get(bankY.address)!.settled)).to.deep.equal([0, 0n]);

    expect([...byMonth.keys()].filter((month) => month >= "2035").sort()).to.deep.equal(["2035-03", "2035-04", "2035-05", "2035-06"]);
    const march = byMonth.get("2035-03")!;
    expect([tally(march.issued), tally(march.transferred), tally(march.pledged), tally(march.factored)]).to.deep.equal([
      [1, CNY(1_000_000)],
      [2, CNY(400_000)],
      [2, CNY(230_000)],
      [1, CNY(700_000)],
    ]);
    expect([tally(byMonth.get("2035-04")!.issued), tally(byMonth.get("2035-04")!.transferred)]).to.deep.equal([
      [1, CNY(500_000)],
      [1, CNY(500_000)],
    ]);
    expect(tally(byMonth.get("2035-05")!.overdue)).to.deep.equal([1, CNY(500_000)]);
    expect(tally(byMonth.get("2035-06")!.settled)).to.deep.equal([3, CNY(1_000_000)]);
  });

  it("exports the statistics as JSON with fen and CNY strings and as one RFC 4180 CSV per table", function () {
    const json = statisticsJson(run.stats, run.model, run);
    expect(json.totals.issued).to.deep.equal({ count: 2, amount: { fen: "150000000", cny: "1500000.00" } });
    const tables = statisticsTables(run.stats, run.model);
    expect(tables.map((t) => t.name)).to.deep.equal(["stats-totals", "stats-issuers", "stats-banks", "stats-months"]);
    const months = parseCsv(toCsv(tables[3]));
    const header = months[0];
    const june = months.find((row) => row[0] === "2035-06")!;
    expect(june[header.indexOf("settled_count")]).to.equal("3");
    expect(june[header.indexOf("settled_cny")]).to.equal("1000000.00");
    const banks = parseCsv(toCsv(tables[2]));
    expect(banks[0]).to.include("factoring_price_cny").and.not.include("issued_count");
  });

  it("puts a time in its China Standard Time month", function () {
    expect(monthOf(Date.UTC(2035, 2, 31, 15, 59, 59) / 1000)).to.equal("2035-03");
    expect(monthOf(Date.UTC(2035, 2, 31, 16, 0, 0) / 1000)).to.equal("2035-04");
  });

  it("reads only what a range holds: up to the block before the settlement nothing is settled yet", async function () {
    const partial = await audit(connection, await honest.c.contracts.ledger.getAddress(), { toBlock: honest.lastBlock - 1 });
    expect(partial.findings).to.deep.equal([]);
    expect(partial.stats.totals.settled.count).to.equal(0);
  });
});
