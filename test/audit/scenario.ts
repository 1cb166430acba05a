/**
 * The ledgers the audit tests read: an honest history with a realistic mix, at fixed dates so the monthly
 * statistics are known numbers, and the abnormal patterns of R6 planted after it.
 *
 * Honest (T0 = 2035-03-10 10:00 China Standard Time):
 *   T0      coreA issues voucher 1, 1,000,000.00 CNY, to supplierA (maturity T0 + 90 days)
 *   T0+2d   supplierA → supplierB 300,000.00 (piece 1.1, depth 1)
 *   T0+5d   supplierB → supplierC 100,000.00 (piece 1.2 from 1.1, depth 2)
 *   T0+7d   supplierB pledges 1.1 (200,000.00) to bankY, 150,000.00 secured
 *   T0+8d   supplierC pledges 1.2 to bankX, 80,000.00 secured; released by bankX at T0+20d
 *   T0+10d  supplierA factors 1.0 (700,000.00) to bankX for 690,000.00
 *   T0+25d  coreB issues voucher 2, 500,000.00, to supplierC (maturity T0+65d); T0+30d whole to supplierA
 *   T0+68d+1h voucher 2 marked overdue (coreB defaults)
 *   T0+90d  bankX (coreA's clearing bank) settles 1.0, 1.1 (pledged) and 1.2
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ethers as ethersLib } from "ethers";
import type { network } from "hardhat";
import { MemberRole } from "../../src/sdk/constants.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import { BlockClock } from "../../src/audit/blockTimes.js";
import { runAudit, type AuditChecks, type AuditRun } from "../../src/audit/audit.js";
import { JsonRpcEventSource, type EventSource } from "../../src/audit/eventSource.js";
import { eip1193Transport } from "../../src/audit/rpc.js";
import { testUscc } from "../helpers/uscc.js";
import { buildFactoring, buildPledge, DAY, deployConsortium, issueVoucher, transferPiece, type Consortium } from "../fixtures/consortium.js";

export type Connection = Awaited<ReturnType<typeof network.create>>;

/** 2035-03-10 10:00 China Standard Time. */
export const T0 = BigInt(Date.UTC(2035, 2, 10, 2, 0, 0) / 1000);
export const CNY = (yuan: number) => BigInt(yuan) * 100n;

export interface Honest {
  c: Consortium;
  v1: bigint;
  v2: bigint;
  pieces: { root1: bigint; toB: bigint; toC: bigint; root2: bigint };
  /** The last block of the honest history. */
  lastBlock: number;
}

/** Mines an empty block at `time`: plain JSON-RPC, so it works on the embedded chain and on anvil alike. */
async function at(connection: Connection, time: bigint) {
  await connection.provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(time)] });
  await connection.provider.request({ method: "evm_mine", params: [] });
}

