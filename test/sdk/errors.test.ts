import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import {
  AbiCoder,
  BrowserProvider,
  ErrorFragment,
  FetchRequest,
  Interface,
  JsonRpcProvider,
  Network,
  ZeroAddress,
  encodeBytes32String,
  id,
  makeError,
  type Eip1193Provider,
} from "ethers";
import {
  DAY,
  CREDIT_LINE,
  MILLION_CNY,
  buildIssue,
  buildPledge,
  buildTransfer,
  deployConsortium,
  documentKey,
  issueVoucher,
  latestTimestamp,
} from "../fixtures/consortium.js";
import {
  EVoucherError,
  InvalidArgumentError,
  LEDGER_ERROR_FRAGMENTS,
  LedgerRefusal,
  NetworkError,
  OracleError,
  UnexpectedError,
  UnknownRevertError,
  callLedger,
  decodeLedgerRevert,
  isEVoucherError,
  isLedgerRefusal,
  oracleErrorFromResponse,
  oracleUnreachable,
  requireAddress,
  requireBps,
  requireBytes32,
  requireFen,
  requirePieceId,
  requirePositiveFen,
  requireUnixSeconds,
  requireUscc,
  requireVoucherId,
  roleNames,
  toEVoucherError,
  toScreamingSnakeCase,
  type AnyEVoucherError,
} from "../../src/sdk/errors.js";
import { LEDGER_ERROR_SENTENCES, formatDuration, formatPieceRef, formatUnixTime } from "../../src/sdk/errorMessages.js";
import { MemberStatus } from "../../src/sdk/constants.js";
import { MAX_FEN, MoneyError, cnyToFen, formatCny } from "../../src/sdk/money.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import {
  FeeSchedule__factory,
  IConsortiumRegistry__factory,
  IFeeSchedule__factory,
  IVoucherLedger__factory,
  VoucherLedger__factory,
} from "../../types/ethers-contracts/index.js";

const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;

const SECURED = 60_000_000n; // 600,000.00 CNY
const VALID_USCC = "91350200776049653A";

/** Runs `fn` through callLedger and returns the SDK error it throws. */
async function failureOf(fn: () => Promise<unknown>): Promise<AnyEVoucherError> {
  try {
    await callLedger(fn);
  } catch (error) {
    expect(error).to.be.instanceOf(EVoucherError);
    return error as AnyEVoucherError;
  }
  return expect.fail("expected the call to fail");
}

async function refusalOf(fn: () => Promise<unknown>): Promise<LedgerRefusal> {
  const error = await failureOf(fn);
  if (!(error instanceof LedgerRefusal)) return expect.fail(`expected a LedgerRefusal, got ${error.name}: ${error.message}`);
  expect(error.kind).to.equal("refused");
  return error;
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a throw");
}

async function consortiumFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  return { c, root };
}

/** supplierA's 1,000,000.00 CNY root piece, pledged to bankX. */
async function pledgedFixture() {
  const { c, root } = await consortiumFixture();
  const { terms, consent } = await buildPledge(ethers, c, {
    holder: c.actors.supplierA,
    pledgee: c.actors.bankX,
    pieceId: root,
    securedAmount: SECURED,
  });
  await c.contracts.ledger.connect(c.actors.bankX).pledge(terms, consent);
  return { c, root };
}

/** A second pledge of the same piece to bankY, with supplierA's valid consent for it. */
async function secondPledge(c: Awaited<ReturnType<typeof pledgedFixture>>["c"], root: bigint) {
  return buildPledge(ethers, c, { holder: c.actors.supplierA, pledgee: c.actors.bankY, pieceId: root, securedAmount: SECURED });
}

/** A port nothing listens on. (fetch refuses port 1 outright as a "bad port", so pick a real one.) */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A local HTTP server for network and oracle failures; `handler` answers each request. */
async function localServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A sample value per ABI type, so every error can be encoded and decoded without a contract.
function sampleValue(type: string, name: string): unknown {
  if (type === "address") return "0x00000000000000000000000000000000000000A1";
  if (type === "bool") return true;
  if (type === "string") return "EVoucherLedger";
  if (type === "bytes18") return usccToBytes18(VALID_USCC);
  if (type === "bytes32") return name === "field" ? encodeBytes32String("maxTerm") : id(`sample:${name}`);
  if (type === "uint8") return 2;
  if (type === "uint16" || type === "uint24") return 7;
  if (type === "uint32" || type === "uint40") return 1_750_000_000;
  if (type === "uint64") return 123_456n;
  if (type === "uint256") return 65_537n;
  throw new Error(`no sample for ${type}`);
}

