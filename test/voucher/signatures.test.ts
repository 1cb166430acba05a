import { expect } from "chai";
import { network } from "hardhat";
import { ethers as ethersLib, type ContractTransactionResponse, type TypedDataDomain, type TypedDataField } from "ethers";
import {
  MILLION_CNY,
  buildIssue,
  buildTransfer,
  deployConsortium,
  issueVoucher,
  signSorted,
  type Consortium,
} from "../fixtures/consortium.js";
import { testUscc } from "../helpers/uscc.js";
import { DEFAULT_POLICY, MemberRole, MemberStatus, pieceIdOf } from "../../src/sdk/constants.js";
import { ISSUE_ATTESTATION_TYPES, TRANSFER_ATTESTATION_TYPES, ledgerDomain } from "../../src/sdk/eip712.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const MAX_ATTESTATIONS = 16;

/**
 * The consortium with a voucher (root piece held by supplierA), and a second ledger on the same chain with the
 * same members and the same root piece: an attestation made for one ledger must not be accepted by the other.
 */
async function attestationFixture() {
  const c = await deployConsortium(ethers);
  const rootId = await issueVoucher(ethers, c, { amount: MILLION_CNY });

  const { admin, coreA, supplierA, supplierB, bankX, oracle1, oracle2, oracle3 } = c.actors;
  const mirror = (await ethers.deployContract("VoucherLedger", [admin.address, DEFAULT_POLICY])) as unknown as VoucherLedger;
  const mirrorMembers: Array<[string, number]> = [
    [coreA.address, MemberRole.CoreEnterprise],
    [supplierA.address, MemberRole.Supplier],
    [supplierB.address, MemberRole.Supplier],
    [bankX.address, MemberRole.Bank],
    [oracle1.address, MemberRole.Oracle],
    [oracle2.address, MemberRole.Oracle],
    [oracle3.address, MemberRole.Oracle],
  ];
  for (const [index, [account, role]] of mirrorMembers.entries()) {
    await mirror.connect(admin).registerMember(account, usccToBytes18(testUscc(200 + index)), role, 0);
  }
  await mirror.connect(admin).setCreditLine(coreA.address, 100n * MILLION_CNY);
  await mirror.connect(admin).setClearingBank(coreA.address, bankX.address);
  const { chainId } = await ethers.provider.getNetwork();
  const mirrorDomain = ledgerDomain(chainId, await mirror.getAddress());
  const mirrorConsortium: Consortium = { ...c, contracts: { ...c.contracts, ledger: mirror, registry: mirror }, domain: mirrorDomain };
  const mirrorRootId = await issueVoucher(ethers, mirrorConsortium, { amount: MILLION_CNY });

  return { c, rootId, mirror, mirrorDomain, mirrorRootId, chainId };
}

type Scenario = Awaited<ReturnType<typeof attestationFixture>>;

/** A request that oracles attest, independent of whether it is an issue or a transfer. */
interface Attestable {
  types: Record<string, TypedDataField[]>;
  /** The EIP-712 message the oracles sign. */
  value: Record<string, unknown>;
  documentKeys: string[];
  send(ledger: VoucherLedger, attestations: string[]): Promise<ContractTransactionResponse>;
  /** The same request with its amount raised by one fen after it was signed. */
  tampered(): Attestable;
}

interface AttestedOperation {
  title: string;
  successEvent: string;
  prepare(s: Scenario, options?: { deadline?: bigint }): Promise<Attestable>;
}

type IssueRequest = Awaited<ReturnType<typeof buildIssue>>["request"];
type TransferRequest = Awaited<ReturnType<typeof buildTransfer>>["request"];

function issueAttestable(s: Scenario, request: IssueRequest): Attestable {
  const issuer = s.c.actors.coreA;
  return {
    types: ISSUE_ATTESTATION_TYPES,
    value: { issuer: issuer.address, ...request },
    documentKeys: request.documentKeys,
    send: (ledger, attestations) => ledger.connect(issuer).issue(request, attestations),
    tampered: () => issueAttestable(s, { ...request, amount: request.amount + 1n }),
  };
}

function transferAttestable(s: Scenario, request: TransferRequest): Attestable {
  const from = s.c.actors.supplierA;
  return {
    types: TRANSFER_ATTESTATION_TYPES,
    value: { from: from.address, ...request },
    documentKeys: request.documentKeys,
    send: (ledger, attestations) => ledger.connect(from).splitTransfer(request, attestations),
    tampered: () => transferAttestable(s, { ...request, amount: request.amount + 1n }),
  };
}

