import { expect } from "chai";
import { checkInvoiceFormat, invoiceKeyOf, invoiceLabel, numberKindOf, typeKindOf } from "../../../src/oracle/checks/invoice.js";
import type { VatInvoice } from "../../../src/oracle/package/types.js";
import { CORE, DIGITAL_NUMBER, LEGACY_CODE_10, LEGACY_CODE_12, SUPPLIER, codesAt, expectFailures } from "./fixtures.js";

function digital(overrides: Partial<VatInvoice> = {}): VatInvoice {
  return {
    number: DIGITAL_NUMBER,
    type: "81",
    issueDate: "2026-10-05",
    net: "500000.00",
    tax: "65000.00",
    total: "565000.00",
    sellerUscc: SUPPLIER,
    buyerUscc: CORE,
    ...overrides,
  };
}

function legacy(overrides: Partial<VatInvoice> = {}): VatInvoice {
  return digital({ code: LEGACY_CODE_10, number: "12345678", type: "01", ...overrides });
}

describe("oracle/checks/invoice", function () {
  describe("invoiceKeyOf()", function () {
    it("keys a digital invoice by its 20-digit number", function () {
      expect(invoiceKeyOf(digital())).to.equal("digital:26442000000012345678");
    });

    it("treats an empty code column of a digital invoice as no code", function () {
      expect(invoiceKeyOf(digital({ code: "" }))).to.equal("digital:26442000000012345678");
    });

    it("keys a legacy invoice by code and number, with a 10- or 12-digit code", function () {
      expect(invoiceKeyOf(legacy())).to.equal("legacy:4400231130:12345678");
      expect(invoiceKeyOf(legacy({ code: LEGACY_CODE_12, type: "04" }))).to.equal("legacy:044002300111:12345678");
    });

    it("gives two legacy invoices with one number but different codes different keys", function () {
      expect(invoiceKeyOf(legacy())).to.not.equal(invoiceKeyOf(legacy({ code: LEGACY_CODE_12 })));
    });

    it("does not depend on the declared type", function () {
      expect(invoiceKeyOf(digital({ type: "01" }))).to.equal(invoiceKeyOf(digital()));
      expect(invoiceKeyOf(legacy({ type: "99" }))).to.equal(invoiceKeyOf(legacy()));
    });

    it("is null when number and code form neither kind", function () {
      for (const invoice of [
        digital({ number: "2644200000001234567" }), // 19 digits
        digital({ number: "264420000000123456789" }), // 21 digits
        digital({ number: "２６442000000012345678" }), // full-width digits
        digital({ number: " 26442000000012345678" }),
        digital({ code: LEGACY_CODE_10 }), // a digital number with a code
        legacy({ code: undefined }),
        legacy({ code: "" }),
        legacy({ code: "44002311300" }), // 11 digits
        legacy({ number: "1234567" }),
        legacy({ number: "1234567a" }),
      ]) {
        expect(invoiceKeyOf(invoice), JSON.stringify(invoice)).to.equal(null);
      }
    });
  });

  describe("kinds and labels", function () {
    it("tells the kind from the number and from the type", function () {
      expect(numberKindOf(DIGITAL_NUMBER)).to.equal("digital");
      expect(numberKindOf("12345678")).to.equal("legacy");
      expect(numberKindOf("123456789")).to.equal(null);
      for (const type of ["81", "82", "85", "86"]) expect(typeKindOf(type)).to.equal("digital");
      for (const type of ["01", "04", "08", "10", "11", "14"]) expect(typeKindOf(type)).to.equal("legacy");
      for (const type of ["1", "02", "99", "８１", ""]) expect(typeKindOf(type), type).to.equal(null);
    });

    it("names invoices by number, legacy ones with their code, untrusted text quoted", function () {
      expect(invoiceLabel(digital())).to.equal("Invoice 26442000000012345678");
      expect(invoiceLabel(legacy())).to.equal("Invoice 12345678 (code 4400231130)");
      expect(invoiceLabel(digital({ number: 'x"\n' }))).to.equal('Invoice "x\\"\\n"');
    });
  });

  describe("checkInvoiceFormat()", function () {
    it("passes a well-formed digital invoice and well-formed legacy invoices", function () {
      expect(checkInvoiceFormat(digital(), "/invoices/0")).to.deep.equal([]);
      expect(checkInvoiceFormat(legacy(), "/invoices/1")).to.deep.equal([]);
      expect(checkInvoiceFormat(legacy({ code: LEGACY_CODE_12, type: "04" }), "/invoices/1")).to.deep.equal([]);
      expect(checkInvoiceFormat(digital({ type: "82", code: "" }), "/invoices/0")).to.deep.equal([]);
      expect(checkInvoiceFormat(digital({ tax: "0", net: "565000", total: "565000.00" }), "/invoices/0")).to.deep.equal([]);
    });

    it("INVOICE_NUMBER_INVALID: a number of neither 20 nor 8 ASCII digits", function () {
      for (const number of ["2644200000001234567", "123", "", "２６442000000012345678", "26442000000012345678 ", "2644200000001234567x"]) {
        expectFailures(checkInvoiceFormat(digital({ number }), "/invoices/3"), ["INVOICE_NUMBER_INVALID /invoices/3/number"]);
      }
    });

    it("INVOICE_CODE_INVALID: a code on a digital invoice", function () {
      const failures = checkInvoiceFormat(digital({ code: LEGACY_CODE_10 }), "/invoices/0");
      expectFailures(failures, ["INVOICE_CODE_INVALID /invoices/0/code"]);
      expect(failures[0].message).to.equal(
        "Invoice 26442000000012345678 is a digital invoice (数电票), which has no invoice code, but code 4400231130 was given.",
      );
    });

    it("INVOICE_CODE_INVALID: a legacy invoice without a code or with a malformed one", function () {
      expectFailures(checkInvoiceFormat(legacy({ code: undefined }), "/invoices/1"), ["INVOICE_CODE_INVALID /invoices/1/code"]);
      expectFailures(checkInvoiceFormat(legacy({ code: "" }), "/invoices/1"), ["INVOICE_CODE_INVALID /invoices/1/code"]);
      for (const code of ["44002311", "44002311300", "440023113a", "4400231130 "]) {
        const failures = checkInvoiceFormat(legacy({ code }), "/invoices/1");
        expectFailures(failures, ["INVOICE_CODE_INVALID /invoices/1/code"]);
        expect(failures[0].message).to.contain("not 10 or 12 digits");
      }
    });

    it("INVOICE_CODE_INVALID: with a malformed number, the type decides what the code must be", function () {
      expectFailures(checkInvoiceFormat(digital({ number: "123", code: LEGACY_CODE_10 }), "/invoices/0"), [
        "INVOICE_NUMBER_INVALID /invoices/0/number",
        "INVOICE_CODE_INVALID /invoices/0/code",
      ]);
      expectFailures(checkInvoiceFormat(legacy({ number: "123", code: undefined }), "/invoices/0"), [
        "INVOICE_NUMBER_INVALID /invoices/0/number",
        "INVOICE_CODE_INVALID /invoices/0/code",
      ]);
    });

    it("INVOICE_TYPE_INVALID: an unknown type", function () {
      for (const type of ["99", "02", "8", "８１"]) {
        expectFailures(checkInvoiceFormat(digital({ type }), "/invoices/0"), ["INVOICE_TYPE_INVALID /invoices/0/type"]);
      }
    });

    it("INVOICE_TYPE_INVALID: a type of the other kind than the number", function () {
      const failures = checkInvoiceFormat(digital({ type: "01" }), "/invoices/0");
      expectFailures(failures, ["INVOICE_TYPE_INVALID /invoices/0/type"]);
      expect(failures[0].message).to.equal(
        "Invoice 26442000000012345678 has type 01, a legacy invoice type, but a digital invoice number (20 digits).",
      );
      expectFailures(checkInvoiceFormat(legacy({ type: "81" }), "/invoices/1"), ["INVOICE_TYPE_INVALID /invoices/1/type"]);
    });

    it("INVOICE_NUMBER_YEAR_MISMATCH: a digital number opens with the year of issue", function () {
      const failures = checkInvoiceFormat(digital({ issueDate: "2025-12-31" }), "/invoices/0");
      expectFailures(failures, ["INVOICE_NUMBER_YEAR_MISMATCH /invoices/0/number"]);
      expect(failures[0].message).to.equal("Invoice 26442000000012345678 begins with year 26 but is dated 2025-12-31.");
      // Same two digits a century earlier: 数电票 exist only since 2021.
      expectFailures(checkInvoiceFormat(digital({ issueDate: "1926-10-05" }), "/invoices/0"), ["INVOICE_NUMBER_YEAR_MISMATCH /invoices/0/number"]);
      expect(checkInvoiceFormat(digital({ number: "25442000000012345678", issueDate: "2025-01-01" }), "/invoices/0")).to.deep.equal([]);
    });

    it("leaves an unparsable issue date to the date checks", function () {
      expect(checkInvoiceFormat(digital({ issueDate: "2026-02-30" }), "/invoices/0")).to.deep.equal([]);
    });

    it("INVOICE_TOTAL_MISMATCH: net + tax differs from total by even one fen", function () {
      const failures = checkInvoiceFormat(digital({ total: "565000.01" }), "/invoices/2");
      expectFailures(failures, ["INVOICE_TOTAL_MISMATCH /invoices/2/total"]);
      expect(failures[0].message).to.equal(
        "Invoice 26442000000012345678 states a total of 565,000.01 CNY, but net 500,000.00 CNY plus tax 65,000.00 CNY is 565,000.00 CNY.",
      );
      // Exact in fen: 0.1 + 0.2 is 0.3 here, unlike in floating point.
      expect(checkInvoiceFormat(digital({ net: "0.1", tax: "0.2", total: "0.30" }), "/invoices/0")).to.deep.equal([]);
    });

    it("AMOUNT_INVALID: names the field and the reason, and skips the sum", function () {
      const failures = checkInvoiceFormat(digital({ net: "abc", tax: "12.345", total: "-1" }), "/invoices/0");
      expectFailures(failures, ["AMOUNT_INVALID /invoices/0/net", "AMOUNT_INVALID /invoices/0/tax", "AMOUNT_INVALID /invoices/0/total"]);
      expect(failures[0].message).to.equal(
        'Invoice 26442000000012345678 net amount (金额) "abc" is not a valid amount: it is not a plain decimal number such as "1234.56" (AMOUNT_NOT_A_NUMBER).',
      );
      expect(failures[1].message).to.contain("AMOUNT_TOO_PRECISE");
      expect(failures[2].message).to.contain("AMOUNT_NEGATIVE");
      const tooLarge = checkInvoiceFormat(digital({ total: "184467440737095516.16" }), "/invoices/0");
      expectFailures(tooLarge, ["AMOUNT_INVALID /invoices/0/total"]);
      expect(tooLarge[0].message).to.contain("AMOUNT_TOO_LARGE");
    });

    it("reports every problem of one invoice together", function () {
      const failures = checkInvoiceFormat(
        { code: "12", number: "26442000000012345678", type: "04", issueDate: "2027-01-01", net: "1.00", tax: "1e2", total: "2.00", sellerUscc: "", buyerUscc: "" },
        "/invoices/5",
      );
      expect(codesAt(failures)).to.deep.equal([
        "INVOICE_TYPE_INVALID /invoices/5/type",
        "INVOICE_CODE_INVALID /invoices/5/code",
        "INVOICE_NUMBER_YEAR_MISMATCH /invoices/5/number",
        "AMOUNT_INVALID /invoices/5/tax",
      ]);
    });
  });
});
