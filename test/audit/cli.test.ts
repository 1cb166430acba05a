/**
 * `evoucher` as a separate process (`node --import tsx src/audit/cli.ts`) against a real JSON-RPC node
 * (anvil): exit code 0 on the honest part of a ledger, 1 with the planted patterns, 2 on bad usage or an
 * output it cannot write, 3 when the node is unreachable or the address is not a ledger; the JSON and CSV
 * files it writes; one sentence on stderr for every error, never a stack trace.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { parseCsv } from "../../src/audit/csv.js";
import { freePort, startAnvil, type RunningAnvil } from "../helpers/anvil.js";
import { buildHonest, plantPatterns, type Connection, type Honest } from "./scenario.js";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function evoucher(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/audit/cli.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}


const NO_STACK_TRACE = /\n\s+at\s/;

describe("evoucher CLI against anvil", function () {
  this.timeout(5 * 60_000);

  let anvil: RunningAnvil;
  let connection: Connection;
  let honest: Honest;
  let ledger: string;
  let dir: string;
  let base: string[];

  before(async function () {
    anvil = await startAnvil();
    connection = await network.create({ network: "anvil", override: { url: anvil.url } });
    honest = await buildHonest(connection);
    await plantPatterns(connection, honest);
    ledger = await honest.c.contracts.ledger.getAddress();
    dir = await mkdtemp(path.join(tmpdir(), "evoucher-audit-"));
    base = ["--rpc", anvil.url, "--ledger", ledger];
  });

  after(async function () {
    await anvil?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 on the honest part of the ledger and says it is clean", async function () {
    const result = await evoucher(["audit", ...base, "--to-block", String(honest.lastBlock)]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.contain(`Ledger ${ledger} on chain 31337, blocks 0–${honest.lastBlock}`);
    expect(result.stdout).to.contain("Invariants: no violations.").and.contain("Abnormal patterns (R6): none found.").and.contain("Result: clean (exit 0).");
    // stderr is a pipe here: plain progress lines, no bar.
    expect(result.stderr).to.match(/^reading logs: 0% /).and.contain("reading logs: 100% ").and.not.contain("\r");
  });

  it("exits 1 with the planted patterns, each printed with its reason, and writes the JSON and CSV reports", async function () {
    const json = path.join(dir, "audit.json");
    const csv = path.join(dir, "audit-csv");
    const result = await evoucher(["audit", ...base, "--json", json, "--csv", csv]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stdout).to.contain("Abnormal patterns (R6): 7 findings.").and.contain("Result: findings to look into (exit 1).");
    expect(result.stdout).to.match(/\[warning\] CIRCULAR_FLOW voucher 5 piece 5\.1 \(block \d+, log 0\): .* went round in a circle back to an earlier holder\./);

    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report).to.include({ ledger, chainId: 31337, completeHistory: true });
    expect(report.findings.map((f: { code: string }) => f.code).sort()).to.deep.equal(
      ["CIRCULAR_FLOW", "FAST_LONG_CHAIN", "JUST_UNDER_THRESHOLD", "RELATED_PARTY_FLOW", "SPLIT_BURST", "SPLIT_BURST", "TINY_PIECES"].sort(),
    );
    const circle = report.findings.find((f: { code: string }) => f.code === "CIRCULAR_FLOW");
    expect(circle).to.include({ voucherId: "5", piece: "5.1", severity: "warning", category: "pattern" });
    const v1 = report.ledgerState.vouchers.find((v: { voucherId: string }) => v.voucherId === "1");
    expect(v1.amount).to.deep.equal({ fen: "100000000", cny: "1000000.00" });
    expect(v1.pieces.map((p: { piece: string; status: string }) => [p.piece, p.status])).to.deep.equal([
      ["1.0", "Settled"],
      ["1.1", "Settled"],
      ["1.2", "Settled"],
    ]);

    expect((await readdir(csv)).sort()).to.deep.equal(["findings.csv", "pieces.csv"]);
    const findings = parseCsv(await readFile(path.join(csv, "findings.csv"), "utf8"));
    expect(findings[0]).to.deep.equal(["severity", "category", "code", "voucher_id", "piece", "account", "block", "log_index", "transaction", "message"]);
    expect(findings).to.have.length(8);
    const pieces = parseCsv(await readFile(path.join(csv, "pieces.csv"), "utf8"));
    const header = pieces[0];
    const row = pieces.find((r) => r[0] === "1.1")!;
    expect([row[header.indexOf("amount_fen")], row[header.indexOf("amount_cny")], row[header.indexOf("status")]]).to.deep.equal(["20000000", "200000.00", "Settled"]);
  });

  it("runs only the checks asked for, with the thresholds given", async function () {
    const invariantsOnly = await evoucher(["audit", ...base, "--invariants-only"]);
    expect(invariantsOnly.code).to.equal(0);
    expect(invariantsOnly.stdout).to.contain("Abnormal patterns: not checked (--invariants-only).");
    const patterns = await evoucher(["audit", ...base, "--patterns-only", "--burst-splits", "7", "--tiny-pieces", "4", "--fast-chain-depth", "5", "--threshold", "3000000.00", "--under-threshold", "0.5"]);
    expect(patterns.code).to.equal(1);
    expect(patterns.stdout).to.contain("Invariants: not checked (--patterns-only).").and.contain("Abnormal patterns (R6): 2 findings.");
    expect(patterns.stdout).to.contain("CIRCULAR_FLOW").and.contain("RELATED_PARTY_FLOW").and.not.contain("SPLIT_BURST");
  });

  it("reports only notices for a range that starts after the deployment, and exits 0", async function () {
    const ledgerContract = honest.c.contracts.ledger;
    const [issued] = await ledgerContract.queryFilter(ledgerContract.filters.VoucherIssued(honest.v2));
    const result = await evoucher(["audit", ...base, "--from-block", String(issued.blockNumber), "--to-block", String(honest.lastBlock)]);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("[notice] PARTIAL_RANGE");
  });

  it("exports the statistics as JSON and one CSV per table", async function () {
    const json = path.join(dir, "stats.json");
    const csv = path.join(dir, "stats-csv");
    const result = await evoucher(["stats", ...base, "--to-block", String(honest.lastBlock), "--json", json, "--csv", csv]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.contain("By month (China Standard Time):");
    const stats = JSON.parse(await readFile(json, "utf8"));
    expect(stats.totals.issued).to.deep.equal({ count: 2, amount: { fen: "150000000", cny: "1500000.00" } });
    expect(stats.totals.factoringPrice).to.deep.equal({ fen: "69000000", cny: "690000.00" });
    expect(stats.byMonth.map((m: { month: string }) => m.month)).to.deep.equal(["2035-03", "2035-04", "2035-05", "2035-06"]);
    expect(stats.byBank.find((b: { bank: string }) => b.bank === honest.c.actors.bankX.address).settled).to.deep.equal({ count: 3, amount: { fen: "100000000", cny: "1000000.00" } });
    expect((await readdir(csv)).sort()).to.deep.equal(["stats-banks.csv", "stats-issuers.csv", "stats-months.csv", "stats-totals.csv"]);
    const issuers = parseCsv(await readFile(path.join(csv, "stats-issuers.csv"), "utf8"));
    const coreB = issuers.find((r) => r[0] === honest.c.actors.coreB.address)!;
    expect(coreB[issuers[0].indexOf("overdue_cny")]).to.equal("500000.00");
  });

  it("exits 2 on bad usage, with one sentence and no stack trace", async function () {
    const cases: Array<[string[], RegExp]> = [
      [["audit", "--rpc", anvil.url, "--ledger", "0x1234"], /--ledger: expected a contract address/],
      [["audit", "--ledger", ledger], /required option '--rpc <url>' not specified/],
      [["audit", ...base, "--patterns-only", "--invariants-only"], /cannot be used with option '--invariants-only'/],
      [["audit", ...base, "--to-block", "99999999"], /--to-block 99999999 is beyond the node's latest block \d+\./],
      [["audit", ...base, "--from-block", "9", "--to-block", "3"], /--from-block 9 is after --to-block 3\./],
      [["audit", ...base, "--under-threshold", "abc"], /--under-threshold: expected a percentage/],
      [["audit", ...base, "--json", path.join(dir, "no", "such", "dir", "audit.json")], /An output could not be written: ENOENT/],
      [["report"], /unknown command 'report'/],
      [[], /Usage: evoucher/],
    ];
    for (const [args, message] of cases) {
      const result = await evoucher(args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.match(message).and.not.match(NO_STACK_TRACE);
    }
  });

  it("exits 3 when the node is unreachable or the address is not a ledger", async function () {
    const port = await freePort();
    const unreachable = await evoucher(["audit", "--rpc", `http://127.0.0.1:${port}`, "--ledger", ledger]);
    expect(unreachable.code).to.equal(3);
    expect(unreachable.stderr).to.equal(`evoucher: The node at http://127.0.0.1:${port} could not be reached: connection refused (ECONNREFUSED)\n`);

    const feeSchedule = await honest.c.contracts.feeSchedule.getAddress();
    const notALedger = await evoucher(["audit", "--rpc", anvil.url, "--ledger", feeSchedule]);
    expect(notALedger.code).to.equal(3);
    expect(notALedger.stderr).to.contain(`The contract at ${feeSchedule} on chain 31337 is not a voucher ledger`).and.not.match(NO_STACK_TRACE);

    const account = await evoucher(["stats", "--rpc", anvil.url, "--ledger", honest.c.actors.outsider.address]);
    expect(account.code).to.equal(3);
    expect(account.stderr).to.contain(`There is no contract at ${honest.c.actors.outsider.address} on chain 31337`);
  });

  it("documents the exit codes in --help", async function () {
    const help = await evoucher(["audit", "--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("Exit codes:").and.contain("0  clean").and.contain("1  findings").and.contain("2  bad usage").and.contain("3  the node cannot be reached");
  });
});