const OPERATIONS: AttestedOperation[] = [
  {
    title: ".issue()",
    successEvent: "VoucherIssued",
    async prepare(s, options = {}) {
      const { request } = await buildIssue(ethers, s.c, { attestors: [], deadline: options.deadline });
      return issueAttestable(s, request);
    },
  },
  {
    title: ".splitTransfer()",
    successEvent: "PieceSplit",
    async prepare(s, options = {}) {
      const { supplierA, supplierB } = s.c.actors;
      const { request } = await buildTransfer(ethers, s.c, {
        from: supplierA,
        to: supplierB,
        pieceId: s.rootId,
        amount: MILLION_CNY / 4n,
        attestors: [],
        deadline: options.deadline,
      });
      return transferAttestable(s, request);
    },
  },
];

interface TypedDataSigner {
  address: string;
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

/** Signatures of `signers` over the request, sorted by signer address (as the ledger requires). */
async function attest(signers: TypedDataSigner[], a: Attestable, domain: TypedDataDomain): Promise<string[]> {
  return signSorted(signers, (signer) => signer.signTypedData(domain, a.types, a.value));
}

/** The address the ledger recovers from `signature` for request `a` under `domain`. */
function recoveredSigner(a: Attestable, domain: TypedDataDomain, signature: string): string {
  return ethersLib.verifyTypedData(domain, a.types, a.value, signature);
}

function byAddress<T extends { address: string }>(signers: T[]): T[] {
  return [...signers].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
}

async function setQuorum(s: Scenario, quorum: number) {
  await s.c.contracts.ledger.connect(s.c.actors.admin).setPolicy({ ...DEFAULT_POLICY, attestationQuorum: quorum });
}

describe("VoucherLedger attestations", function () {
  for (const operation of OPERATIONS) {
    describe(operation.title, function () {
      describe("when one registered oracle attests (k = 1)", function () {
        it(`succeeds with ${operation.successEvent}`, async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, await attest([s.c.actors.oracle1], a, s.c.domain))).to.emit(
            s.c.contracts.ledger,
            operation.successEvent,
          );
        });
      });

      describe("when the same request and attestation are replayed", function () {
        it("reverts with DocumentKeyAlreadyUsed", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const { ledger } = s.c.contracts;
          const a = await operation.prepare(s);
          const attestations = await attest([s.c.actors.oracle1], a, s.c.domain);
          await a.send(ledger, attestations);
          await expect(a.send(ledger, attestations))
            .to.be.revertedWithCustomError(ledger, "DocumentKeyAlreadyUsed")
            .withArgs(a.documentKeys[0]);
        });
      });

      describe("when the attestation was signed for another chain id", function () {
        it("reverts with AttestorNotOracle for the address recovered on this chain", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const otherChain = { ...s.c.domain, chainId: s.chainId + 1n };
          const [signature] = await attest([s.c.actors.oracle1], a, otherChain);
          const recovered = recoveredSigner(a, s.c.domain, signature);
          expect(recovered).to.not.equal(s.c.actors.oracle1.address);
          await expect(a.send(s.c.contracts.ledger, [signature]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(recovered);
        });
      });

      describe("when the attestation was signed for another ledger contract", function () {
        it("reverts with AttestorNotOracle for the address recovered on this ledger", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.mirrorDomain);
          const recovered = recoveredSigner(a, s.c.domain, signature);
          expect(recovered).to.not.equal(s.c.actors.oracle1.address);
          await expect(a.send(s.c.contracts.ledger, [signature]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(recovered);
        });

        it("is accepted by the ledger it was signed for", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const attestations = await attest([s.c.actors.oracle1], a, s.mirrorDomain);
          await expect(a.send(s.mirror, attestations)).to.emit(s.mirror, operation.successEvent);
        });
      });

      describe("when the attestation deadline has passed", function () {
        it("reverts with AttestationExpired", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const at = BigInt(await networkHelpers.time.latest()) + 10n;
          const a = await operation.prepare(s, { deadline: at - 1n });
          const attestations = await attest([s.c.actors.oracle1], a, s.c.domain);
          await networkHelpers.time.setNextBlockTimestamp(at);
          await expect(a.send(s.c.contracts.ledger, attestations))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationExpired")
            .withArgs(at - 1n, at);
        });
      });

      describe("when the signer is not a member", function () {
        it("reverts with AttestorNotOracle", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const stranger = ethersLib.Wallet.createRandom();
          await expect(a.send(s.c.contracts.ledger, await attest([stranger], a, s.c.domain)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(stranger.address);
        });
      });

      describe("when the signer is a member without the oracle role", function () {
        it("reverts with AttestorNotOracle", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const { auditor } = s.c.actors;
          await expect(a.send(s.c.contracts.ledger, await attest([auditor], a, s.c.domain)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(auditor.address);
        });
      });

      describe("when the signer's oracle role was removed", function () {
        it("reverts with AttestorNotOracle", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const { admin, oracle1 } = s.c.actors;
          const a = await operation.prepare(s);
          const attestations = await attest([oracle1], a, s.c.domain);
          await s.c.contracts.registry.connect(admin).setMemberRoles(oracle1.address, MemberRole.Auditor);
          await expect(a.send(s.c.contracts.ledger, attestations))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(oracle1.address);
        });
      });

      describe("when the signing oracle is suspended", function () {
        it("reverts with AttestorNotOracle", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const { admin, oracle1 } = s.c.actors;
          const a = await operation.prepare(s);
          const attestations = await attest([oracle1], a, s.c.domain);
          await s.c.contracts.registry.connect(admin).setMemberStatus(oracle1.address, MemberStatus.Suspended);
          await expect(a.send(s.c.contracts.ledger, attestations))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(oracle1.address);
        });
      });

