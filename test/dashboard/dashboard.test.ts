/**
 * The web dashboard end to end: a real JSON-RPC node (anvil) with the auditor's honest ledger (two issuers,
 * multi-level splits, pledges at two banks, factoring, settlement, an overdue voucher) plus a third voucher
 * with a live pledge and a financeable piece; the dashboard as `npm start` starts it; Debian's Chromium,
 * headless, reading the pages as a person would. Screenshots of each page go to test-artifacts/dashboard/.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { modelJson, toJson } from "../../src/audit/export.js";
import { NotALedgerError } from "../../src/audit/probe.js";
import { httpTransport, NodeUnreachableError } from "../../src/audit/rpc.js";
import { LedgerData } from "../../src/dashboard/data.js";
import { startDashboard, type RunningDashboard } from "../../src/dashboard/server.js";
import { pieceIdOf } from "../../src/sdk/constants.js";
import { freePort, startAnvil, type RunningAnvil } from "../helpers/anvil.js";
import { buildHonest, CNY, T0, type Connection, type Honest } from "../audit/scenario.js";
import { buildPledge, DAY, issueVoucher, transferPiece } from "../fixtures/consortium.js";

const CHROMIUM = "/usr/bin/chromium";
// Without the background-networking flags Chromium stalls on a closed network (no Google services to reach).
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ARTIFACTS = path.resolve("test-artifacts/dashboard");

/** Display names, as the orchestrator takes them from the consortium config; one with "&" to see it escaped. */
const NAMES = {
  coreA: "Core A Motors",
  coreB: "Core B Shipyard",
  supplierA: "Supplier A Steel",
  supplierB: "Supplier B Bearings",
  supplierC: "Supplier C Cables & Wire",
  bankX: "Bank X",
  bankY: "Bank Y",
} as const;

/** Voucher 3 matures at 01:30 China Standard Time, still the previous day in UTC: the calendar must say the 8th. */
const V3_MATURITY = BigInt(Date.UTC(2035, 9, 7, 17, 30, 0) / 1000);

async function mineAt(connection: Connection, time: bigint) {
  await connection.provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(time)] });
  await connection.provider.request({ method: "evm_mine", params: [] });
}

/**
 * Voucher 3 after the honest history (which leaves nothing financeable: voucher 1 is settled, voucher 2 overdue):
 * coreA → supplierB 250,000.00; supplierB splits 50,000.00 to supplierC (3.1, pledged to bankX for 40,000.00)
 * and 30,000.00 to supplierA (3.2); 3.0 keeps 170,000.00 and is financeable.
 */
async function buildVoucher3(connection: Connection, honest: Honest) {
  const { ethers } = connection;
  const { c } = honest;
  const { coreA, supplierA, supplierB, supplierC, bankX } = c.actors;
  await mineAt(connection, T0 + 91n * DAY);
  const root = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierB, amount: CNY(250_000), maturity: V3_MATURITY });
  const toC = await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: root, amount: CNY(50_000) });
  const toA = await transferPiece(ethers, c, { from: supplierB, to: supplierA, pieceId: root, amount: CNY(30_000) });
  const pledge = await buildPledge(ethers, c, { holder: supplierC, pledgee: bankX, pieceId: toC, securedAmount: CNY(40_000), registrationNumber: "04868843000012340003" });
  await (await c.contracts.ledger.connect(bankX).pledge(pledge.terms, pledge.consent)).wait();
  return { root, toC, toA };
}

/** The cells of a table's body rows, as the browser renders them. */
async function tableCells(rows: Locator): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await rows.all()) out.push((await row.locator("td").allInnerTexts()).map((text) => text.trim().replace(/\s+/g, " ")));
  return out;
}

/** An SVG node's position from its `translate(x y)`. */
async function positionOf(node: Locator): Promise<{ x: number; y: number }> {
  const [x, y] = /translate\(([\d.]+) ([\d.]+)\)/.exec((await node.getAttribute("transform")) ?? "")!.slice(1).map(Number);
  return { x, y };
}

