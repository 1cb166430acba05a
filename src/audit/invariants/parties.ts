/**
 * Who may do what, at the time (refused operations never succeed): holders and receivers are active members,
 * receivers in trade are suppliers or core enterprises and never the voucher's issuer; pledgees, factors and
 * clearing banks are active banks; nothing is issued, transferred or financed while the ledger is paused.
 * (The issuer's own eligibility is checked with the issue, in issuer.ts.)
 */
import { MemberRole } from "../../sdk/constants.js";
import type { AuditEvent } from "../events.js";
import { at, pieceLabel } from "../findings.js";
import type { CheckContext, InvariantCheck } from "../invariants.js";
import type { LedgerModel } from "../model.js";

const TRADE_PARTY = MemberRole.Supplier | MemberRole.CoreEnterprise;

interface Role {
  account: string;
  as: string;
  /** Any of these role flags will do (0: any member). */
  roles: number;
}

function partiesOf(event: AuditEvent, model: LedgerModel): { roles: Role[]; issuer?: string; receiver?: string } | null {
  const issuerOf = (pieceId: bigint) => model.vouchers.get(pieceId >> 16n)?.issuer;
  switch (event.kind) {
    case "VoucherIssued":
      return { roles: [{ account: event.holder, as: "holder", roles: TRADE_PARTY }], issuer: event.issuer, receiver: event.holder };
    case "PieceSplit":
      return event.from === event.to
        ? { roles: [{ account: event.from, as: "holder", roles: 0 }] }
        : { roles: [{ account: event.from, as: "sender", roles: 0 }, { account: event.to, as: "receiver", roles: TRADE_PARTY }], issuer: issuerOf(event.pieceId), receiver: event.to };
    case "PieceTransferred":
      return { roles: [{ account: event.from, as: "sender", roles: 0 }, { account: event.to, as: "receiver", roles: TRADE_PARTY }], issuer: issuerOf(event.pieceId), receiver: event.to };
    case "PiecePledged":
      return { roles: [{ account: event.pledgee, as: "pledgee", roles: MemberRole.Bank }, { account: event.holder, as: "holder", roles: 0 }] };
    case "PieceFactored":
      return { roles: [{ account: event.factor, as: "factor", roles: MemberRole.Bank }, { account: event.from, as: "holder", roles: 0 }] };
    case "PieceSettled":
      return { roles: [{ account: event.clearingBank, as: "clearing bank", roles: MemberRole.Bank }] };
    default:
      return null;
  }
}

const PAUSABLE = new Set<AuditEvent["kind"]>(["VoucherIssued", "PieceSplit", "PieceTransferred", "PiecePledged", "PieceFactored"]);

function describe(event: AuditEvent): string {
  if (event.kind === "VoucherIssued") return `the issue of voucher ${event.voucherId}`;
  if ("pieceId" in event) return `${event.kind} of ${pieceLabel(event.pieceId)}`;
  return event.kind;
}

export function partiesCheck(): InvariantCheck {
  return {
    name: "parties",
    description: "every party of an operation was an active member in the role it needs at the time; nothing issued, transferred or financed while paused",
    before(event, model, context) {
      const parties = partiesOf(event, model);
      if (parties === null) return;
      const voucherId = event.kind === "VoucherIssued" ? event.voucherId : "pieceId" in event ? event.pieceId >> 16n : undefined;
      const pieceId = "pieceId" in event ? event.pieceId : undefined;
      const report = (code: string, message: string, account?: string) =>
        context.report({ code, ...(voucherId !== undefined ? { voucherId } : {}), ...(pieceId !== undefined ? { pieceId } : {}), ...(account ? { account } : {}), ...at(event), message });

      if (PAUSABLE.has(event.kind) && model.paused) {
        const since = model.pauses.at(-1)!;
        report("OPERATION_WHILE_PAUSED", `${capitalise(describe(event))} took place while the ledger was paused (since block ${since.at.blockNumber}, by ${since.by}).`);
      }
      for (const role of parties.roles) checkRole(role, model, context, (message) => report("PARTY_NOT_ELIGIBLE", `In ${describe(event)}, the ${role.as} ${message}`, role.account));
      if (parties.issuer !== undefined && parties.receiver === parties.issuer) {
        report("PARTY_NOT_ELIGIBLE", `In ${describe(event)}, the piece goes to its own issuer ${model.label(parties.issuer)}, which the ledger refuses.`, parties.issuer);
      }
    },
  };
}

function checkRole(role: Role, model: LedgerModel, context: CheckContext, fail: (message: string) => void) {
  const member = model.members.get(role.account);
  if (member === undefined) {
    if (context.complete) fail(`${role.account} is not a registered member.`);
    return;
  }
  if (member.status !== "Active") fail(`${model.label(role.account)} was ${member.status.toLowerCase()} at that time.`);
  else if (role.roles !== 0 && (member.roles & role.roles) === 0) fail(`${model.label(role.account)} lacked the role (${role.roles === MemberRole.Bank ? "bank" : "supplier or core enterprise"}) at that time.`);
}

function capitalise(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}
