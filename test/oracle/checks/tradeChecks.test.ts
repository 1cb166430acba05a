import { expect } from "chai";
import { MemberRole, MemberStatus, PieceStatus } from "../../../src/sdk/constants.js";
import type { VerifierVerdict } from "../../../src/oracle/checks/facts.js";
import { CHECK_CODES, type CheckFailure } from "../../../src/oracle/checks/failures.js";
import { checkIssuePackage, checkTransferPackage, lookupsFor } from "../../../src/oracle/checks/tradeChecks.js";
import type { IssuePackage, TransferPackage } from "../../../src/oracle/package/types.js";
import {
  ATTESTATION_LIFETIME,
  BANK,
  CORE,
  CORE_ACCOUNT,
  DAY,
  DIGITAL_NUMBER,
  INVALID_USCC,
  NOW,
  OUTSIDER,
  SUB_SUPPLIER,
  SUPPLIER,
  SUPPLIER_ACCOUNT,
  type TestFacts,
  expectFailures,
  factsFor,
  issuePackage,
  transferPackage,
  transferPiece,
} from "./fixtures.js";
import { prng } from "../../helpers/random.js";

const DIGITAL_KEY = `digital:${DIGITAL_NUMBER}`;
const LEGACY_KEY = "legacy:4400231130:12345678";

/** Checks an issue package against facts built for it, after `breakFacts` changed some of them. */
function checkIssue(pkg: IssuePackage, breakFacts: (facts: TestFacts) => void = () => {}): CheckFailure[] {
  const facts = factsFor(pkg);
  breakFacts(facts);
  return checkIssuePackage(pkg, facts);
}

function checkTransfer(pkg: TransferPackage, breakFacts: (facts: TestFacts) => void = () => {}): CheckFailure[] {
  const facts = factsFor(pkg, transferPiece());
  breakFacts(facts);
  return checkTransferPackage(pkg, facts);
}

/** A fresh issue package with `change` applied. */
function issueWith(change: (pkg: IssuePackage) => void): IssuePackage {
  const pkg = issuePackage();
  change(pkg);
  return pkg;
}

function transferWith(change: (pkg: TransferPackage) => void): TransferPackage {
  const pkg = transferPackage();
  change(pkg);
  return pkg;
}