export async function buildHonest(connection: Connection): Promise<Honest> {
  const { ethers } = connection;
  const c = await deployConsortium(ethers);
  const { coreA, coreB, supplierA, supplierB, supplierC, bankX, bankY } = c.actors;
  const ledger = c.contracts.ledger;

  await at(connection, T0);
  const root1 = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: CNY(1_000_000), maturity: T0 + 90n * DAY });
  await at(connection, T0 + 2n * DAY);
  const toB = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root1, amount: CNY(300_000) });
  await at(connection, T0 + 5n * DAY);
  const toC = await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: toB, amount: CNY(100_000) });
  await at(connection, T0 + 7n * DAY);
  const pledgeB = await buildPledge(ethers, c, { holder: supplierB, pledgee: bankY, pieceId: toB, securedAmount: CNY(150_000), registrationNumber: "04868843000012340001" });
  await (await ledger.connect(bankY).pledge(pledgeB.terms, pledgeB.consent)).wait();
  await at(connection, T0 + 8n * DAY);
  const pledgeC = await buildPledge(ethers, c, { holder: supplierC, pledgee: bankX, pieceId: toC, securedAmount: CNY(80_000), registrationNumber: "04868843000012340002" });
  await (await ledger.connect(bankX).pledge(pledgeC.terms, pledgeC.consent)).wait();
  await at(connection, T0 + 10n * DAY);
  const sale = await buildFactoring(ethers, c, { holder: supplierA, factor: bankX, pieceId: root1, purchasePrice: CNY(690_000) });
  await (await ledger.connect(bankX).factor(sale.terms, sale.consent)).wait();
  await at(connection, T0 + 20n * DAY);
  await (await ledger.connect(bankX).releasePledge(toC)).wait();

  await at(connection, T0 + 25n * DAY);
  const root2 = await issueVoucher(ethers, c, { issuer: coreB, holder: supplierC, amount: CNY(500_000), maturity: T0 + 65n * DAY });
  await at(connection, T0 + 30n * DAY);
  await transferPiece(ethers, c, { from: supplierC, to: supplierA, pieceId: root2, amount: CNY(500_000) });
  await at(connection, T0 + 68n * DAY + 3_600n);
  await (await ledger.connect(supplierA).markOverdue(root2 >> 16n)).wait();

  await at(connection, T0 + 90n * DAY);
  const settlements = [root1, toB, toC].map((pieceId) => ({ pieceId, bankReference: ethersLib.id(`EV-${pieceId >> 16n}-${pieceId & 0xffffn}`) }));
  await (await ledger.connect(bankX).settle(settlements)).wait();

  const lastBlock = Number(await ethers.provider.getBlockNumber());
  return { c, v1: root1 >> 16n, v2: root2 >> 16n, pieces: { root1, toB, toC, root2 }, lastBlock };
}

export interface Planted {
  extra: { supplierD: HardhatEthersSigner; supplierE: HardhatEthersSigner; supplierF: HardhatEthersSigner; supplierG: HardhatEthersSigner; supplierH: HardhatEthersSigner; supplierI: HardhatEthersSigner };
  burst: bigint;
  tiny: bigint;
  circular: { voucherId: bigint; piece: bigint };
  fastChain: { voucherId: bigint; deepest: bigint };
  underThreshold: bigint;
  related: { voucherId: bigint; piece: bigint };
}

/** Splits `amount` off `pieceId` to its own holder; returns the new piece id (from the receipt). */
export async function selfSplit(c: Consortium, holder: HardhatEthersSigner, pieceId: bigint, amount: bigint): Promise<bigint> {
  const ledger = c.contracts.ledger;
  const receipt = (await (await ledger.connect(holder).split(pieceId, amount)).wait())!;
  const split = receipt.logs.map((log) => ledger.interface.parseLog(log)).find((event) => event?.name === "PieceSplit")!;
  return split.args.pieceId as bigint;
}

