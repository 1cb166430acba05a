import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { BankMessageConflictError } from "../../src/clearing/bank/bankAdapter.js";
import { FileBankAdapter } from "../../src/clearing/bank/fileBankAdapter.js";

describe("clearing file bank adapter", function () {
  let root: string;
  let adapter: FileBankAdapter;
  let dirs: { outbox: string; inbox: string; archive: string };

  beforeEach(async function () {
    root = await mkdtemp(path.join(tmpdir(), "evoucher-bank-"));
    dirs = { outbox: path.join(root, "out"), inbox: path.join(root, "in"), archive: path.join(root, "archive") };
    adapter = new FileBankAdapter(dirs);
    await adapter.init();
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  it("delivers an instruction as one whole file, and delivering it again changes nothing", async function () {
    await adapter.send({ name: "EVPAIN-1.xml", xml: "<Document/>" });
    await adapter.send({ name: "EVPAIN-1.xml", xml: "<Document/>" });
    expect(await readdir(dirs.outbox)).to.deep.equal(["EVPAIN-1.xml"]);
  });

  it("never replaces a delivered instruction with different content", async function () {
    await adapter.send({ name: "EVPAIN-1.xml", xml: "<Document>1</Document>" });
    const error = await adapter.send({ name: "EVPAIN-1.xml", xml: "<Document>2</Document>" }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BankMessageConflictError);
    expect((error as BankMessageConflictError).code).to.equal("BANK_MESSAGE_CONFLICT");
  });

  it("reads the bank's files oldest name first, skips files still being written, and archives on acknowledgement", async function () {
    await writeFile(path.join(dirs.inbox, "0002-camt054.xml"), "<b/>");
    await writeFile(path.join(dirs.inbox, "0001-pain002.xml"), "<a/>");
    await writeFile(path.join(dirs.inbox, ".0003-camt054.xml.77.tmp"), "<partial");
    expect(await adapter.receive()).to.deep.equal([
      { name: "0001-pain002.xml", xml: "<a/>" },
      { name: "0002-camt054.xml", xml: "<b/>" },
    ]);
    await adapter.acknowledge("0001-pain002.xml");
    await adapter.acknowledge("0001-pain002.xml"); // a restarted engine may acknowledge twice
    expect((await adapter.receive()).map((m) => m.name)).to.deep.equal(["0002-camt054.xml"]);
    expect(await readdir(dirs.archive)).to.deep.equal(["0001-pain002.xml"]);
  });

  it("refuses names that could leave its directories", async function () {
    for (const name of ["../escape.xml", "a/b.xml", "no-extension", ""]) {
      const error = await adapter.send({ name, xml: "<x/>" }).catch((e: unknown) => e);
      expect(error, name).to.be.instanceOf(RangeError);
    }
  });
});