      describe("when no attestation is given", function () {
        it("reverts with AttestationQuorumNotMet", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, []))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationQuorumNotMet")
            .withArgs(0n, 1n);
        });
      });

      describe("when the quorum is 2 and one oracle attests", function () {
        it("reverts with AttestationQuorumNotMet", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 2);
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, await attest([s.c.actors.oracle1], a, s.c.domain)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationQuorumNotMet")
            .withArgs(1n, 2n);
        });
      });

      describe("when the quorum is 3 and two oracles attest", function () {
        it("reverts with AttestationQuorumNotMet", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 3);
          const { oracle1, oracle2 } = s.c.actors;
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, await attest([oracle1, oracle2], a, s.c.domain)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationQuorumNotMet")
            .withArgs(2n, 3n);
        });
      });

      describe("when the quorum is 2 and one oracle signs twice", function () {
        it("reverts with AttestorDuplicated", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 2);
          const { oracle1 } = s.c.actors;
          const a = await operation.prepare(s);
          const [signature] = await attest([oracle1], a, s.c.domain);
          await expect(a.send(s.c.contracts.ledger, [signature, signature]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorDuplicated")
            .withArgs(oracle1.address);
        });
      });

      describe("when the signatures are not sorted by signer address", function () {
        it("reverts with AttestorsNotAscending", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [low, high] = byAddress([s.c.actors.oracle1, s.c.actors.oracle2]);
          const ascending = await attest([low, high], a, s.c.domain);
          await expect(a.send(s.c.contracts.ledger, [ascending[1], ascending[0]]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorsNotAscending")
            .withArgs(high.address, low.address);
        });
      });

      describe("when a signature is malformed", function () {
        it("reverts with AttestationSignatureInvalid(0) for a 64-byte (EIP-2098 compact) signature", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.c.domain);
          const compact = ethersLib.Signature.from(signature).compactSerialized;
          expect(ethersLib.dataLength(compact)).to.equal(64);
          await expect(a.send(s.c.contracts.ledger, [compact]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationSignatureInvalid")
            .withArgs(0n);
        });

        it("reverts with AttestationSignatureInvalid(1) for garbage after a valid signature", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.c.domain);
          const garbage = ethersLib.concat([ethersLib.ZeroHash, ethersLib.ZeroHash, "0x1b"]);
          await expect(a.send(s.c.contracts.ledger, [signature, garbage]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationSignatureInvalid")
            .withArgs(1n);
        });

        it("reverts with AttestationSignatureInvalid(0) for an empty signature", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, ["0x"]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationSignatureInvalid")
            .withArgs(0n);
        });

        it("reverts with AttestationSignatureInvalid(0) for a malleated (high-s) copy of a valid signature", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.c.domain);
          const sig = ethersLib.Signature.from(signature);
          const n = ethersLib.N;
          const highS = ethersLib.toBeHex(n - BigInt(sig.s), 32);
          const flippedV = sig.v === 27 ? "0x1c" : "0x1b";
          const malleated = ethersLib.concat([sig.r, highS, flippedV]);
          // The bare ecrecover precompile still recovers the oracle from the malleated copy: only the s-range check refuses it.
          const digest = ethersLib.TypedDataEncoder.hash(s.c.domain, a.types, a.value);
          const ecrecoverOutput = await ethers.provider.call({
            to: "0x0000000000000000000000000000000000000001",
            data: ethersLib.concat([digest, ethersLib.zeroPadValue(flippedV, 32), sig.r, highS]),
          });
          expect(ethersLib.getAddress(ethersLib.dataSlice(ecrecoverOutput, 12))).to.equal(s.c.actors.oracle1.address);
          await expect(a.send(s.c.contracts.ledger, [malleated]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestationSignatureInvalid")
            .withArgs(0n);
        });
      });

      describe("when more than 16 attestations are given", function () {
        it("reverts with TooManyAttestations", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.c.domain);
          await expect(a.send(s.c.contracts.ledger, Array(MAX_ATTESTATIONS + 1).fill(signature)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "TooManyAttestations")
            .withArgs(BigInt(MAX_ATTESTATIONS + 1), BigInt(MAX_ATTESTATIONS));
        });
      });

      describe("when exactly 16 distinct oracles attest (the bound)", function () {
        it(`succeeds with ${operation.successEvent}`, async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const { admin } = s.c.actors;
          const wallets = Array.from({ length: MAX_ATTESTATIONS }, () => ethersLib.Wallet.createRandom());
          for (const [index, wallet] of wallets.entries()) {
            await s.c.contracts.registry
              .connect(admin)
              .registerMember(wallet.address, usccToBytes18(testUscc(300 + index)), MemberRole.Oracle, 0);
          }
          const a = await operation.prepare(s);
          const attestations = await attest(wallets, a, s.c.domain);
          expect(attestations).to.have.length(MAX_ATTESTATIONS);
          await expect(a.send(s.c.contracts.ledger, attestations)).to.emit(s.c.contracts.ledger, operation.successEvent);
        });
      });

      describe("when the request was changed after signing (amount + 1 fen)", function () {
        it("reverts with AttestorNotOracle for the address recovered from the changed request", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          const a = await operation.prepare(s);
          const [signature] = await attest([s.c.actors.oracle1], a, s.c.domain);
          const changed = a.tampered();
          const recovered = recoveredSigner(changed, s.c.domain, signature);
          expect(recovered).to.not.equal(s.c.actors.oracle1.address);
          await expect(changed.send(s.c.contracts.ledger, [signature]))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(recovered);
        });
      });

      describe("when the quorum is 2 and one of two signers is no oracle", function () {
        it("reverts with AttestorNotOracle for that signer", async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 2);
          const a = await operation.prepare(s);
          const stranger = ethersLib.Wallet.createRandom();
          await expect(a.send(s.c.contracts.ledger, await attest([s.c.actors.oracle1, stranger], a, s.c.domain)))
            .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
            .withArgs(stranger.address);
        });
      });

      describe("when the quorum is 2 and two distinct oracles attest", function () {
        it(`succeeds with ${operation.successEvent}`, async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 2);
          const { oracle1, oracle3 } = s.c.actors;
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, await attest([oracle1, oracle3], a, s.c.domain))).to.emit(
            s.c.contracts.ledger,
            operation.successEvent,
          );
        });
      });

      describe("when the quorum is 2 and three distinct oracles attest", function () {
        it(`succeeds with ${operation.successEvent}`, async function () {
          const s = await networkHelpers.loadFixture(attestationFixture);
          await setQuorum(s, 2);
          const { oracle1, oracle2, oracle3 } = s.c.actors;
          const a = await operation.prepare(s);
          await expect(a.send(s.c.contracts.ledger, await attest([oracle1, oracle2, oracle3], a, s.c.domain))).to.emit(
            s.c.contracts.ledger,
            operation.successEvent,
          );
        });
      });
    });
  }

  describe(".issue()", function () {
    describe("when another core enterprise submits an attestation made for coreA", function () {
      it("reverts with AttestorNotOracle (the issuer is part of the signed message)", async function () {
        const s = await networkHelpers.loadFixture(attestationFixture);
        const { coreA, coreB, oracle1 } = s.c.actors;
        const { request, attestations } = await buildIssue(ethers, s.c, { issuer: coreA });
        const recovered = ethersLib.verifyTypedData(s.c.domain, ISSUE_ATTESTATION_TYPES, { issuer: coreB.address, ...request }, attestations[0]);
        expect(recovered).to.not.equal(oracle1.address);
        await expect(s.c.contracts.ledger.connect(coreB).issue(request, attestations))
          .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
          .withArgs(recovered);
      });
    });
  });

  describe(".splitTransfer()", function () {
    describe("when the attestation names another piece", function () {
      it("reverts with AttestorNotOracle (the piece id is part of the signed message)", async function () {
        const s = await networkHelpers.loadFixture(attestationFixture);
        const { supplierA, supplierB, oracle1 } = s.c.actors;
        const other = await issueVoucher(ethers, s.c, { amount: MILLION_CNY });
        expect(other).to.equal(pieceIdOf(2n, 0));
        const { request, attestations } = await buildTransfer(ethers, s.c, {
          from: supplierA,
          to: supplierB,
          pieceId: s.rootId,
          amount: MILLION_CNY / 2n,
        });
        const moved = { ...request, pieceId: other };
        const recovered = ethersLib.verifyTypedData(s.c.domain, TRANSFER_ATTESTATION_TYPES, { from: supplierA.address, ...moved }, attestations[0]);
        expect(recovered).to.not.equal(oracle1.address);
        await expect(s.c.contracts.ledger.connect(supplierA).splitTransfer(moved, attestations))
          .to.be.revertedWithCustomError(s.c.contracts.ledger, "AttestorNotOracle")
          .withArgs(recovered);
      });
    });
  });
});