describe("src/sdk/errors", function () {
  describe("every custom error in the ABIs has a sentence", function () {
    const abis = {
      VoucherLedger: VoucherLedger__factory.abi,
      FeeSchedule: FeeSchedule__factory.abi,
      IVoucherLedger: IVoucherLedger__factory.abi,
      IConsortiumRegistry: IConsortiumRegistry__factory.abi,
      IFeeSchedule: IFeeSchedule__factory.abi,
    };
    const seen = new Set<string>();
    for (const [contract, abi] of Object.entries(abis)) {
      const iface = new Interface(abi);
      iface.forEachError((fragment) => {
        if (seen.has(fragment.name)) return;
        seen.add(fragment.name);
        it(`${contract}: ${fragment.format()}`, function () {
          const values = fragment.inputs.map((input) => sampleValue(input.type, input.name));
          const data = iface.encodeErrorResult(fragment, values);
          const decoded = decodeLedgerRevert(data);

          expect(decoded).to.be.instanceOf(LedgerRefusal);
          const refusal = decoded as LedgerRefusal;
          expect(refusal.errorName).to.equal(fragment.name);
          expect(refusal.code).to.equal(toScreamingSnakeCase(fragment.name));
          expect(refusal.code).to.match(/^[A-Z0-9]+(_[A-Z0-9]+)*$/);
          expect(refusal.data).to.equal(data);
          expect(Object.keys(refusal.args)).to.deep.equal(fragment.inputs.map((input) => input.name));
          expect(LEDGER_ERROR_SENTENCES).to.have.property(fragment.name);
          // A real sentence, not the fallback, with every value formatted.
          expect(refusal.message).to.not.match(/^The contract refused with/);
          expect(refusal.message).to.match(/^[A-Z0-9"].*[.]$/s);
          expect(refusal.message).to.not.match(/undefined|NaN|\[object|Invalid Date/);
        });
      });
    }

    it("has no sentence for an error no ABI declares, and decodes every ABI error", function () {
      expect(Object.keys(LEDGER_ERROR_SENTENCES).sort()).to.deep.equal([...seen].sort());
      expect(LEDGER_ERROR_FRAGMENTS.map((fragment) => fragment.name).sort()).to.deep.equal([...seen].sort());
    });
  });

  describe("decodeLedgerRevert()", function () {
    const iface = new Interface(VoucherLedger__factory.abi);

    it("names enums, roles and admin roles, and keeps amounts as bigint fen", function () {
      const notInStatus = decodeLedgerRevert(iface.encodeErrorResult("PieceNotInStatus", [65_537n, 2, 1])) as LedgerRefusal;
      expect(notInStatus.args).to.deep.equal({ pieceId: 65_537n, status: "Pledged", required: "Active" });
      expect(notInStatus.message).to.equal(
        "Piece 1.1 (id 65537) is pledged but this operation needs it active; a piece can be pledged only once, and a pledged piece cannot be transferred, split or factored until its pledgee releases it (R9).",
      );

      const lacksRole = decodeLedgerRevert(iface.encodeErrorResult("RegistryConflictingRoles", [1 | 8])) as LedgerRefusal;
      expect(lacksRole.args).to.deep.equal({ roles: "CoreEnterprise+Oracle" });

      const unauthorized = decodeLedgerRevert(
        iface.encodeErrorResult("AccessControlUnauthorizedAccount", [ZeroAddress, id("CONSORTIUM_ADMIN_ROLE")]),
      ) as LedgerRefusal;
      expect(unauthorized.args.neededRole).to.equal("CONSORTIUM_ADMIN_ROLE");

      const range = decodeLedgerRevert(
        iface.encodeErrorResult("PolicyValueOutOfRange", [encodeBytes32String("maxTerm"), 400n * DAY, DAY, 365n * DAY]),
      ) as LedgerRefusal;
      expect(range.args).to.deep.equal({ field: "maxTerm", value: 400n * DAY, min: DAY, max: 365n * DAY });
      expect(range.message).to.equal("Policy field maxTerm = 400 days is out of range; it must be from 1 day to 365 days.");

      const uscc = decodeLedgerRevert(iface.encodeErrorResult("RegistryInvalidUscc", [usccToBytes18(VALID_USCC)])) as LedgerRefusal;
      expect(uscc.args.uscc).to.equal(VALID_USCC);

      const depth = decodeLedgerRevert(iface.encodeErrorResult("DepthLimitReached", [65_538n, 5, 5])) as LedgerRefusal;
      expect(depth.args).to.deep.equal({ pieceId: 65_538n, depth: 5, maxDepth: 5 });
    });

    it("makes a panic an unknown-revert with the panic's name", function () {
      const data = "0x4e487b71" + AbiCoder.defaultAbiCoder().encode(["uint256"], [0x11]).slice(2);
      const error = decodeLedgerRevert(data);
      expect(error).to.be.instanceOf(UnknownRevertError);
      expect(error.kind).to.equal("unknown-revert");
      expect(error.code).to.equal("PANIC");
      expect((error as UnknownRevertError).details).to.deep.equal({ panicCode: 0x11n, panicName: "arithmetic overflow or underflow" });
      expect(error.message).to.contain("0x11").and.contain("arithmetic overflow or underflow");
    });

    it("makes an Error(string) an unknown-revert with the reason", function () {
      const data = "0x08c379a0" + AbiCoder.defaultAbiCoder().encode(["string"], ["not allowed"]).slice(2);
      const error = decodeLedgerRevert(data) as UnknownRevertError;
      expect(error.code).to.equal("REVERT_REASON");
      expect(error.details.reason).to.equal("not allowed");
      expect(error.message).to.contain('"not allowed"');
    });

    it("makes data matching no known error an unknown-revert that keeps the raw data", function () {
      const data = "0xdeadbeef" + "00".repeat(31) + "01";
      const error = decodeLedgerRevert(data) as UnknownRevertError;
      expect(error.kind).to.equal("unknown-revert");
      expect(error.code).to.equal("UNKNOWN_REVERT");
      expect(error.data).to.equal(data);
      expect(error.message).to.contain("0xdeadbeef").and.contain("matches no known error");

      const empty = decodeLedgerRevert("0x") as UnknownRevertError;
      expect(empty.code).to.equal("UNKNOWN_REVERT");
      expect(empty.message).to.contain("without saying why");
    });

    it("treats a known selector with undecodable arguments as unknown", function () {
      const truncated = iface.encodeErrorResult("PieceNotFound", [1n]).slice(0, 10);
      const error = decodeLedgerRevert(truncated);
      expect(error).to.be.instanceOf(UnknownRevertError);
      expect(error.code).to.equal("UNKNOWN_REVERT");
    });
  });

  describe("real reverts on the embedded chain", function () {
    it("decodes a double pledge from staticCall, with the piece, both statuses and the rule", async function () {
      const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
      const { terms, consent } = await secondPledge(c, root);
      const refusal = await refusalOf(() => c.contracts.ledger.connect(c.actors.bankY).pledge.staticCall(terms, consent));

      expect(refusal.code).to.equal("PIECE_NOT_IN_STATUS");
      expect(refusal.errorName).to.equal("PieceNotInStatus");
      expect(refusal.args).to.deep.equal({ pieceId: root, status: "Pledged", required: "Active" });
      expect(refusal.message).to.contain(`Piece 1.0 (id ${root}) is pledged but this operation needs it active`).and.contain("(R9)");
      expect(refusal.cause).to.be.an("error");
    });

    it("decodes the same double pledge from a sent transaction (no gas estimate)", async function () {
      const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
      const { terms, consent } = await secondPledge(c, root);
      const refusal = await refusalOf(() =>
        c.contracts.ledger.connect(c.actors.bankY).pledge(terms, consent, { gasLimit: 1_000_000n }),
      );
      expect(refusal.code).to.equal("PIECE_NOT_IN_STATUS");
      expect(refusal.args.status).to.equal("Pledged");
      // Nothing changed: bankX still holds the pledge.
      expect((await c.contracts.ledger.pledgeOf(root)).pledgee).to.equal(c.actors.bankX.address);
    });

    it("decodes a transfer by a non-holder from estimateGas, naming caller and holder", async function () {
      const { c, root } = await networkHelpers.loadFixture(consortiumFixture);
      const { supplierA, supplierB, supplierC } = c.actors;
      const { request, attestations } = await buildTransfer(ethers, c, {
        from: supplierB,
        to: supplierC,
        pieceId: root,
        amount: MILLION_CNY,
      });
      const refusal = await refusalOf(() => c.contracts.ledger.connect(supplierB).splitTransfer.estimateGas(request, attestations));

      expect(refusal.code).to.equal("NOT_PIECE_HOLDER");
      expect(refusal.args).to.deep.equal({ pieceId: root, caller: supplierB.address, holder: supplierA.address });
      expect(refusal.message).to.equal(`${supplierB.address} does not hold piece 1.0 (id ${root}); its holder is ${supplierA.address}.`);
    });

    it("decodes an unknown piece from a view call", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const unknown = (99n << 16n) | 3n;
      const refusal = await refusalOf(() => c.contracts.ledger.lineageOf(unknown));
      expect(refusal.code).to.equal("PIECE_NOT_FOUND");
      expect(refusal.args).to.deep.equal({ pieceId: unknown });
      expect(refusal.message).to.equal(`There is no piece 99.3 (id ${unknown}).`);
    });

    it("decodes OpenZeppelin's AccessControlUnauthorizedAccount for an admin call by an outsider", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const { outsider } = c.actors;
      const refusal = await refusalOf(() => c.contracts.ledger.connect(outsider).pause());
      expect(refusal.code).to.equal("ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT");
      expect(refusal.args).to.deep.equal({ account: outsider.address, neededRole: "CONSORTIUM_ADMIN_ROLE" });
      expect(refusal.message).to.contain(outsider.address).and.contain("CONSORTIUM_ADMIN_ROLE");
    });

    it("decodes EnforcedPause on a paused ledger and ExpectedPause on a second unpause", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      await c.contracts.ledger.pause();
      const { issuer, request, attestations } = await buildIssue(ethers, c);
      const paused = await refusalOf(() => c.contracts.ledger.connect(issuer).issue(request, attestations));
      expect(paused.code).to.equal("ENFORCED_PAUSE");
      expect(paused.args).to.deep.equal({});
      expect(paused.message).to.contain("paused");

      await c.contracts.ledger.unpause();
      const notPaused = await refusalOf(() => c.contracts.ledger.unpause());
      expect(notPaused.code).to.equal("EXPECTED_PAUSE");
    });

    it("decodes a reused trade document with its key (R2)", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const key = documentKey("errors-test-invoice-24312000000000000001");
      await issueVoucher(ethers, c, { documentKeys: [key] });
      const { issuer, request, attestations } = await buildIssue(ethers, c, { documentKeys: [key] });
      const refusal = await refusalOf(() => c.contracts.ledger.connect(issuer).issue(request, attestations));
      expect(refusal.code).to.equal("DOCUMENT_KEY_ALREADY_USED");
      expect(refusal.args).to.deep.equal({ documentKey: key });
      expect(refusal.message).to.contain(key).and.contain("(R2)");
    });

    it("formats amounts in CNY: an exceeded credit line", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      // coreA already owes the fixture's 1,000,000.00 CNY voucher.
      const amount = CREDIT_LINE - MILLION_CNY + 1n;
      const { issuer, request, attestations } = await buildIssue(ethers, c, { amount });
      const refusal = await refusalOf(() => c.contracts.ledger.connect(issuer).issue.staticCall(request, attestations));
      expect(refusal.code).to.equal("CREDIT_LINE_EXCEEDED");
      expect(refusal.args).to.deep.equal({ issuer: issuer.address, outstandingAfter: CREDIT_LINE + 1n, creditLine: CREDIT_LINE });
      expect(refusal.message).to.equal(
        `Issuing would bring the outstanding vouchers of ${issuer.address} to 100,000,000.01 CNY, above its credit line of 100,000,000.00 CNY (R14).`,
      );
    });

    it("formats times as ISO dates: an expired attestation", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const deadline = (await latestTimestamp(ethers)) - 60n;
      const { issuer, request, attestations } = await buildIssue(ethers, c, { deadline });
      const refusal = await refusalOf(() => c.contracts.ledger.connect(issuer).issue(request, attestations));
      expect(refusal.code).to.equal("ATTESTATION_EXPIRED");
      expect(refusal.args.deadline).to.equal(deadline);
      expect(refusal.args.currentTime).to.be.a("bigint").and.satisfy((t: bigint) => t > deadline);
      const iso = new Date(Number(deadline) * 1000).toISOString().replace(".000Z", "Z");
      expect(refusal.message).to.contain(`expired at ${iso}`);
    });

    it("names member statuses and roles", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const { supplierA, supplierB } = c.actors;
      await c.contracts.registry.setMemberStatus(supplierB.address, MemberStatus.Suspended);
      const toSuspended = await buildIssue(ethers, c, { holder: supplierB });
      const ledger = c.contracts.ledger.connect(toSuspended.issuer);
      const suspended = await refusalOf(() => ledger.issue(toSuspended.request, toSuspended.attestations));
      expect(suspended.code).to.equal("MEMBER_NOT_ACTIVE");
      expect(suspended.args).to.deep.equal({ account: supplierB.address, status: "Suspended" });
      expect(suspended.message).to.contain("suspended");

      const bySupplier = await buildIssue(ethers, c, { issuer: supplierA, holder: c.actors.supplierC });
      const lacksRole = await refusalOf(() => c.contracts.ledger.connect(supplierA).issue(bySupplier.request, bySupplier.attestations));
      expect(lacksRole.code).to.equal("MEMBER_LACKS_ROLE");
      expect(lacksRole.args).to.deep.equal({ account: supplierA.address, role: "CoreEnterprise" });
      expect(lacksRole.message).to.equal(`${supplierA.address} does not hold the CoreEnterprise role this operation needs.`);
    });

    it("decodes the fee schedule's errors too", async function () {
      const { c } = await networkHelpers.loadFixture(consortiumFixture);
      const { outsider } = c.actors;
      const now = await latestTimestamp(ethers);
      const items = [{ service: encodeBytes32String("ISSUE"), fixedFee: 1_000n, rateBps: 5, payer: 0 }];
      const refusal = await refusalOf(() => c.contracts.feeSchedule.connect(outsider).publish(now + DAY, items, id("fees-2025")));
      expect(refusal.code).to.equal("FEE_SCHEDULE_CALLER_NOT_OPERATOR");
      expect(refusal.args).to.deep.equal({ caller: outsider.address });
      expect(refusal.message).to.contain(outsider.address).and.contain("(R12)");
    });

    it("decodes through a plain ethers provider over the same chain (ethers' own error shapes)", async function () {
      const { c, root } = await networkHelpers.loadFixture(pledgedFixture);
      const { terms, consent } = await secondPledge(c, root);
      const provider = new BrowserProvider(connection.provider as unknown as Eip1193Provider);
      const bankY = await provider.getSigner(c.actors.bankY.address);
      const ledger = VoucherLedger__factory.connect(await c.contracts.ledger.getAddress(), bankY);

      // estimateGas: CALL_EXCEPTION with the data in `data` and `info.error.data`.
      const estimated = await refusalOf(() => ledger.pledge(terms, consent));
      // explicit gas: ethers cannot coalesce the node's error and leaves the data in `error.data`.
      const sent = await refusalOf(() => ledger.pledge(terms, consent, { gasLimit: 1_000_000n }));
      for (const refusal of [estimated, sent]) {
        expect(refusal.code).to.equal("PIECE_NOT_IN_STATUS");
        expect(refusal.args).to.deep.equal({ pieceId: root, status: "Pledged", required: "Active" });
      }
      expect((estimated.cause as { code?: string }).code).to.equal("CALL_EXCEPTION");
      expect((sent.cause as { code?: string }).code).to.equal("UNKNOWN_ERROR");
    });

    it("reports a real revert with an error outside the ABIs as unknown-revert", async function () {
      const [minter] = await ethers.getSigners();
      const anchor = await ethers.deployContract("Erc721Anchor");
      await anchor.getFunction("mint")(minter.address, 1n);
      const error = await failureOf(() => anchor.getFunction("mint")(minter.address, 1n));

      expect(error).to.be.instanceOf(UnknownRevertError);
      expect(error.kind).to.equal("unknown-revert");
      expect(error.code).to.equal("UNKNOWN_REVERT");
      const selector = id("ERC721InvalidSender(address)").slice(0, 10);
      expect((error as UnknownRevertError).data.startsWith(selector)).to.equal(true);
      expect(error.message).to.contain(selector);
    });
  });

  describe("toEVoucherError()", function () {
    it("passes an SDK error through unchanged, also through callLedger", async function () {
      const refusal = decodeLedgerRevert(new Interface(VoucherLedger__factory.abi).encodeErrorResult("AmountZero", []));
      expect(toEVoucherError(refusal)).to.equal(refusal);
      const argument = new InvalidArgumentError("pieceId", -3, "expected a positive integer");
      expect(await failureOf(() => Promise.reject(argument))).to.equal(argument);
    });

    it("returns what callLedger's function returns when it succeeds", async function () {
      const { c, root } = await networkHelpers.loadFixture(consortiumFixture);
      const piece = await callLedger(() => c.contracts.ledger.pieceOf(root));
      expect(piece.amount).to.equal(MILLION_CNY);
      expect(piece.holder).to.equal(c.actors.supplierA.address);
    });

    it("maps a MoneyError to invalid-argument, keeping its code as reason and its message", function () {
      const moneyError = thrown(() => cnyToFen("1234.567", "faceAmount")) as MoneyError;
      expect(moneyError).to.be.instanceOf(MoneyError);
      const error = toEVoucherError(moneyError);
      expect(error).to.be.instanceOf(InvalidArgumentError);
      expect(error.kind).to.equal("invalid-argument");
      expect(error.code).to.equal("INVALID_ARGUMENT");
      const invalid = error as InvalidArgumentError;
      expect(invalid.argument).to.equal("faceAmount");
      expect(invalid.value).to.equal("1234.567");
      expect(invalid.reason).to.equal("AMOUNT_TOO_PRECISE");
      expect(invalid.message).to.equal(moneyError.message);
      expect(invalid.cause).to.equal(moneyError);
    });

    it("maps ethers' own argument refusal (a uint64 overflow) to invalid-argument", async function () {
      const { c, root } = await networkHelpers.loadFixture(consortiumFixture);
      const error = await failureOf(() => c.contracts.ledger.connect(c.actors.supplierA).split.staticCall(root, 2n ** 64n));
      expect(error).to.be.instanceOf(InvalidArgumentError);
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect((error as InvalidArgumentError).value).to.equal(2n ** 64n);
      expect((error as InvalidArgumentError).reason).to.equal("INVALID_ARGUMENT");
    });

    it("makes a mined transaction that reverted without data an unknown-revert naming the transaction", function () {
      const hash = id("a transaction");
      const error = toEVoucherError(
        makeError("transaction execution reverted", "CALL_EXCEPTION", {
          action: "sendTransaction",
          data: null,
          reason: null,
          invocation: null,
          revert: null,
          transaction: { to: ZeroAddress, from: ZeroAddress, data: "0x12345678" },
          receipt: { hash, blockNumber: 42 } as never,
        }),
      );
      expect(error).to.be.instanceOf(UnknownRevertError);
      expect(error.code).to.equal("UNKNOWN_REVERT");
      expect((error as UnknownRevertError).details.transactionHash).to.equal(hash);
      expect(error.message).to.contain(hash).and.contain("block 42").and.contain("staticCall");
    });

    it("finds revert data nested where other nodes put it, but never in the call data", function () {
      const data = new Interface(VoucherLedger__factory.abi).encodeErrorResult("PieceNotFound", [65_536n]);
      const nested = [
        { code: "UNKNOWN_ERROR", error: { code: -32000, message: "execution reverted", data } },
        { code: "CALL_EXCEPTION", data: null, info: { error: { code: 3, data } } },
        { code: -32015, message: "VM execution error.", data: `Reverted ${data}` },
        { error: { error: { data: { data } } } },
      ];
      for (const shape of nested) {
        const error = toEVoucherError(shape);
        expect(error.code, JSON.stringify(shape)).to.equal("PIECE_NOT_FOUND");
      }
      const callData = VoucherLedger__factory.createInterface().encodeFunctionData("pieceOf", [65_536n]);
      const notARevert = toEVoucherError({
        code: "UNKNOWN_ERROR",
        transaction: { data: callData },
        payload: { params: [{ data: callData }] },
      });
      expect(notARevert).to.be.instanceOf(UnexpectedError);
    });

    it("keeps anything else as unexpected with the ethers code", function () {
      const funds = toEVoucherError(makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction: {} }));
      expect(funds).to.be.instanceOf(UnexpectedError);
      expect(funds.kind).to.equal("unexpected");
      expect(funds.code).to.equal("INSUFFICIENT_FUNDS");
      const plain = toEVoucherError(new Error("boom"));
      expect(plain.code).to.equal("UNEXPECTED");
      expect(plain.message).to.equal("boom");
    });
  });

  describe("network failures", function () {
    it("makes a node on a closed port a NetworkError, not a refusal", async function () {
      const provider = new JsonRpcProvider("http://127.0.0.1:1", 31337, { staticNetwork: Network.from(31337) });
      try {
        const blockNumber = await failureOf(() => provider.getBlockNumber());
        const ledger = VoucherLedger__factory.connect("0x00000000000000000000000000000000000000A1", provider);
        const call = await failureOf(() => ledger.pieceOf(65_536n));
        for (const error of [blockNumber, call]) {
          expect(error).to.be.instanceOf(NetworkError);
          expect(error).to.not.be.instanceOf(LedgerRefusal);
          expect(error.kind).to.equal("network");
          expect(error.code).to.equal("NETWORK_ERROR");
          expect((error as NetworkError).url).to.equal("127.0.0.1:1");
          expect(error.message).to.contain("could not be reached").and.contain("ECONNREFUSED");
        }
      } finally {
        provider.destroy();
      }
    });

    it("makes Hardhat's HTTP provider on a closed port a NetworkError", async function () {
      const closed = await network.create({ network: "localhost", override: { url: "http://127.0.0.1:1" } });
      try {
        const error = await failureOf(() => closed.ethers.provider.getBlockNumber());
        expect(error).to.be.instanceOf(NetworkError);
        expect(error.code).to.equal("NETWORK_ERROR");
      } finally {
        await closed.close();
      }
    });

    it("tells a timeout, a server error and a garbage answer apart", async function () {
      const server = await localServer((request, response) => {
        if (request.url === "/hang") return; // never answers
        if (request.url === "/fail") return void response.writeHead(502).end("bad gateway");
        response.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
      });
      const providerAt = (path: string) => {
        const request = new FetchRequest(`${server.url}${path}`);
        request.timeout = 200;
        return new JsonRpcProvider(request, 31337, { staticNetwork: Network.from(31337) });
      };
      const cases = [
        ["/hang", "TIMEOUT"],
        ["/fail", "SERVER_ERROR"],
        ["/garbage", "BAD_RESPONSE"],
      ] as const;
      try {
        for (const [path, code] of cases) {
          const provider = providerAt(path);
          try {
            const error = await failureOf(() => provider.getBlockNumber());
            expect(error, path).to.be.instanceOf(NetworkError);
            expect(error.code, path).to.equal(code);
          } finally {
            provider.destroy();
          }
        }
      } finally {
        await server.close();
      }
    });
  });

  describe("oracle failures", function () {
    const failures = [
      { code: "INVOICE_ALREADY_USED", path: "/invoices/0/number", message: "Invoice 24312000000000000001 already backs a voucher." },
      { code: "AMOUNT_EXCEEDS_INVOICES", path: "/amount", message: "The amount exceeds the invoices' total of 800,000.00 CNY." },
    ];

    it("makes a 4xx answer ORACLE_REFUSED with the oracle's failures, URL and status", async function () {
      const server = await localServer((_, response) => {
        response.writeHead(422, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "PACKAGE_REFUSED", message: "2 checks failed", failures } }));
      });
      try {
        const url = `${server.url}/v1/attestations/issue`;
        const response = await fetch(url, { method: "POST", body: "{}" });
        const error = oracleErrorFromResponse(url, response.status, await response.json());
        expect(error.kind).to.equal("oracle");
        expect(error.code).to.equal("ORACLE_REFUSED");
        expect(error.url).to.equal(url);
        expect(error.status).to.equal(422);
        expect(error.oracleCode).to.equal("PACKAGE_REFUSED");
        expect(error.failures).to.deep.equal(failures);
        expect(error.message).to.contain(url).and.contain("/invoices/0/number: Invoice 24312000000000000001 already backs a voucher");
      } finally {
        await server.close();
      }
    });

    it("makes a 5xx answer, a refused connection and a timeout ORACLE_UNREACHABLE", async function () {
      const server = await localServer((request, response) => {
        if (request.url === "/hang") return;
        response.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "restarting" } }));
      });
      try {
        const response = await fetch(`${server.url}/busy`);
        const busy = oracleErrorFromResponse(`${server.url}/busy`, response.status, await response.json());
        expect(busy.code).to.equal("ORACLE_UNREACHABLE");
        expect(busy.status).to.equal(503);
        expect(busy.message).to.contain("HTTP 503: restarting");

        const closedUrl = `http://127.0.0.1:${await closedPort()}/v1/attestations/issue`;
        const refused = oracleUnreachable(closedUrl, await fetch(closedUrl).then(() => expect.fail("connected"), (e: unknown) => e));
        expect(refused.code).to.equal("ORACLE_UNREACHABLE");
        expect(refused.url).to.equal(closedUrl);
        expect(refused.status).to.equal(undefined);
        expect(refused.message).to.contain(closedUrl).and.contain("ECONNREFUSED");

        const slow = await fetch(`${server.url}/hang`, { signal: AbortSignal.timeout(100) }).then(
          () => expect.fail("answered"),
          (e: unknown) => e,
        );
        const timedOut = oracleUnreachable(`${server.url}/hang`, slow);
        expect(timedOut.code).to.equal("ORACLE_UNREACHABLE");
        expect(timedOut.message).to.contain("no answer in time");
      } finally {
        await server.close();
      }
    });

    it("gathers the failures of each oracle when the quorum is missed", function () {
      const down = OracleError.unreachable("http://oracle-1", "connect ECONNREFUSED");
      const refused = OracleError.refused("http://oracle-2", 422, "PACKAGE_REFUSED", "refused", failures.slice(0, 1));
      const error = OracleError.quorumNotMet(2, 1, [down, refused]);
      expect(error.code).to.equal("ORACLE_QUORUM_NOT_MET");
      expect(error.oracleErrors).to.deep.equal([down, refused]);
      expect(error.url).to.equal("http://oracle-1, http://oracle-2");
      expect(error.message).to.contain("Only 1 of the 2").and.contain("http://oracle-1").and.contain("already backs a voucher");
      expect(OracleError.faulty("http://oracle-3", "its attestation names another amount").code).to.equal("ORACLE_FAULTY");
    });
  });

  describe("argument checks", function () {
    function refusedArgument(action: () => unknown, argument: string): InvalidArgumentError {
      const error = thrown(action);
      expect(error).to.be.instanceOf(InvalidArgumentError);
      expect(isEVoucherError(error, "INVALID_ARGUMENT")).to.equal(true);
      expect((error as InvalidArgumentError).argument).to.equal(argument);
      return error as InvalidArgumentError;
    }

    it("requirePieceId: a positive integer with a voucher number", function () {
      const negative = refusedArgument(() => requirePieceId("pieceId", -3), "pieceId");
      expect(negative.message).to.equal("pieceId: expected a positive integer, got -3");
      expect(negative.value).to.equal(-3);
      const fraction = refusedArgument(() => requirePieceId("pieceId", 1.5), "pieceId");
      expect(fraction.message).to.equal("pieceId: expected a positive integer, got 1.5");
      expect(refusedArgument(() => requirePieceId("pieceId", "65536"), "pieceId").message).to.contain('got "65536"');
      expect(refusedArgument(() => requirePieceId("pieceId", 5n), "pieceId").message).to.contain("voucherId << 16 | index");
      expect(requirePieceId("pieceId", 65_536)).to.equal(65_536n);
      expect(requirePieceId("pieceId", 65_537n)).to.equal(65_537n);
      expect(requireVoucherId("voucherId", 1)).to.equal(1n);
      refusedArgument(() => requireVoucherId("voucherId", 0n), "voucherId");
    });

    it("requireAddress: checksummed, never zero, never a name", function () {
      const lower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
      expect(requireAddress("pledgee", lower)).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      refusedArgument(() => requireAddress("pledgee", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"), "pledgee"); // bad checksum
      refusedArgument(() => requireAddress("pledgee", ZeroAddress), "pledgee");
      refusedArgument(() => requireAddress("pledgee", "bank.eth"), "pledgee");
      refusedArgument(() => requireAddress("pledgee", 42), "pledgee");
    });

    it("requireFen / requirePositiveFen: bigint fen within uint64", function () {
      expect(requireFen("creditLine", 0n)).to.equal(0n);
      expect(requirePositiveFen("amount", MAX_FEN)).to.equal(MAX_FEN);
      const zero = refusedArgument(() => requirePositiveFen("amount", 0n), "amount");
      expect(zero.message).to.equal("amount: expected a positive amount in fen, got 0");
      refusedArgument(() => requireFen("creditLine", -1n), "creditLine");
      refusedArgument(() => requireFen("creditLine", MAX_FEN + 1n), "creditLine");
      expect(refusedArgument(() => requirePositiveFen("amount", 100), "amount").message).to.contain("cnyToFen");
      expect(formatCny(requirePositiveFen("amount", cnyToFen("1234.56")))).to.equal("1,234.56 CNY");
    });

    it("requireUnixSeconds: whole seconds, with a hint for milliseconds", function () {
      expect(requireUnixSeconds("maturity", 1_750_000_000)).to.equal(1_750_000_000n);
      expect(refusedArgument(() => requireUnixSeconds("maturity", 1_750_000_000_000), "maturity").message).to.contain("not milliseconds");
      refusedArgument(() => requireUnixSeconds("maturity", 1.5), "maturity");
      refusedArgument(() => requireUnixSeconds("maturity", -1n), "maturity");
    });

    it("requireBytes32, requireBps and requireUscc", function () {
      const key = id("key");
      expect(requireBytes32("documentKey", key.toUpperCase().replace("0X", "0x"))).to.equal(key);
      refusedArgument(() => requireBytes32("documentKey", "0x" + "00".repeat(32)), "documentKey");
      expect(requireBytes32("reviewHash", "0x" + "00".repeat(32), { allowZero: true })).to.equal("0x" + "00".repeat(32));
      refusedArgument(() => requireBytes32("documentKey", "0x1234"), "documentKey");
      expect(requireBps("annualRateBps", 450)).to.equal(450);
      refusedArgument(() => requireBps("annualRateBps", 10_001), "annualRateBps");
      expect(requireUscc("payeeUscc", VALID_USCC)).to.equal(VALID_USCC);
      refusedArgument(() => requireUscc("payeeUscc", "91350100M000100Y4Z"), "payeeUscc");
    });
  });

  describe("helpers", function () {
    it("formats pieces, times, durations and roles for the sentences", function () {
      expect(formatPieceRef(65_537n)).to.equal("piece 1.1 (id 65537)");
      expect(formatUnixTime(1_735_689_600n)).to.equal("2025-01-01T00:00:00Z");
      expect(formatUnixTime(2n ** 256n - 1n)).to.match(/^Unix time \d+$/);
      expect(formatDuration(365n * DAY)).to.equal("365 days");
      expect(formatDuration(90_061)).to.equal("1 day 1 h 1 min 1 s");
      expect(roleNames(0)).to.equal("none");
      expect(roleNames(2 | 4)).to.equal("Supplier+Bank");
      expect(roleNames(64)).to.equal("bit6");
      expect(toScreamingSnakeCase("ECDSAInvalidSignature")).to.equal("ECDSA_INVALID_SIGNATURE");
      expect(toScreamingSnakeCase("RegistryInvalidUscc")).to.equal("REGISTRY_INVALID_USCC");
    });

    it("isLedgerRefusal narrows to one error", function () {
      const refusal = decodeLedgerRevert(new Interface(VoucherLedger__factory.abi).encodeErrorResult("VoucherNotFound", [7n]));
      expect(isLedgerRefusal(refusal, "VoucherNotFound")).to.equal(true);
      expect(isLedgerRefusal(refusal, "PieceNotFound")).to.equal(false);
      if (isLedgerRefusal(refusal, "VoucherNotFound")) expect(refusal.args.voucherId).to.equal(7n);
      expect(ErrorFragment.from("error VoucherNotFound(uint256 voucherId)").selector).to.equal(refusal.data.slice(0, 10));
    });
  });
});
