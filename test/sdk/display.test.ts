import { expect } from "chai";
import { encodeBytes32String, id, ZeroHash } from "ethers";
import { formatBankReference } from "../../src/sdk/display.js";

describe("formatBankReference()", function () {
  it("shows an EndToEndId stored as a bytes32 string as its text", function () {
    expect(formatBankReference(encodeBytes32String("EV-1-0-F"))).to.equal("EV-1-0-F");
    expect(formatBankReference(encodeBytes32String("A".repeat(31)))).to.equal("A".repeat(31));
  });

  it("shows a hashed reference (an EndToEndId longer than 31 characters) in hex", function () {
    const hashed = id("EV-123456789-65535-P-with-a-longer-suffix");
    expect(formatBankReference(hashed)).to.equal(hashed);
  });

  it("shows in hex what is not printable text: zero, control characters, a space", function () {
    expect(formatBankReference(ZeroHash)).to.equal(ZeroHash);
    const control = encodeBytes32String("EV\u0001");
    expect(formatBankReference(control)).to.equal(control);
    const spaced = encodeBytes32String("EV 1");
    expect(formatBankReference(spaced)).to.equal(spaced);
  });
});