describe("oracle/checks/tradeChecks", function () {
  describe("lookupsFor()", function () {
    it("names each valid USCC and each well-formed invoice key once, in order", function () {
      expect(lookupsFor(issuePackage())).to.deep.equal({ usccs: [CORE, SUPPLIER], invoiceKeys: [DIGITAL_KEY, LEGACY_KEY] });
      expect(lookupsFor(transferPackage())).to.deep.equal({
        usccs: [SUPPLIER, SUB_SUPPLIER],
        invoiceKeys: ["digital:26442000000087654321", "legacy:044002300111:87654321"],
      });
    });

    it("leaves out malformed USCCs and invoices without a well-formed key, and repeats nothing", function () {
      const pkg = issueWith((p) => {
        p.payeeUscc = INVALID_USCC;
        p.invoices[0].sellerUscc = OUTSIDER;
        p.invoices[1].number = "1234567";
        p.invoices.push({ ...p.invoices[0] });
      });
      expect(lookupsFor(pkg)).to.deep.equal({ usccs: [CORE, OUTSIDER, SUPPLIER], invoiceKeys: [DIGITAL_KEY] });
    });
  });

  describe("checkIssuePackage()", function () {
    it("passes the valid package with zero failures", function () {
      expect(checkIssue(issuePackage())).to.deep.equal([]);
    });

    describe("parties", function () {
      it("USCC_INVALID: a malformed payer USCC, which then also is not the invoices' buyer", function () {
        const failures = checkIssue(issueWith((p) => (p.payerUscc = INVALID_USCC)));
        expectFailures(failures, ["USCC_INVALID /payerUscc", "INVOICE_BUYER_MISMATCH /invoices/0/buyerUscc", "INVOICE_BUYER_MISMATCH /invoices/1/buyerUscc"]);
        expect(failures[0].message).to.equal(
          'The payer 91350100M000100Y4Z is not a valid unified social credit code (GB 32100-2015): "Z" at position 18 is not allowed (digits and capital letters except I, O, S, V, Z).',
        );
      });

      it("USCC_INVALID: says why (length, alphabet, check character)", function () {
        const firstFailure = (payeeUscc: string) => checkIssue(issueWith((p) => (p.payeeUscc = payeeUscc)))[0];
        expect(firstFailure("9151208").message).to.contain("it has 7 characters instead of 18");
        expect(firstFailure("91512081ma62k0260e")).to.deep.include({ code: "USCC_INVALID", path: "/payeeUscc" });
        expect(firstFailure("91512081MA62K0260E".slice(0, 17) + "F").message).to.contain("its check character is F but should be E");
        expect(firstFailure("91512081MA62K0260😀").message).to.contain('"😀" at position 18');
      });

      it("USCC_INVALID: a malformed invoice seller or buyer", function () {
        expectFailures(
          checkIssue(
            issueWith((p) => {
              p.invoices[0].sellerUscc = INVALID_USCC;
              p.invoices[1].buyerUscc = "";
            }),
          ),
          [
            "USCC_INVALID /invoices/0/sellerUscc",
            "INVOICE_SELLER_MISMATCH /invoices/0/sellerUscc",
            "USCC_INVALID /invoices/1/buyerUscc",
            "INVOICE_BUYER_MISMATCH /invoices/1/buyerUscc",
          ],
        );
      });

      it("PARTY_NOT_MEMBER: a valid USCC with no account, or one the service did not look up", function () {
        const pkg = issuePackage();
        expectFailures(checkIssue(pkg, (f) => f.members.set(SUPPLIER, null)), ["PARTY_NOT_MEMBER /payeeUscc"]);
        expectFailures(checkIssue(pkg, (f) => f.members.delete(CORE)), ["PARTY_NOT_MEMBER /payerUscc"]);
      });

      it("PARTY_NOT_ACTIVE: a suspended party", function () {
        const failures = checkIssue(issuePackage(), (f) => (f.members.get(CORE)!.status = MemberStatus.Suspended));
        expectFailures(failures, ["PARTY_NOT_ACTIVE /payerUscc"]);
        expect(failures[0].message).to.equal("The payer 91350200776049653A is suspended in the consortium.");
      });

      it("PARTY_LACKS_ROLE: the payer of an issue must be a core enterprise", function () {
        const failures = checkIssue(issuePackage(), (f) => (f.members.get(CORE)!.roles = MemberRole.Supplier));
        expectFailures(failures, ["PARTY_LACKS_ROLE /payerUscc"]);
        expect(failures[0].message).to.equal(
          "The payer 91350200776049653A has the role supplier, so it cannot issue a voucher: that needs the core enterprise role.",
        );
      });

      it("PARTY_LACKS_ROLE: the payee must be a supplier or core enterprise, never a bank or the operator", function () {
        for (const roles of [MemberRole.Bank, MemberRole.Operator, MemberRole.Oracle | MemberRole.Auditor, 0]) {
          expectFailures(checkIssue(issuePackage(), (f) => (f.members.get(SUPPLIER)!.roles = roles)), ["PARTY_LACKS_ROLE /payeeUscc"]);
        }
        expect(checkIssue(issuePackage(), (f) => (f.members.get(SUPPLIER)!.roles = MemberRole.CoreEnterprise))).to.deep.equal([]);
      });

      it("PARTIES_IDENTICAL: a core enterprise cannot issue to itself", function () {
        const pkg = issueWith((p) => {
          p.payeeUscc = CORE;
          for (const invoice of p.invoices) invoice.sellerUscc = CORE;
        });
        expectFailures(checkIssue(pkg), ["PARTIES_IDENTICAL /payeeUscc"]);
      });

      it("RELATED_PARTIES: payer and payee in the same non-zero group (R15)", function () {
        expectFailures(checkIssue(issuePackage(), (f) => (f.members.get(CORE)!.groupId = 7)), ["RELATED_PARTIES /payeeUscc"]);
        const ungrouped = (f: TestFacts) => {
          f.members.get(CORE)!.groupId = 0;
          f.members.get(SUPPLIER)!.groupId = 0;
        };
        expect(checkIssue(issuePackage(), ungrouped)).to.deep.equal([]);
      });

      it("ISSUER_IN_DEFAULT: a defaulted core enterprise cannot issue (R11)", function () {
        expectFailures(checkIssue(issuePackage(), (f) => (f.members.get(CORE)!.defaulted = true)), ["ISSUER_IN_DEFAULT /payerUscc"]);
      });
    });

    describe("amounts", function () {
      it("AMOUNT_INVALID: the voucher amount, with the reason", function () {
        for (const [amount, reason] of [
          ["12.345", "AMOUNT_TOO_PRECISE"],
          ["-1", "AMOUNT_NEGATIVE"],
          ["abc", "AMOUNT_NOT_A_NUMBER"],
          ["1e5", "AMOUNT_NOT_A_NUMBER"],
          [" 1000.00", "AMOUNT_NOT_A_NUMBER"],
          ["1,000.00", "AMOUNT_NOT_A_NUMBER"],
          ["１０００", "AMOUNT_NOT_A_NUMBER"],
          ["99999999999999999999", "AMOUNT_TOO_LARGE"],
        ]) {
          const failures = checkIssue(issueWith((p) => (p.amount = amount)));
          expectFailures(failures, ["AMOUNT_INVALID /amount"]);
          expect(failures[0].message).to.contain(reason);
        }
      });

      it("AMOUNT_INVALID: the contract amount and an invoice total", function () {
        expectFailures(checkIssue(issueWith((p) => (p.contract.amount = "1130000.001"))), ["AMOUNT_INVALID /contract/amount"]);
        // With a total unknown the invoices' sum is unknown: no AMOUNT_EXCEEDS_INVOICES guessed from the rest.
        expectFailures(checkIssue(issueWith((p) => (p.invoices[1].total = "565,000.00"))), ["AMOUNT_INVALID /invoices/1/total"]);
      });

      it("AMOUNT_ZERO", function () {
        for (const amount of ["0", "0.00"]) expectFailures(checkIssue(issueWith((p) => (p.amount = amount))), ["AMOUNT_ZERO /amount"]);
      });

      it("AMOUNT_EXCEEDS_INVOICES: more than the invoices' total including tax (R3), to the fen", function () {
        const pkg = issueWith((p) => {
          p.contract.amount = "2000000.00";
          p.amount = "1130000.01";
        });
        const failures = checkIssue(pkg);
        expectFailures(failures, ["AMOUNT_EXCEEDS_INVOICES /amount"]);
        expect(failures[0].message).to.equal("The amount 1,130,000.01 CNY exceeds the invoices' total of 1,130,000.00 CNY including tax (R3).");
        expect(checkIssue(issueWith((p) => (p.amount = "1130000.00")))).to.deep.equal([]);
      });

      it("AMOUNT_EXCEEDS_CONTRACT", function () {
        expectFailures(checkIssue(issueWith((p) => (p.contract.amount = "999999.99"))), ["AMOUNT_EXCEEDS_CONTRACT /amount"]);
      });

      it("AMOUNT_BELOW_MINIMUM: below the policy's smallest piece", function () {
        const failures = checkIssue(issueWith((p) => (p.amount = "99.99")));
        expectFailures(failures, ["AMOUNT_BELOW_MINIMUM /amount"]);
        expect(failures[0].message).to.equal("The amount 99.99 CNY is below the smallest piece the policy allows, 100.00 CNY.");
        expect(checkIssue(issueWith((p) => (p.amount = "100")))).to.deep.equal([]);
      });
    });

    describe("dates", function () {
      it("DATE_INVALID: contract date, invoice issue date and delivery date", function () {
        expectFailures(checkIssue(issueWith((p) => (p.contract.date = "2026-02-30"))), ["DATE_INVALID /contract/date"]);
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].issueDate = "2026-1-5"))), ["DATE_INVALID /invoices/0/issueDate"]);
        expectFailures(checkIssue(issueWith((p) => (p.delivery[1].date = " 2026-10-12"))), ["DATE_INVALID /delivery/1/date"]);
      });

      it("DATE_IN_FUTURE: an invoice dated after today", function () {
        const failures = checkIssue(issueWith((p) => (p.invoices[0].issueDate = "2026-11-23")));
        expectFailures(failures, ["DATE_IN_FUTURE /invoices/0/issueDate"]);
        expect(failures[0].message).to.equal("Invoice 26442000000012345678 is dated 2026-11-23, after today (2026-11-22).");
        expect(checkIssue(issueWith((p) => (p.invoices[0].issueDate = "2026-11-22")))).to.deep.equal([]);
      });

      it("DATE_IN_FUTURE: a delivery dated after today", function () {
        expectFailures(checkIssue(issueWith((p) => (p.delivery[1].date = "2027-01-03"))), ["DATE_IN_FUTURE /delivery/1/date"]);
      });

      it("DATE_IN_FUTURE: a contract dated after today, so every invoice and delivery also predates it", function () {
        expectFailures(checkIssue(issueWith((p) => (p.contract.date = "2026-12-01"))), [
          "DATE_IN_FUTURE /contract/date",
          "INVOICE_BEFORE_CONTRACT /invoices/0/issueDate",
          "INVOICE_BEFORE_CONTRACT /invoices/1/issueDate",
          "DELIVERY_BEFORE_CONTRACT /delivery/0/date",
          "DELIVERY_BEFORE_CONTRACT /delivery/1/date",
        ]);
      });

      it("uses the oracle's calendar day, not UTC", function () {
        // 2026-11-22 00:30 in China is still 2026-11-21 in UTC: an invoice of the 22nd is not in the future.
        const pkg = issueWith((p) => (p.invoices[0].issueDate = "2026-11-22"));
        const facts = factsFor(pkg);
        facts.now = Date.UTC(2026, 10, 21, 16, 30) / 1000;
        expect(checkIssuePackage(pkg, facts)).to.deep.equal([]);
        facts.utcOffsetSeconds = 0;
        expectFailures(checkIssuePackage(pkg, facts), ["DATE_IN_FUTURE /invoices/0/issueDate"]);
      });
    });

    describe("invoices", function () {
      it("INVOICE_NUMBER_INVALID (the invoice is then not looked up, nothing else fails)", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].number = "2644200000001234567"))), ["INVOICE_NUMBER_INVALID /invoices/0/number"]);
      });

      it("INVOICE_CODE_INVALID", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].code = "4400231130"))), ["INVOICE_CODE_INVALID /invoices/0/code"]);
        expectFailures(checkIssue(issueWith((p) => delete p.invoices[1].code)), ["INVOICE_CODE_INVALID /invoices/1/code"]);
      });

      it("INVOICE_TYPE_INVALID", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].type = "99"))), ["INVOICE_TYPE_INVALID /invoices/0/type"]);
        expectFailures(checkIssue(issueWith((p) => (p.invoices[1].type = "82"))), ["INVOICE_TYPE_INVALID /invoices/1/type"]);
      });

      it("INVOICE_NUMBER_YEAR_MISMATCH", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].number = "25442000000012345678"))), [
          "INVOICE_NUMBER_YEAR_MISMATCH /invoices/0/number",
        ]);
      });

      it("INVOICE_TOTAL_MISMATCH", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[1].tax = "65000.01"))), ["INVOICE_TOTAL_MISMATCH /invoices/1/total"]);
      });

      it("INVOICE_SELLER_MISMATCH: the seller must be the payee", function () {
        const failures = checkIssue(issueWith((p) => (p.invoices[0].sellerUscc = OUTSIDER)));
        expectFailures(failures, ["INVOICE_SELLER_MISMATCH /invoices/0/sellerUscc"]);
        expect(failures[0].message).to.equal(`Invoice 26442000000012345678 was issued by seller ${OUTSIDER}, not by the payee ${SUPPLIER}.`);
      });

      it("INVOICE_BUYER_MISMATCH: the buyer must be the payer", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[1].buyerUscc = OUTSIDER))), ["INVOICE_BUYER_MISMATCH /invoices/1/buyerUscc"]);
        // Seller and buyer swapped: the payer sold to the payee, so the payee cannot be paid for it.
        const swapped = issueWith((p) => {
          p.invoices[0].sellerUscc = CORE;
          p.invoices[0].buyerUscc = SUPPLIER;
        });
        expectFailures(checkIssue(swapped), ["INVOICE_SELLER_MISMATCH /invoices/0/sellerUscc", "INVOICE_BUYER_MISMATCH /invoices/0/buyerUscc"]);
      });

      it("INVOICE_DUPLICATED_IN_PACKAGE, counting the duplicate once in the invoices' total", function () {
        const failures = checkIssue(issueWith((p) => (p.invoices[1] = { ...p.invoices[0] })));
        // 565,000.00 once is less than the 1,000,000.00 asked for.
        expectFailures(failures, ["INVOICE_DUPLICATED_IN_PACKAGE /invoices/1/number", "AMOUNT_EXCEEDS_INVOICES /amount"]);
        expect(failures[0].message).to.equal("Invoice 26442000000012345678 appears more than once in the package (first at /invoices/0).");
      });

      it("INVOICE_ALREADY_USED: the invoice backs a voucher on the ledger (R2)", function () {
        expectFailures(checkIssue(issuePackage(), (f) => f.invoiceUse.set(DIGITAL_KEY, "used-on-chain")), ["INVOICE_ALREADY_USED /invoices/0/number"]);
      });

      it("INVOICE_RESERVED: another pending attestation holds the invoice", function () {
        expectFailures(checkIssue(issuePackage(), (f) => f.invoiceUse.set(LEGACY_KEY, "reserved")), ["INVOICE_RESERVED /invoices/1/number"]);
      });

      it("INVOICE_NOT_VERIFIED: not found, voided, mismatched, or no verdict", function () {
        const cases: [VerifierVerdict, string][] = [
          [{ status: "not-found" }, "Invoice 26442000000012345678 was not found by the tax authority's invoice service."],
          [{ status: "voided" }, "Invoice 26442000000012345678 has been voided according to the tax authority's invoice service."],
          [
            { status: "mismatch", fields: ["total", "issueDate"] },
            "Invoice 26442000000012345678 differs from the record of the tax authority's invoice service in: total, issueDate.",
          ],
        ];
        for (const [verdict, message] of cases) {
          const failures = checkIssue(issuePackage(), (f) => f.invoiceVerdicts.set(DIGITAL_KEY, verdict));
          expect(failures).to.deep.equal([{ code: "INVOICE_NOT_VERIFIED", path: "/invoices/0", message }]);
        }
        expectFailures(checkIssue(issuePackage(), (f) => f.invoiceVerdicts.delete(LEGACY_KEY)), ["INVOICE_NOT_VERIFIED /invoices/1"]);
      });

      it("INVOICE_NOT_VERIFIED: an invoice whose use was not looked up is not attested", function () {
        expectFailures(checkIssue(issuePackage(), (f) => f.invoiceUse.delete(DIGITAL_KEY)), ["INVOICE_NOT_VERIFIED /invoices/0"]);
      });

      it("INVOICE_BEFORE_CONTRACT: only an invoice dated before the contract fails", function () {
        expectFailures(checkIssue(issueWith((p) => (p.invoices[0].issueDate = "2026-08-31"))), ["INVOICE_BEFORE_CONTRACT /invoices/0/issueDate"]);
        expect(checkIssue(issueWith((p) => (p.invoices[0].issueDate = "2026-09-01")))).to.deep.equal([]);
      });
    });

    describe("delivery and terms (R1)", function () {
      it("PREPAYMENT_TRADE", function () {
        expectFailures(checkIssue(issueWith((p) => (p.paymentTerms = { type: "prepayment", days: 0 }))), ["PREPAYMENT_TRADE /paymentTerms/type"]);
        expect(checkIssue(issueWith((p) => (p.paymentTerms = { type: "on-delivery", days: 0 })))).to.deep.equal([]);
      });

      it("DELIVERY_MISSING", function () {
        expectFailures(checkIssue(issueWith((p) => (p.delivery = []))), ["DELIVERY_MISSING /delivery"]);
      });

      it("DELIVERY_BEFORE_CONTRACT", function () {
        const failures = checkIssue(issueWith((p) => (p.delivery[0].date = "2026-08-30")));
        expectFailures(failures, ["DELIVERY_BEFORE_CONTRACT /delivery/0/date"]);
        expect(failures[0].message).to.equal("The waybill at /delivery/0 is dated 2026-08-30, before the contract of 2026-09-01.");
      });

      it("DELIVERY_NOT_VERIFIED: a verdict other than verified, or none", function () {
        const failures = checkIssue(issuePackage(), (f) => (f.deliveryVerdicts[1] = { status: "mismatch", fields: ["date"] }));
        expectFailures(failures, ["DELIVERY_NOT_VERIFIED /delivery/1"]);
        expect(failures[0].message).to.equal("The goods receipt at /delivery/1 differs from the record of the delivery verifier in: date.");
        expectFailures(checkIssue(issuePackage(), (f) => f.deliveryVerdicts.pop()), ["DELIVERY_NOT_VERIFIED /delivery/1"]);
        expectFailures(checkIssue(issuePackage(), (f) => (f.deliveryVerdicts[0] = { status: "voided" })), ["DELIVERY_NOT_VERIFIED /delivery/0"]);
      });
    });

    describe("deadline and term", function () {
      it("DEADLINE_PASSED: a deadline at or before now", function () {
        for (const deadline of [NOW, NOW - 1, 0]) expectFailures(checkIssue(issueWith((p) => (p.deadline = deadline))), ["DEADLINE_PASSED /deadline"]);
        expect(checkIssue(issueWith((p) => (p.deadline = NOW + 1)))).to.deep.equal([]);
      });

      it("DEADLINE_TOO_FAR: beyond the longest attestation lifetime", function () {
        const failures = checkIssue(issueWith((p) => (p.deadline = NOW + ATTESTATION_LIFETIME + 1)));
        expectFailures(failures, ["DEADLINE_TOO_FAR /deadline"]);
        expect(failures[0].message).to.equal(
          "The attestation deadline 2026-11-23 10:00:01 UTC+08:00 is more than 1 day from now (2026-11-22 10:00:00 UTC+08:00), the longest an attestation may live.",
        );
        expect(checkIssue(issueWith((p) => (p.deadline = NOW + ATTESTATION_LIFETIME)))).to.deep.equal([]);
      });

      it("MATURITY_NOT_IN_FUTURE", function () {
        for (const maturity of [NOW, NOW - DAY]) expectFailures(checkIssue(issueWith((p) => (p.maturity = maturity))), ["MATURITY_NOT_IN_FUTURE /maturity"]);
      });

      it("TERM_TOO_LONG: more than the policy's longest term (R4)", function () {
        const failures = checkIssue(issueWith((p) => (p.maturity = NOW + 365 * DAY + 1)));
        expectFailures(failures, ["TERM_TOO_LONG /maturity"]);
        expect(failures[0].message).to.equal(
          "The maturity 2027-11-22 10:00:01 UTC+08:00 is 365 days 0 h 0 min 1 s away, longer than the longest term of 365 days (R4).",
        );
        expect(checkIssue(issueWith((p) => (p.maturity = NOW + 365 * DAY)))).to.deep.equal([]);
      });
    });

    it("reports several failures together, never stopping at the first", function () {
      const pkg = issueWith((p) => {
        p.payeeUscc = INVALID_USCC;
        p.amount = "12.345";
        p.contract.date = "2026-13-01";
        p.invoices[0].total = "565000.01";
        p.invoices[1].issueDate = "2027-01-03";
        p.delivery = [];
        p.paymentTerms.type = "prepayment";
        p.deadline = NOW;
        p.maturity = NOW + 400 * DAY;
      });
      const failures = checkIssue(pkg, (f) => {
        f.members.get(CORE)!.defaulted = true;
        f.invoiceUse.set(LEGACY_KEY, "used-on-chain");
      });
      expectFailures(failures, [
        "USCC_INVALID /payeeUscc",
        "ISSUER_IN_DEFAULT /payerUscc",
        "AMOUNT_INVALID /amount",
        "DATE_INVALID /contract/date",
        "INVOICE_TOTAL_MISMATCH /invoices/0/total",
        "INVOICE_SELLER_MISMATCH /invoices/0/sellerUscc",
        "INVOICE_SELLER_MISMATCH /invoices/1/sellerUscc",
        "DATE_IN_FUTURE /invoices/1/issueDate",
        "INVOICE_ALREADY_USED /invoices/1/number",
        "DELIVERY_MISSING /delivery",
        "PREPAYMENT_TRADE /paymentTerms/type",
        "DEADLINE_PASSED /deadline",
        "TERM_TOO_LONG /maturity",
      ]);
    });
  });

  describe("checkTransferPackage()", function () {
    it("passes the valid package with zero failures", function () {
      expect(checkTransfer(transferPackage())).to.deep.equal([]);
    });

    it("passes a transfer of the whole piece", function () {
      expect(checkTransfer(transferPackage(), (f) => (f.piece!.amount = 20_000_000n))).to.deep.equal([]);
    });

    it("runs the document checks of an issue", function () {
      expectFailures(
        checkTransfer(
          transferWith((p) => {
            p.invoices[0].sellerUscc = CORE;
            p.paymentTerms.type = "prepayment";
          }),
        ),
        ["INVOICE_SELLER_MISMATCH /invoices/0/sellerUscc", "PREPAYMENT_TRADE /paymentTerms/type"],
      );
    });

    describe("parties", function () {
      it("PARTY_LACKS_ROLE: the payer must be a supplier or core enterprise", function () {
        const failures = checkTransfer(transferPackage(), (f) => (f.members.get(SUPPLIER)!.roles = MemberRole.Bank));
        expectFailures(failures, ["PARTY_LACKS_ROLE /payerUscc"]);
        expect(failures[0].message).to.contain("cannot pay a supplier with a piece");
      });

      it("PARTY_LACKS_ROLE: the payee must be a supplier or core enterprise", function () {
        const pkg = transferWith((p) => {
          p.payeeUscc = BANK;
          for (const invoice of p.invoices) invoice.sellerUscc = BANK;
        });
        expectFailures(checkTransfer(pkg), ["PARTY_LACKS_ROLE /payeeUscc"]);
      });

      it("PARTY_NOT_MEMBER and PARTY_NOT_ACTIVE", function () {
        expectFailures(checkTransfer(transferPackage(), (f) => f.members.set(SUB_SUPPLIER, null)), ["PARTY_NOT_MEMBER /payeeUscc"]);
        expectFailures(checkTransfer(transferPackage(), (f) => (f.members.get(SUPPLIER)!.status = MemberStatus.None)), [
          "PARTY_NOT_ACTIVE /payerUscc",
        ]);
      });

      it("PARTIES_IDENTICAL: a holder cannot pay itself", function () {
        const pkg = transferWith((p) => {
          p.payeeUscc = SUPPLIER;
          for (const invoice of p.invoices) invoice.sellerUscc = SUPPLIER;
        });
        expectFailures(checkTransfer(pkg), ["PARTIES_IDENTICAL /payeeUscc"]);
      });

      it("RELATED_PARTIES: payer and payee related (R15)", function () {
        expectFailures(checkTransfer(transferPackage(), (f) => (f.members.get(SUB_SUPPLIER)!.groupId = 7)), ["RELATED_PARTIES /payeeUscc"]);
      });

      it("RELATED_PARTIES: payee related to the voucher's issuer (R15)", function () {
        const failures = checkTransfer(transferPackage(), (f) => (f.members.get(SUB_SUPPLIER)!.groupId = 3));
        expectFailures(failures, ["RELATED_PARTIES /payeeUscc"]);
        expect(failures[0].message).to.contain(`related to the voucher's issuer ${CORE_ACCOUNT} (group 3)`);
      });

      it("RELATED_PARTIES: without the issuer's record, a relation cannot be ruled out", function () {
        const failures = checkTransfer(transferPackage(), (f) => f.members.delete(CORE));
        expectFailures(failures, ["RELATED_PARTIES /payeeUscc"]);
        expect(failures[0].message).to.contain("cannot be ruled out");
      });

      it("PAYEE_IS_ISSUER: a piece is never paid back to its issuer", function () {
        const pkg = transferWith((p) => {
          p.payeeUscc = CORE;
          for (const invoice of p.invoices) invoice.sellerUscc = CORE;
        });
        const failures = checkTransfer(pkg);
        expectFailures(failures, ["PAYEE_IS_ISSUER /payeeUscc"]);
        expect(failures[0].message).to.equal(`The payee ${CORE} issued this voucher; a piece cannot be paid back to its own issuer.`);
      });
    });

    describe("the piece", function () {
      it("PIECE_NOT_FOUND: no piece, or no piece facts at all", function () {
        expectFailures(checkTransfer(transferPackage(), (f) => (f.piece = null)), ["PIECE_NOT_FOUND /pieceId"]);
        expectFailures(checkTransfer(transferPackage(), (f) => delete f.piece), ["PIECE_NOT_FOUND /pieceId"]);
      });

      it("PIECE_NOT_HELD_BY_PAYER, comparing addresses case-insensitively", function () {
        const failures = checkTransfer(transferPackage(), (f) => (f.piece!.holder = "0x5000000000000000000000000000000000000005"));
        expectFailures(failures, ["PIECE_NOT_HELD_BY_PAYER /pieceId"]);
        expect(failures[0].message).to.equal(
          `Piece 65536 is held by 0x5000000000000000000000000000000000000005, not by the payer ${SUPPLIER} (${SUPPLIER_ACCOUNT}).`,
        );
        expect(checkTransfer(transferPackage(), (f) => (f.piece!.holder = SUPPLIER_ACCOUNT.toUpperCase().replace("0X", "0x")))).to.deep.equal([]);
      });

      it("PIECE_NOT_ACTIVE: pledged, enforced or settled", function () {
        for (const [status, word] of [
          [PieceStatus.Pledged, "pledged"],
          [PieceStatus.Enforced, "enforced"],
          [PieceStatus.Settled, "settled"],
        ] as const) {
          const failures = checkTransfer(transferPackage(), (f) => (f.piece!.status = status));
          expectFailures(failures, ["PIECE_NOT_ACTIVE /pieceId"]);
          expect(failures[0].message).to.match(new RegExp(`^Piece 65536 is ${word}`));
        }
      });

      it("AMOUNT_EXCEEDS_PIECE", function () {
        const failures = checkTransfer(transferPackage(), (f) => (f.piece!.amount = 19_999_999n));
        expectFailures(failures, ["AMOUNT_EXCEEDS_PIECE /amount"]);
        expect(failures[0].message).to.equal("The amount 200,000.00 CNY exceeds the 199,999.99 CNY of piece 65536.");
      });

      it("AMOUNT_BELOW_MINIMUM: the remainder a part transfer leaves must reach the minimum (R5)", function () {
        const failures = checkTransfer(transferPackage(), (f) => (f.piece!.amount = 20_009_999n));
        expectFailures(failures, ["AMOUNT_BELOW_MINIMUM /amount"]);
        expect(failures[0].message).to.contain("would leave 99.99 CNY");
        expect(checkTransfer(transferPackage(), (f) => (f.piece!.amount = 20_010_000n))).to.deep.equal([]);
      });

      it("VOUCHER_MATURED: at or after maturity", function () {
        expectFailures(checkTransfer(transferPackage(), (f) => (f.piece!.maturity = NOW)), ["VOUCHER_MATURED /pieceId"]);
      });

      it("VOUCHER_OVERDUE", function () {
        expectFailures(checkTransfer(transferPackage(), (f) => (f.piece!.overdue = true)), ["VOUCHER_OVERDUE /pieceId"]);
      });
    });

    it("reports several failures together", function () {
      const pkg = transferWith((p) => {
        p.amount = "300000.00";
        p.invoices[1].buyerUscc = OUTSIDER;
        p.delivery[0].date = "2026-09-30";
        p.deadline = NOW + 2 * DAY;
      });
      const failures = checkTransfer(pkg, (f) => {
        f.members.get(SUB_SUPPLIER)!.groupId = 3;
        f.invoiceVerdicts.set("digital:26442000000087654321", { status: "voided" });
        f.piece!.status = PieceStatus.Pledged;
        f.piece!.overdue = true;
        f.piece!.holder = CORE_ACCOUNT;
      });
      expectFailures(failures, [
        "AMOUNT_EXCEEDS_INVOICES /amount",
        "AMOUNT_EXCEEDS_CONTRACT /amount",
        "INVOICE_NOT_VERIFIED /invoices/0",
        "INVOICE_BUYER_MISMATCH /invoices/1/buyerUscc",
        "DELIVERY_BEFORE_CONTRACT /delivery/0/date",
        "DEADLINE_TOO_FAR /deadline",
        "PIECE_NOT_HELD_BY_PAYER /pieceId",
        "PIECE_NOT_ACTIVE /pieceId",
        "VOUCHER_OVERDUE /pieceId",
        "RELATED_PARTIES /payeeUscc",
      ]);
    });
  });

  describe("robustness", function () {
    const SAMPLES = [
      "",
      " ",
      "0",
      "0.00",
      "-1",
      "12.345",
      "1e3",
      "abc",
      "NaN",
      "Infinity",
      "１２３",
      "2026-02-30",
      "2026-11-22",
      "9999-12-31",
      "0000-01-01",
      "\u0000",
      "\ud800",
      "😀😀",
      "<script>",
      '"',
      "\\",
      "__proto__",
      "constructor",
      DIGITAL_NUMBER,
      "12345678",
      "4400231130",
      "81",
      "01",
      CORE,
      SUPPLIER,
      SUB_SUPPLIER,
      INVALID_USCC,
      "184467440737095516.16",
      "99999999999999999999.99",
    ];

    /** Every failure's path must name a field of the package (or where a missing one belongs). */
    function expectPathInPackage(pkg: object, path: string): void {
      if (path === "") return;
      const tokens = path.split("/").slice(1);
      let node: unknown = pkg;
      for (const [i, token] of tokens.entries()) {
        expect(typeof node === "object" && node !== null, path).to.equal(true);
        const last = i === tokens.length - 1;
        if (!(last && token === "code")) expect(Object.hasOwn(node as object, token), path).to.equal(true);
        node = (node as Record<string, unknown>)[token];
      }
    }

    it("never throws on any string content, and every failure has a known code, a valid path and a message", function () {
      const random = prng(0x5eed);
      const pick = () => SAMPLES[Math.floor(random() * SAMPLES.length)];
      const maybe = (value: string) => (random() < 0.3 ? pick() : value);
      const times = [0, NOW - 1, NOW, NOW + 1, NOW + 400 * DAY, 1_099_511_627_775];
      const codes = new Set<string>(CHECK_CODES);
      const seen = new Set<string>();
      for (let round = 0; round < 400; round++) {
        const transfer = round % 2 === 1;
        const pkg: IssuePackage | TransferPackage = transfer ? transferPackage() : issuePackage();
        pkg.payerUscc = maybe(pkg.payerUscc);
        pkg.payeeUscc = maybe(pkg.payeeUscc);
        pkg.amount = maybe(pkg.amount);
        pkg.deadline = random() < 0.3 ? times[Math.floor(random() * times.length)] : pkg.deadline;
        pkg.contract.date = maybe(pkg.contract.date);
        pkg.contract.amount = maybe(pkg.contract.amount);
        pkg.contract.id = maybe(pkg.contract.id);
        for (const invoice of pkg.invoices) {
          for (const field of ["number", "type", "issueDate", "net", "tax", "total", "sellerUscc", "buyerUscc"] as const) invoice[field] = maybe(invoice[field]);
          if (random() < 0.3) invoice.code = pick();
        }
        for (const evidence of pkg.delivery) evidence.date = maybe(evidence.date);
        if (random() < 0.2) pkg.invoices.push({ ...pkg.invoices[0] });
        const facts = factsFor(pkg, transfer ? transferPiece() : undefined);
        if (random() < 0.2) facts.deliveryVerdicts = [];
        const failures = transfer ? checkTransferPackage(pkg as TransferPackage, facts) : checkIssuePackage(pkg as IssuePackage, facts);
        for (const failure of failures) {
          expect(codes.has(failure.code), failure.code).to.equal(true);
          seen.add(failure.code);
          expectPathInPackage(pkg, failure.path);
          expect(failure.message, failure.code).to.match(/^\S[^\n]*\.$/);
        }
      }
      // The rounds reach most checks, not just the first few.
      expect(seen.size).to.be.at.least(25);
    });
  });
});
