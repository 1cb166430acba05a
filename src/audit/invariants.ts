/**
 * The invariants an honest ledger keeps, checked against the events alone. Each check sees the model just
 * before and just after every event (see model.ts), so "at that time" means the policy, credit line and
 * clearing bank in force at the event. Each finding names the voucher, piece, accounts and amounts.
 *
 * | check        | codes |
 * |--------------|-------|
 * | conservation | CONSERVATION_BROKEN, NEGATIVE_REMAINDER, PIECE_AMOUNT_MISMATCH |
 * | lineage      | LINEAGE_UNKNOWN_VOUCHER, LINEAGE_UNKNOWN_PIECE, LINEAGE_UNKNOWN_PARENT, LINEAGE_PARENT_FOREIGN, LINEAGE_INDEX_GAP, PIECE_CREATED_TWICE, VOUCHER_ISSUED_TWICE, VOUCHER_ID_GAP, LINEAGE_ROOT_MISMATCH, HOLDER_MISMATCH, REGISTRY_UNKNOWN_MEMBER |
 * | single pledge| DOUBLE_PLEDGE, PLEDGED_PIECE_MOVED, PLEDGE_NOT_IN_FORCE, PLEDGE_SERIAL_MISMATCH, PLEDGE_AMOUNT_INVALID, PLEDGE_REGISTRATION_MISSING |
 * | limits       | DEPTH_EXCEEDED, DEPTH_INCONSISTENT, LIVE_PIECES_EXCEEDED, PIECE_BELOW_MINIMUM, TERM_TOO_LONG, ENHANCED_REVIEW_FLAG_WRONG, FINANCING_WITHOUT_REVIEW, POLICY_UNKNOWN |
 * | settlement   | SETTLEMENT_REFERENCE_MISSING, SETTLEMENT_NOT_CLEARING_BANK, SETTLED_NOT_FINAL, SETTLEMENT_MISMATCH, OVERDUE_MISMATCH, OVERDUE_TOO_EARLY |
 * | issuer       | EXPOSURE_EXCEEDED, ISSUED_IN_DEFAULT, ISSUER_NOT_ELIGIBLE, DOCUMENT_KEY_REUSED, DOCUMENT_KEYS_MISSING |
 * | parties      | PARTY_NOT_ELIGIBLE, OPERATION_WHILE_PAUSED |
 */
import type { AuditEvent } from "./events.js";
import type { Finding, FindingSink } from "./findings.js";
import { conservationCheck } from "./invariants/conservation.js";
import { issuerCheck } from "./invariants/issuer.js";
import { limitsCheck } from "./invariants/limits.js";
import { lineageCheck } from "./invariants/lineage.js";
import { partiesCheck } from "./invariants/parties.js";
import { pledgeCheck } from "./invariants/pledges.js";
import { settlementCheck } from "./invariants/settlement.js";
import type { LedgerModel, RebuildObserver } from "./model.js";

export interface CheckContext {
  /** True when the events start at the ledger's deployment, so nothing before them is missing. */
  complete: boolean;
  report(finding: Omit<Finding, "severity" | "category">): void;
}

export interface InvariantCheck {
  name: string;
  /** What it checks, for --help and the report. */
  description: string;
  before?(event: AuditEvent, model: LedgerModel, context: CheckContext): void;
  after?(event: AuditEvent, model: LedgerModel, context: CheckContext): void;
  finish?(model: LedgerModel, context: CheckContext): void;
}

/** A fresh set of checks (some keep state across events, so each rebuild needs its own). */
export function invariantChecks(): InvariantCheck[] {
  return [conservationCheck(), lineageCheck(), pledgeCheck(), limitsCheck(), settlementCheck(), issuerCheck(), partiesCheck()];
}

/** An observer running every invariant check; findings go to `sink`. */
export function invariantObserver(sink: FindingSink, { complete }: { complete: boolean }): RebuildObserver {
  const context: CheckContext = { complete, report: (finding) => sink({ ...finding, severity: "error", category: "invariant" }) };
  const checks = invariantChecks();
  return {
    before: (event, model) => checks.forEach((check) => check.before?.(event, model, context)),
    after: (event, model) => checks.forEach((check) => check.after?.(event, model, context)),
    finish: (model) => {
      checks.forEach((check) => check.finish?.(model, context));
      if (!complete) scopeNotice(model, sink);
    },
  };
}

/** With a range that starts after the deployment, say plainly what could not be checked. */
function scopeNotice(model: LedgerModel, sink: FindingSink) {
  const events = [...model.unresolved.values()].reduce((sum, n) => sum + n, 0);
  const vouchers = [...model.unresolved.keys()].sort((a, b) => (a < b ? -1 : 1));
  if (vouchers.length > 0) {
    const list = vouchers.length > 10 ? `${vouchers.slice(0, 10).join(", ")}, …` : vouchers.join(", ");
    sink({
      code: "OUT_OF_RANGE_VOUCHERS",
      severity: "notice",
      category: "scope",
      message: `${vouchers.length} voucher(s) (${list}) were issued before the first block audited; their ${events} later event(s) were not checked. Audit from the deployment block for a complete check.`,
    });
  }
  sink({
    code: "PARTIAL_RANGE",
    severity: "notice",
    category: "scope",
    message: "The block range starts after the ledger's deployment: members, policy, credit lines and outstanding amounts set before it are unknown, so the checks that need them were skipped where they were unknown.",
  });
}
