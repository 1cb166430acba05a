/**
 * One log → one typed event, with the VoucherLedger ABI (which includes the registry's, AccessControl's and
 * Pausable's events: the ledger inherits them). A log the ABI does not know, or that does not decode, is
 * returned as a problem for the report, never dropped.
 */
import { getAddress, Interface, type EventFragment } from "ethers";
import { compileDecoder, type CompiledDecoder } from "./abiWords.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { registrationNumberFromBytes24 } from "../sdk/constants.js";
import { bytes18ToUscc } from "../sdk/uscc.js";
import type { AuditEvent, EventArgs, EventKind } from "./events.js";
import type { Log } from "./eventSource.js";

const LEDGER = new Interface(VoucherLedger__factory.abi);
// ethers' parseLog looks the topic up by hashing every event signature on each call: look it up once, and
// compile the fast decoder of each event (abiWords.ts), ethers' decoder being the fallback.
const BY_TOPIC = new Map<string, { fragment: EventFragment; fast: CompiledDecoder | null }>();
LEDGER.forEachEvent((fragment) => BY_TOPIC.set(fragment.topicHash, { fragment, fast: compileDecoder(fragment) }));

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type DecodedLog = { ok: true; event: AuditEvent } | { ok: false; code: "UNKNOWN_EVENT" | "UNDECODABLE_LOG"; message: string };

// Checksumming hashes the address; the same few members appear in nearly every event.
const CHECKSUMMED = new Map<string, string>();
const address = (value: unknown) => {
  const raw = String(value);
  let checksummed = CHECKSUMMED.get(raw);
  if (checksummed === undefined) CHECKSUMMED.set(raw, (checksummed = getAddress(raw)));
  return checksummed;
};
const big = (value: unknown) => BigInt(value as bigint);
const num = (value: unknown) => Number(value as bigint);
const keys = (value: unknown) => [...(value as string[])].map(String);

/** Turns the decoded arguments of each event (by name) into its typed arguments. */
const CONVERT: { [K in EventKind]: (a: Args) => EventArgs[K] } = {
  VoucherIssued: (a) => ({
    voucherId: big(a.voucherId),
    issuer: address(a.issuer),
    holder: address(a.holder),
    pieceId: big(a.pieceId),
    amount: big(a.amount),
    maturity: num(a.maturity),
    enhancedReviewRequired: Boolean(a.enhancedReviewRequired),
    packageHash: String(a.packageHash),
    documentKeys: keys(a.documentKeys),
  }),
  PieceSplit: (a) => ({
    parentId: big(a.parentId),
    pieceId: big(a.pieceId),
    to: address(a.to),
    from: address(a.from),
    amount: big(a.amount),
    parentAmount: big(a.parentAmount),
    depth: num(a.depth),
    packageHash: String(a.packageHash),
    documentKeys: keys(a.documentKeys),
  }),
  PieceTransferred: (a) => ({
    pieceId: big(a.pieceId),
    from: address(a.from),
    to: address(a.to),
    depth: num(a.depth),
    packageHash: String(a.packageHash),
    documentKeys: keys(a.documentKeys),
  }),
  PieceFactored: (a) => ({
    pieceId: big(a.pieceId),
    from: address(a.from),
    factor: address(a.factor),
    amount: big(a.amount),
    purchasePrice: big(a.purchasePrice),
    withRecourse: Boolean(a.withRecourse),
  }),
  PiecePledged: (a) => ({
    pieceId: big(a.pieceId),
    pledgee: address(a.pledgee),
    holder: address(a.holder),
    securedAmount: big(a.securedAmount),
    annualRateBps: num(a.annualRateBps),
    serviceFeeBps: num(a.serviceFeeBps),
    registrationNumber: registrationNumberFromBytes24(String(a.registrationNumber)),
    serial: num(a.serial),
  }),
  PledgeReleased: (a) => ({ pieceId: big(a.pieceId), pledgee: address(a.pledgee), serial: num(a.serial) }),
  PledgeEnforced: (a) => ({ pieceId: big(a.pieceId), pledgee: address(a.pledgee), serial: num(a.serial) }),
  PieceSettled: (a) => ({
    pieceId: big(a.pieceId),
    voucherId: big(a.voucherId),
    holder: address(a.holder),
    amount: big(a.amount),
    settledFrom: num(a.settledFrom),
    bankReference: String(a.bankReference),
    clearingBank: address(a.clearingBank),
  }),
  VoucherOverdue: (a) => ({ voucherId: big(a.voucherId), issuer: address(a.issuer), livePieces: num(a.livePieces), markedBy: address(a.markedBy) }),
  EnhancedReviewRecorded: (a) => ({ voucherId: big(a.voucherId), bank: address(a.bank), reviewHash: String(a.reviewHash) }),
  PolicyUpdated: (a) => ({
    policy: {
      minPieceAmount: big(a.policy.minPieceAmount),
      maxTerm: num(a.policy.maxTerm),
      enhancedReviewTerm: num(a.policy.enhancedReviewTerm),
      gracePeriod: num(a.policy.gracePeriod),
      maxLivePieces: num(a.policy.maxLivePieces),
      maxDepth: num(a.policy.maxDepth),
      attestationQuorum: num(a.policy.attestationQuorum),
    },
    admin: address(a.admin),
  }),
  // `uscc` is an indexed bytes18: a value type, so the topic holds the code itself, left-aligned.
  MemberRegistered: (a) => ({ account: address(a.account), uscc: usccOf(String(a.uscc)), roles: num(a.roles), groupId: num(a.groupId) }),
  MemberRolesChanged: (a) => ({ account: address(a.account), previousRoles: num(a.previousRoles), roles: num(a.roles) }),
  MemberStatusChanged: (a) => ({ account: address(a.account), previousStatus: num(a.previousStatus), status: num(a.status) }),
  RelatedPartyGroupChanged: (a) => ({ account: address(a.account), previousGroupId: num(a.previousGroupId), groupId: num(a.groupId) }),
  CreditLineChanged: (a) => ({ coreEnterprise: address(a.coreEnterprise), previousCreditLine: big(a.previousCreditLine), creditLine: big(a.creditLine) }),
  ClearingBankChanged: (a) => ({ coreEnterprise: address(a.coreEnterprise), previousBank: address(a.previousBank), bank: address(a.bank) }),
  IssuerDefaulted: (a) => ({ issuer: address(a.issuer), voucherId: big(a.voucherId) }),
  IssuerRestored: (a) => ({ issuer: address(a.issuer), admin: address(a.admin) }),
  RoleGranted: (a) => ({ role: String(a.role), account: address(a.account), sender: address(a.sender) }),
  RoleRevoked: (a) => ({ role: String(a.role), account: address(a.account), sender: address(a.sender) }),
  RoleAdminChanged: (a) => ({ role: String(a.role), previousAdminRole: String(a.previousAdminRole), newAdminRole: String(a.newAdminRole) }),
  Paused: (a) => ({ account: address(a.account) }),
  Unpaused: (a) => ({ account: address(a.account) }),
  EIP712DomainChanged: () => ({}),
};

