/**
 * The dashboard's pure parts without a chain or a browser: escaping, the parsing of what people type, the
 * tree layout, and the maturity calendar's grouping (several issuers on one day, a day crossing UTC midnight).
 */
import { expect } from "chai";
import { escapeHtml, html } from "../../src/dashboard/escape.js";
import { InputError, parseBank, parsePieceId, parseVoucherId } from "../../src/dashboard/input.js";
import { Names } from "../../src/dashboard/names.js";
import { Calendar } from "../../src/dashboard/time.js";
import { layoutTree } from "../../src/dashboard/treeLayout.js";
import { maturityCalendar, type VoucherSummary } from "../../src/dashboard/views.js";

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("dashboard building blocks", function () {
  describe("html", function () {
    it("escapes every interpolated string, in text and attributes, but not finished markup", function () {
      const name = `<img src=x onerror="alert('1')"> & Co`;
      expect(html`<td title="${name}">${name}</td>`.text).to.equal(
        "<td title=\"&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co\">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co</td>",
      );
      expect(html`<ul>${["a<b", html`<li>ok</li>`]}</ul>`.text).to.equal("<ul>a&lt;b<li>ok</li></ul>");
      expect(html`${null}${undefined}${false}${0}${12n}`.text).to.equal("012");
      expect(escapeHtml(`"'&<>`)).to.equal("&quot;&#39;&amp;&lt;&gt;");
    });
  });

  describe("parsePieceId / parseVoucherId / parseBank", function () {
    it("reads voucher.index and decimal piece ids", function () {
      expect(parsePieceId("1.2")).to.equal(65538n);
      expect(parsePieceId(" 65538 ")).to.equal(65538n);
      expect(parsePieceId("3.65535")).to.equal(3n * 65536n + 65535n);
      expect(parseVoucherId("12")).to.equal(12n);
    });

    it("refuses anything else with a sentence that says what is expected", function () {
      expect(refusal(() => parsePieceId(""))).to.equal("Enter a piece id: voucher.index such as 1.2, or the decimal piece id such as 65538.");
      expect(refusal(() => parsePieceId("0.1"))).to.equal('"0.1" is not a piece id: vouchers are numbered from 1.');
      expect(refusal(() => parsePieceId("1.65536"))).to.equal('"1.65536" is not a piece id: the index after the dot is at most 65535.');
      expect(refusal(() => parsePieceId("65535"))).to.contain("a decimal piece id is voucher × 65536 + index, so at least 65536");
      expect(refusal(() => parsePieceId("-1"))).to.contain("write it as voucher.index");
      expect(refusal(() => parsePieceId("x".repeat(500)))).to.have.length.below(200);
      expect(refusal(() => parseVoucherId("1.0"))).to.contain('"1.0" is not a voucher number');
      const bank = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
      expect(parseBank(bank.toLowerCase(), [bank])).to.equal(bank);
      expect(refusal(() => parseBank("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", [bank]))).to.contain("is not an active bank member");
    });
  });

  describe("layoutTree", function () {
    it("puts each generation in a row, leaves in consecutive columns and each parent over its children", function () {
      // 0 → 1, 2, 3; 1 → 4, 5; 3 → 6. The root sits midway between its first child (0.5) and its last (3).
      const children = new Map<bigint, bigint[]>([[0n, [1n, 2n, 3n]], [1n, [4n, 5n]], [3n, [6n]]]);
      const layout = layoutTree([0n], (id) => children.get(id) ?? []);
      const at = Object.fromEntries(layout.nodes.map((n) => [String(n.id), [n.row, n.column]]));
      expect(at).to.deep.equal({ 0: [0, 1.75], 1: [1, 0.5], 4: [2, 0], 5: [2, 1], 2: [1, 2], 3: [1, 3], 6: [2, 3] });
      expect(layout).to.include({ rows: 3, columns: 4 });
      expect(layout.edges).to.have.length(6);
    });

    it("draws a node reached twice once, so a faulty model cannot loop", function () {
      const layout = layoutTree([0n], (id) => (id === 0n ? [1n] : [0n, 1n]));
      expect(layout.nodes.map((n) => n.id)).to.deep.equal([0n, 1n]);
    });

    it("lays out a chain as deep as a voucher's pieces without recursion", function () {
      const layout = layoutTree([0n], (id) => (id < 20_000n ? [id + 1n] : []));
      expect(layout.rows).to.equal(20_001);
    });
  });

  describe("maturityCalendar", function () {
    it("groups by day in UTC+8, sums per issuer, and marks overdue, paid and upcoming days", function () {
      const summary = (issuer: string, maturity: number, outstanding: bigint, state: VoucherSummary["state"]) =>
        ({ voucher: { issuer, maturity, voucherId: 1n }, outstanding, state, livePieces: 1, markedOverdue: false }) as unknown as VoucherSummary;
      const utc = (text: string) => Date.parse(text) / 1000;
      const calendar = new Calendar(480);
      const days = maturityCalendar(
        [
          summary("0xB", utc("2035-05-13T20:00:00Z"), 300n, "overdue"), // 04:00 on the 14th in Beijing
          summary("0xA", utc("2035-05-14T02:00:00Z"), 100n, "current"),
          summary("0xA", utc("2035-05-14T03:00:00Z"), 50n, "current"),
          summary("0xA", utc("2035-06-01T02:00:00Z"), 0n, "settled"),
          summary("0xB", utc("2035-07-01T02:00:00Z"), 70n, "current"),
        ],
        calendar,
        utc("2035-06-01T05:00:00Z"),
      );
      expect(days.map((d) => [d.day, d.status, d.toPay, d.issuers.map((i) => [i.issuer, i.toPay, i.vouchers.length])])).to.deep.equal([
        ["2035-05-14", "overdue", 450n, [["0xB", 300n, 1], ["0xA", 150n, 2]]],
        ["2035-06-01", "paid", 0n, [["0xA", 0n, 1]]],
        ["2035-07-01", "upcoming", 70n, [["0xB", 70n, 1]]],
      ]);
      expect(new Calendar(-300).day(utc("2035-05-14T02:00:00Z"))).to.equal("2035-05-13");
    });
  });

  describe("Names", function () {
    it("finds a name whatever the address's case, else shortens the address", function () {
      const names = new Names(new Map([["0x90f79bf6eb2c4f870365e785982e1f101e93b906", "Nanhai Electronics"]]));
      expect(names.of("0x90F79bf6EB2c4f870365E785982E1f101E93b906")).to.equal("Nanhai Electronics");
      expect(names.of("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")).to.equal("0x3C44…93BC");
    });
  });
});