/** Plants one instance of each abnormal pattern after the honest history (from T0 + 100 days). */
export async function plantPatterns(connection: Connection, honest: Honest): Promise<Planted> {
  const { ethers } = connection;
  const { c } = honest;
  const { admin, coreA, supplierA, supplierB, supplierC } = c.actors;
  const ledger = c.contracts.ledger;
  const [supplierD, supplierE, supplierF, supplierG, supplierH, supplierI] = (await ethers.getSigners()).slice(14, 20);
  for (const [i, signer] of [supplierD, supplierE, supplierF, supplierG, supplierH, supplierI].entries()) {
    await (await ledger.connect(admin).registerMember(signer.address, usccToBytes18(testUscc(100 + i)), MemberRole.Supplier, 0)).wait();
  }
  const P = T0 + 100n * DAY;
  // One maturity for all: at most 150 days from each issue, below the 183-day enhanced-review threshold.
  const maturity = P + 150n * DAY;
  const issue = (holder: HardhatEthersSigner, amount: bigint) => issueVoucher(ethers, c, { issuer: coreA, holder, amount, maturity });

  // A burst: six splits of one voucher within seconds.
  await at(connection, P);
  const burstRoot = await issue(supplierA, CNY(500_000));
  await at(connection, P + DAY);
  for (let i = 0; i < 6; i++) await selfSplit(c, supplierA, burstRoot, CNY(1_000));

  // Tiny pieces: three pieces at 100.00–110.00 CNY (minimum 100.00), a day apart.
  await at(connection, P + 3n * DAY);
  const tinyRoot = await issue(supplierA, CNY(100_000));
  for (const [day, fen] of [10_000n, 10_500n, 11_000n].entries()) {
    await at(connection, P + BigInt(4 + day) * DAY);
    await selfSplit(c, supplierA, tinyRoot, fen);
  }

  // A circle: A → B → C → A, days apart.
  await at(connection, P + 10n * DAY);
  const circleRoot = await issue(supplierA, CNY(200_000));
  await at(connection, P + 12n * DAY);
  const circlePiece = await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: circleRoot, amount: CNY(100_000) });
  await at(connection, P + 15n * DAY);
  await transferPiece(ethers, c, { from: supplierB, to: supplierC, pieceId: circlePiece, amount: CNY(100_000) });
  await at(connection, P + 18n * DAY);
  await transferPiece(ethers, c, { from: supplierC, to: supplierA, pieceId: circlePiece, amount: CNY(100_000) });

  // A long fast chain: depth 4 within seconds of the issue, through five distinct holders.
  await at(connection, P + 25n * DAY);
  const chainRoot = await issue(supplierD, CNY(300_000));
  const chainPiece = await transferPiece(ethers, c, { from: supplierD, to: supplierE, pieceId: chainRoot, amount: CNY(200_000) });
  await transferPiece(ethers, c, { from: supplierE, to: supplierF, pieceId: chainPiece, amount: CNY(200_000) });
  await transferPiece(ethers, c, { from: supplierF, to: supplierG, pieceId: chainPiece, amount: CNY(200_000) });
  await transferPiece(ethers, c, { from: supplierG, to: supplierB, pieceId: chainPiece, amount: CNY(200_000) });

  // Just under the 2,000,000.00 CNY report threshold (0.75% below).
  await at(connection, P + 30n * DAY);
  const underRoot = await issue(supplierC, CNY(1_985_000));

  // Related parties: H → I, and afterwards the registry puts both in group 77.
  await at(connection, P + 35n * DAY);
  const relatedRoot = await issue(supplierH, CNY(400_000));
  await at(connection, P + 37n * DAY);
  const relatedPiece = await transferPiece(ethers, c, { from: supplierH, to: supplierI, pieceId: relatedRoot, amount: CNY(150_000) });
  await at(connection, P + 40n * DAY);
  await (await ledger.connect(admin).setRelatedPartyGroup(supplierH.address, 77)).wait();
  await (await ledger.connect(admin).setRelatedPartyGroup(supplierI.address, 77)).wait();

  return {
    extra: { supplierD, supplierE, supplierF, supplierG, supplierH, supplierI },
    burst: burstRoot >> 16n,
    tiny: tinyRoot >> 16n,
    circular: { voucherId: circleRoot >> 16n, piece: circlePiece },
    fastChain: { voucherId: chainRoot >> 16n, deepest: chainPiece },
    underThreshold: underRoot >> 16n,
    related: { voucherId: relatedRoot >> 16n, piece: relatedPiece },
  };
}

/** The embedded chain's logs of the ledger, through the same JSON-RPC path the CLI uses. */
export function sourceFor(connection: Connection, ledger: string) {
  const transport = eip1193Transport(connection.provider);
  return { transport, source: new JsonRpcEventSource(transport, ledger), clock: new BlockClock(transport) };
}

export async function audit(
  connection: Connection,
  ledger: string,
  { toBlock, wrap, checks }: { toBlock?: number; wrap?: (source: EventSource) => EventSource; checks?: AuditChecks } = {},
): Promise<AuditRun> {
  const { source, clock } = sourceFor(connection, ledger);
  const last = toBlock ?? (await source.latestBlock());
  return runAudit(wrap ? wrap(source) : source, clock, { ledger, fromBlock: 0, toBlock: last }, checks);
}