describe("web dashboard in headless Chromium", function () {
  this.timeout(5 * 60_000);

  let anvil: RunningAnvil;
  let connection: Connection;
  let honest: Honest;
  let v3: Awaited<ReturnType<typeof buildVoucher3>>;
  let ledger: string;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let page: Page;
  let actors: Honest["c"]["actors"];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const open = async (route: string) => {
    const response = await page.goto(dashboard.url + route);
    expect(response?.status(), route).to.equal(200);
  };
  /** Submits the verify form and returns the HTTP status of the page it leads to. */
  const verify = async (piece: string, bank: string): Promise<number> => {
    await open("/verify");
    await page.fill("input[name=piece]", piece);
    await page.selectOption("select[name=bank]", bank);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes("/verify?")), page.getByRole("button", { name: "Verify" }).click()]);
    await page.waitForLoadState("load");
    return response.status();
  };

  before(async function () {
    // Fail, never skip: a missing browser must not turn this suite into a silent pass.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the dashboard's browser tests.`);
    anvil = await startAnvil();
    connection = await network.create({ network: "anvil", override: { url: anvil.url } });
    honest = await buildHonest(connection);
    v3 = await buildVoucher3(connection, honest);
    actors = honest.c.actors;
    ledger = await honest.c.contracts.ledger.getAddress();
    const names = new Map(Object.entries(NAMES).map(([key, name]) => [actors[key as keyof typeof NAMES].address.toLowerCase(), name]));
    dashboard = await startDashboard({ rpcUrl: anvil.url, ledgerAddress: ledger, names });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async function () {
    await browser?.close();
    await dashboard?.close();
    await connection?.close();
    await anvil?.stop();
  });

  describe("pages", function () {
    it("names the ledger, the chain and the latest block in the header", async function () {
      await open("/");
      expect(await page.locator("#ledger-address").innerText()).to.equal(ledger);
      expect(await page.locator("#chain-id").innerText()).to.equal("31337");
      expect(await page.locator("#latest-block").innerText()).to.equal(String(await connection.ethers.provider.getBlockNumber()));
      expect(await page.locator("nav a").allInnerTexts()).to.deep.equal(["Vouchers", "Maturity calendar", "Issuer exposure", "Verify before lending"]);
    });

    it("lists every voucher with issuer, face and outstanding amounts, maturity day (UTC+8), live pieces and state", async function () {
      await open("/");
      expect(await tableCells(page.locator("#vouchers tbody tr"))).to.deep.equal([
        ["Voucher 1", "Core A Motors", "1,000,000.00 CNY", "0.00 CNY", "2035-06-08", "0", "settled"],
        ["Voucher 2", "Core B Shipyard", "500,000.00 CNY", "500,000.00 CNY", "2035-05-14", "1", "overdue marked overdue on chain"],
        ["Voucher 3", "Core A Motors", "250,000.00 CNY", "250,000.00 CNY", "2035-10-08", "3", "current"],
      ]);
      expect(await page.locator("main > p").first().innerText()).to.equal("3 voucher(s); 750,000.00 CNY still to be paid by their issuers.");
      await shot("vouchers");
    });

    it("opens voucher 1 from the list and draws its split tree: one node per piece, with holder, amount and state", async function () {
      await open("/");
      await Promise.all([page.waitForURL("**/vouchers/1"), page.click('#vouchers a[href="/vouchers/1"]')]);
      expect(await page.locator("h1").innerText()).to.equal("Voucher 1");

      const nodes = page.locator("svg.tree g.piece");
      expect(await nodes.count()).to.equal(3);
      const node = (label: string) => page.locator(`svg.tree g.piece[data-piece="${label}"]`);
      const ref = (pieceId: bigint) => ethersLib.id(`EV-${pieceId >> 16n}-${pieceId & 0xffffn}`);
      const expected = [
        { label: "1.0", holder: "Bank X", amount: "700,000.00 CNY", row: "0", depth: "0", factored: "yes", pieceId: honest.pieces.root1 },
        { label: "1.1", holder: "Supplier B Bearings", amount: "200,000.00 CNY", row: "1", depth: "1", factored: "no", pieceId: honest.pieces.toB },
        { label: "1.2", holder: "Supplier C Cables & Wire", amount: "100,000.00 CNY", row: "2", depth: "2", factored: "no", pieceId: honest.pieces.toC },
      ];
      for (const piece of expected) {
        const box = node(piece.label);
        expect(await box.getAttribute("data-state"), piece.label).to.equal("Settled");
        expect(await box.getAttribute("data-row"), piece.label).to.equal(piece.row);
        expect(await box.getAttribute("data-depth"), piece.label).to.equal(piece.depth);
        expect(await box.getAttribute("data-factored"), piece.label).to.equal(piece.factored);
        expect(await box.locator("text.holder").textContent(), piece.label).to.equal(piece.holder);
        expect(await box.locator("text.amount").textContent(), piece.label).to.equal(piece.amount);
        expect(await box.locator("text.state").textContent(), piece.label).to.equal("SETTLED");
        const r = ref(piece.pieceId);
        expect(await box.locator("text.detail").textContent(), piece.label).to.equal(`settled, ref ${r.slice(0, 6)}…${r.slice(-4)}`);
        // The full bank reference in the table below the picture.
        expect(await page.locator(`#pieces tr[data-piece="${piece.label}"] code.bank-reference`).innerText()).to.equal(r);
      }
      expect(await node("1.0").locator("text.factoring").textContent()).to.equal("factored: Supplier A Steel → Bank X");
      expect(await node("1.0").locator("rect.factored-band").count()).to.equal(1);
      const edges = page.locator("svg.tree path.edge");
      expect(await edges.evaluateAll((paths) => paths.map((p) => `${p.getAttribute("data-from")}→${p.getAttribute("data-to")}`))).to.deep.equal(["1.0→1.1", "1.1→1.2"]);
      // Rows go down the page.
      const [y0, y1, y2] = await Promise.all(["1.0", "1.1", "1.2"].map(async (label) => (await positionOf(node(label))).y));
      expect(y0).to.be.below(y1);
      expect(y1).to.be.below(y2);

      // The table: the pledge at bankY that ended with the settlement, the released one at bankX, the factoring.
      const rows = await tableCells(page.locator("#pieces tbody tr"));
      expect(rows.map((row) => row.slice(0, 6))).to.deep.equal([
        ["1.0", "issued", "Bank X", "700,000.00 CNY", "0", "Settled"],
        ["1.1", "1.0", "Supplier B Bearings", "200,000.00 CNY", "1", "Settled"],
        ["1.2", "1.1", "Supplier C Cables & Wire", "100,000.00 CNY", "2", "Settled"],
      ]);
      expect(rows[1][6]).to.equal("#1 Bank Y: 150,000.00 CNY secured at 4.50%, registration 04868843000012340001, settled");
      expect(rows[2][6]).to.equal("#1 Bank X: 80,000.00 CNY secured at 4.50%, registration 04868843000012340002, released");
      expect(rows[0][7]).to.equal("Supplier A Steel → Bank X for 690,000.00 CNY, with recourse, 2035-03-20");
      expect(rows[1][8]).to.match(/^by Bank X on 2035-06-08 \(from Pledged\), bank reference 0x[0-9a-f]{64}$/);
      // The ampersand reaches the page as text, escaped in the markup.
      expect(await page.content()).to.contain("Supplier C Cables &amp; Wire");
      await shot("voucher-1");
    });

    it("draws a live pledge, active pieces and a tidy branching layout (voucher 3)", async function () {
      await open("/vouchers/3");
      const node = (label: string) => page.locator(`svg.tree g.piece[data-piece="${label}"]`);
      expect(await page.locator("svg.tree g.piece").count()).to.equal(3);
      expect(await node("3.0").getAttribute("data-state")).to.equal("Active");
      expect(await node("3.0").locator("text.amount").textContent()).to.equal("170,000.00 CNY");
      expect(await node("3.1").getAttribute("data-state")).to.equal("Pledged");
      expect(await node("3.1").locator("text.detail").textContent()).to.equal("pledged to Bank X");
      expect(await node("3.1").locator("text.holder").textContent()).to.equal("Supplier C Cables & Wire");
      expect(await node("3.2").getAttribute("data-state")).to.equal("Active");
      expect(await node("3.2").locator("text.holder").textContent()).to.equal("Supplier A Steel");
      // Both splits in row 1, the parent centred above them.
      const [p0, p1, p2] = await Promise.all(["3.0", "3.1", "3.2"].map((label) => positionOf(node(label))));
      expect(p1.y).to.equal(p2.y).and.to.be.above(p0.y);
      expect(p0.x).to.equal((p1.x + p2.x) / 2);
      expect(await page.locator('#pieces tr[data-piece="3.1"] td').nth(5).innerText()).to.equal("Pledged to Bank X");
      await shot("voucher-3");
    });

    it("groups the maturity calendar by day in UTC+8, with what is still to pay by issuer and the overdue day marked", async function () {
      await open("/calendar");
      expect(await tableCells(page.locator("#calendar tbody tr"))).to.deep.equal([
        ["2035-05-14", "overdue", "500,000.00 CNY", "Core B Shipyard", "500,000.00 CNY", "Voucher 2"],
        ["2035-06-08", "paid", "0.00 CNY", "Core A Motors", "0.00 CNY", "Voucher 1"],
        ["2035-10-08", "upcoming", "250,000.00 CNY", "Core A Motors", "250,000.00 CNY", "Voucher 3"],
      ]);
      expect(await page.locator('#calendar tr[data-day="2035-05-14"]').getAttribute("class")).to.equal("overdue");
      expect(await page.locator("main > p").first().innerText()).to.contain("1 maturity day(s) overdue, 500,000.00 CNY unpaid.");
      await shot("calendar");
    });

    it("shows each issuer's credit line, outstanding, utilisation, clearing bank, and flags the defaulted one", async function () {
      await open("/exposure");
      const rows = await tableCells(page.locator("#exposure tbody tr"));
      expect(rows.map((row) => [row[0].split(" USCC ")[0], ...row.slice(1)])).to.deep.equal([
        ["Core B Shipyard", "100,000,000.00 CNY", "500,000.00 CNY", "0.50%", "Bank Y", "1", "defaulted"],
        ["Core A Motors", "100,000,000.00 CNY", "250,000.00 CNY", "0.25%", "Bank X", "2", "no"],
      ]);
      expect(await page.locator(`#exposure tr[data-issuer="${actors.coreB.address}"] td.utilisation`).getAttribute("data-bps")).to.equal("50");
      await shot("exposure");
    });
  });

  describe("verify before lending", function () {
    it("refuses a settled piece with the SDK's reason", async function () {
      expect(await verify("1.1", actors.bankY.address)).to.equal(200);
      expect(await page.locator("#verdict").innerText()).to.equal("NOT FINANCEABLE");
      const settled = page.locator('#reasons tr[data-code="PIECE_SETTLED"]');
      expect(await settled.getAttribute("data-severity")).to.equal("blocking");
      expect(await settled.locator("td").nth(2).innerText()).to.equal("Piece 1.1 was settled by the issuer's clearing bank; settlement is final and nothing is left to lend against.");
      expect(await page.locator("#report-text").textContent()).to.match(/^NOT FINANCEABLE: piece 1\.1 \(id 65537\) for bank /);
      await shot("verify-settled");
    });

    it("refuses a pledged piece, naming the pledgee, the registration and the secured amount", async function () {
      expect(await verify("3.1", actors.bankY.address)).to.equal(200);
      expect(await page.locator("#verdict").innerText()).to.equal("NOT FINANCEABLE");
      expect(await page.locator('#reasons tr[data-code="PIECE_PLEDGED"] td').nth(2).innerText()).to.equal(
        `Piece 3.1 is pledged to ${actors.bankX.address} under registration 04868843000012340003 securing 40,000.00 CNY; it cannot be pledged or factored again (R9).`,
      );
      expect(await page.locator('#reasons tr[data-severity="blocking"]').count()).to.equal(1);
    });

    it("accepts a financeable piece given by its decimal id, with its lineage", async function () {
      expect(await verify(String(pieceIdOf(3n, 0)), actors.bankY.address)).to.equal(200);
      expect(await page.locator("#verdict").innerText()).to.equal("FINANCEABLE");
      expect(await page.locator("#no-reasons").count()).to.equal(1);
      expect(await tableCells(page.locator("#lineage tbody tr"))).to.deep.equal([["1", "issue", "3.0", "Core A Motors → Supplier B Bearings", "250,000.00 CNY", "0", await blockOfIssue(3n)]]);
      await shot("verify-financeable");
    });

    it("shows the form again with the specific error and HTTP 400 for a malformed piece id", async function () {
      expect(await verify("1.x", actors.bankX.address)).to.equal(400);
      expect(await page.locator("#input-error").innerText()).to.equal(
        '"1.x" is not a piece id: write it as voucher.index (for example 1.2) or as the decimal piece id (for example 65538).',
      );
      // The form keeps what was entered.
      expect(await page.inputValue("input[name=piece]")).to.equal("1.x");
      expect(await page.inputValue("select[name=bank]")).to.equal(actors.bankX.address);
      expect(await page.locator("#verdict").count()).to.equal(0);
      await shot("verify-error");
    });
  });

  describe("over plain HTTP", function () {
    it("answers 400 for malformed input and 404 for what does not exist, each with a clear message", async function () {
      const get = async (route: string) => {
        const response = await fetch(dashboard.url + route);
        return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
      };
      const cases: Array<[string, number, string]> = [
        ["/vouchers/abc", 400, "&quot;abc&quot; is not a voucher number: vouchers are numbered 1, 2, 3, … (for example /vouchers/1)."],
        ["/vouchers/0", 400, "Voucher 0 does not exist: vouchers are numbered from 1."],
        ["/vouchers/99", 404, `Voucher 99 does not exist on ledger ${ledger} up to block `],
        ["/verify?piece=&bank=" + actors.bankY.address, 400, "Enter a piece id: voucher.index such as 1.2, or the decimal piece id such as 65538."],
        ["/verify?piece=1.70000&bank=" + actors.bankY.address, 400, "the index after the dot is at most 65535."],
        ["/verify?piece=1.0", 400, "Choose the lending bank."],
        [`/verify?piece=1.0&bank=${actors.supplierA.address}`, 400, `${actors.supplierA.address} is not an active bank member of this consortium`],
        ["/verify?piece=1.0&bank=0x1234", 400, "&quot;0x1234&quot; is not an address: choose the lending bank from the list."],
        ["/no/such/page", 404, "There is no page at /no/such/page."],
      ];
      for (const [route, status, message] of cases) {
        const answer = await get(route);
        expect(answer.status, route).to.equal(status);
        expect(answer.type, route).to.equal("text/html; charset=utf-8");
        expect(answer.text, route).to.contain(message);
      }
      // A piece that does not exist is a normal question with a NOT FINANCEABLE answer, not an error.
      const missing = await get(`/verify?piece=9.0&bank=${actors.bankY.address}`);
      expect(missing.status).to.equal(200);
      expect(missing.text).to.contain("NOT FINANCEABLE").and.contain('data-code="PIECE_NOT_FOUND"');
      // Escaped input: markup typed into the form comes back as text.
      const markup = await get(`/verify?piece=${encodeURIComponent("<b>1</b>")}&bank=${actors.bankY.address}`);
      expect(markup.status).to.equal(400);
      expect(markup.text).to.contain("&quot;&lt;b&gt;1&lt;/b&gt;&quot; is not a piece id").and.not.contain("<b>1</b>");
    });
  });

  describe("startDashboard", function () {
    it("refuses bad options, an unreachable node and an address that is not a ledger, before it listens", async function () {
      const refusal = (options: Parameters<typeof startDashboard>[0]) =>
        startDashboard(options).then(
          async (running) => {
            await running.close();
            throw new Error("expected startDashboard to fail");
          },
          (error: Error) => error,
        );
      const bad = await refusal({ rpcUrl: "ws://x", ledgerAddress: "0x12", port: 70_000, utcOffsetMinutes: 1.5 });
      expect(bad).to.be.instanceOf(RangeError);
      expect(bad.message).to.contain('rpcUrl: expected an http:// or https:// URL, got "ws://x"').and.contain("ledgerAddress:").and.contain("port:").and.contain("utcOffsetMinutes:");
      const port = await freePort();
      const unreachable = await refusal({ rpcUrl: `http://127.0.0.1:${port}`, ledgerAddress: ledger });
      expect(unreachable).to.be.instanceOf(NodeUnreachableError);
      const feeSchedule = await honest.c.contracts.feeSchedule.getAddress();
      const notALedger = await refusal({ rpcUrl: anvil.url, ledgerAddress: feeSchedule });
      expect(notALedger).to.be.instanceOf(NotALedgerError);
      expect(notALedger.message).to.contain(`The contract at ${feeSchedule} on chain 31337 is not a voucher ledger`);
    });
  });

  describe("the cached model", function () {
    it("follows the chain: a new transaction shows on the next page load", async function () {
      await (await honest.c.contracts.ledger.connect(actors.bankX).releasePledge(v3.toC)).wait();
      await open("/vouchers/3");
      expect(await page.locator('svg.tree g.piece[data-piece="3.1"]').getAttribute("data-state")).to.equal("Active");
      expect(await page.locator("#latest-block").innerText()).to.equal(String(await connection.ethers.provider.getBlockNumber()));
    });

    it("extends the model incrementally to the same result as a full rebuild, and rebuilds fully after a revert", async function () {
      const data = await LedgerData.open(httpTransport(anvil.url), ledger);
      expect(data.counts).to.deep.equal({ full: 1, incremental: 0 });
      expect((await data.snapshot()).refresh).to.equal("cached");

      const snapshotId = await connection.provider.request({ method: "evm_snapshot", params: [] });
      const { ethers } = connection;
      await transferPiece(ethers, honest.c, { from: actors.supplierB, to: actors.supplierC, pieceId: v3.root, amount: CNY(20_000) });
      const extended = await data.snapshot();
      expect(extended.refresh).to.equal("incremental");
      const fresh = await LedgerData.open(httpTransport(anvil.url), ledger);
      expect(toJson(modelJson(extended.model))).to.equal(toJson(modelJson((await fresh.snapshot()).model)));
      expect(extended.model.vouchers.get(3n)!.pieceIds).to.have.length(4);

      // Back to before the split, then another block: the cached block's hash is gone, so all is indexed again.
      await connection.provider.request({ method: "evm_revert", params: [snapshotId] });
      await connection.provider.request({ method: "evm_mine", params: [] });
      await connection.provider.request({ method: "evm_mine", params: [] });
      const reverted = await data.snapshot();
      expect(reverted.refresh).to.equal("full");
      expect(reverted.model.vouchers.get(3n)!.pieceIds).to.have.length(3);
    });
  });

  /** The block of a voucher's issue, as the lineage table prints it. */
  async function blockOfIssue(voucherId: bigint): Promise<string> {
    const ledgerContract = honest.c.contracts.ledger;
    const [issued] = await ledgerContract.queryFilter(ledgerContract.filters.VoucherIssued(voucherId));
    return String(issued.blockNumber);
  }
});