function usccOf(bytes18: string): string {
  try {
    return bytes18ToUscc(bytes18.slice(0, 38));
  } catch {
    return bytes18;
  }
}

/** Decodes one log; `timestamp` is its block's. */
export function decodeLog(log: Log, timestamp: number): DecodedLog {
  const where = `the log at block ${log.blockNumber}, log ${log.logIndex} (tx ${log.transactionHash})`;
  const topic = log.topics[0];
  if (topic === undefined) return { ok: false, code: "UNKNOWN_EVENT", message: `${where} has no topic, so it is no event of the ledger's ABI.` };
  const known = BY_TOPIC.get(topic.toLowerCase());
  if (known === undefined) return { ok: false, code: "UNKNOWN_EVENT", message: `${where} has topic ${topic}, which no event of the ledger's ABI has.` };
  const { fragment, fast } = known;
  let args: Args;
  try {
    args = fast ? fast(log.topics, log.data) : LEDGER.decodeEventLog(fragment, log.data, log.topics);
  } catch (error) {
    return { ok: false, code: "UNDECODABLE_LOG", message: `${where} has the topic of ${fragment.name} but its data does not decode: ${(error as Error).message.split("\n")[0]}` };
  }
  const kind = fragment.name as EventKind;
  const convert = CONVERT[kind] as ((a: Args) => object) | undefined;
  if (convert === undefined) return { ok: false, code: "UNKNOWN_EVENT", message: `${where} is a ${kind} event, which the audit does not know.` };
  try {
    const converted = convert(args);
    return { ok: true, event: { kind, blockNumber: log.blockNumber, logIndex: log.logIndex, transactionHash: log.transactionHash, timestamp, ...converted } as AuditEvent };
  } catch (error) {
    return { ok: false, code: "UNDECODABLE_LOG", message: `${where} (${kind}) has arguments out of range: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** The ledger ABI as an ethers Interface (for tools and tests that build logs). */
export function ledgerInterface(): Interface {
  return LEDGER;
}
