/** The readable summaries the CLI prints: what was read, what was rebuilt, and every finding with its reason. */
import { MemberRole } from "../sdk/constants.js";
import { formatCny } from "../sdk/money.js";
import type { AuditRun } from "./audit.js";
import { formatFinding, type Finding } from "./findings.js";
import type { LedgerModel } from "./model.js";
import { BANK_METRICS, METRICS, type Metric, type Metrics, type Statistics } from "./stats.js";

const n = (value: number) => value.toLocaleString("en-US");

function plural(count: number, word: string, many = `${word}s`): string {
  return `${n(count)} ${count === 1 ? word : many}`;
}

export function headerLines(run: AuditRun, ledger: string, chainId: number, { checked = true }: { checked?: boolean } = {}): string[] {
  const duration = (ms: number) => (ms < 1_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1_000).toFixed(1)} s`);
  // A rate over a few events measures the JIT, not the audit: only shown for a real volume.
  const rate = run.eventCount >= 1_000 && run.rebuildMs > 0 ? ` (${n(Math.round((run.eventCount / run.rebuildMs) * 1_000))} events/s)` : "";
  return [
    `Ledger ${ledger} on chain ${chainId}, blocks ${n(run.fromBlock)}–${n(run.toBlock)}: ${plural(run.logCount, "log")}, ${plural(run.eventCount, "event")}.`,
    `Read in ${duration(run.fetchMs)}; rebuilt${checked ? " and checked" : ""} in ${duration(run.rebuildMs)}${rate}.`,
  ];
}

export function modelLines(model: LedgerModel): string[] {
  const members = [...model.members.values()];
  const withRole = (role: number) => members.filter((m) => (m.roles & role) !== 0).length;
  const pieces = [...model.pieces.values()];
  const vouchers = [...model.vouchers.values()];
  const pledges = pieces.flatMap((p) => p.pledges);
  const issued = vouchers.reduce((sum, v) => sum + v.amount, 0n);
  const settled = pieces.filter((p) => p.status === "Settled");
  const policy = model.policy;
  return [
    `Members: ${n(members.length)} (${plural(withRole(MemberRole.CoreEnterprise), "core enterprise")}, ${plural(withRole(MemberRole.Supplier), "supplier")}, ${plural(withRole(MemberRole.Bank), "bank")}, ${plural(withRole(MemberRole.Oracle), "oracle")}); ${plural(members.filter((m) => m.defaulted).length, "issuer")} in default.`,
    policy === null
      ? "Policy: unknown (no PolicyUpdated in the range)."
      : `Policy: depth ≤ ${policy.maxDepth}, ≤ ${policy.maxLivePieces} live pieces, pieces ≥ ${formatCny(policy.minPieceAmount)}, term ≤ ${policy.maxTerm / 86_400} days (${plural(model.policies.length, "policy update")}).`,
    `Vouchers: ${n(vouchers.length)} issued for ${formatCny(issued)}; ${n(pieces.length)} pieces (${n(pieces.length - settled.length)} live); ${plural(pledges.length, "pledge")} (${n(pledges.filter((p) => p.outcome === "in force").length)} in force); ${plural(pieces.reduce((s, p) => s + p.factorings.length, 0), "factoring")}; ${n(settled.length)} pieces settled for ${formatCny(settled.reduce((s, p) => s + p.amount, 0n))}; ${plural(vouchers.filter((v) => v.overdue !== null).length, "voucher")} overdue.`,
  ];
}

export function findingLines(findings: Finding[], checked: { invariants: boolean; patterns: boolean }): string[] {
  const count = (category: Finding["category"]) => findings.filter((f) => f.category === category).length;
  const lines = [
    `Event source: ${count("source") === 0 ? "no problems" : plural(count("source"), "problem")}.`,
    checked.invariants ? `Invariants: ${count("invariant") === 0 ? "no violations" : plural(count("invariant"), "violation")}.` : "Invariants: not checked (--patterns-only).",
    checked.patterns ? `Abnormal patterns (R6): ${count("pattern") === 0 ? "none found" : plural(count("pattern"), "finding")}.` : "Abnormal patterns: not checked (--invariants-only).",
  ];
  if (findings.length > 0) lines.push("", ...findings.map((finding) => `  ${formatFinding(finding)}`));
  return lines;
}

export function statisticsLines(stats: Statistics, model: LedgerModel): string[] {
  const row = (label: string, metrics: Metrics, only: readonly Metric[] = METRICS) =>
    `  ${label.padEnd(32)} ${only.map((m) => `${m} ${n(metrics[m].count)} / ${formatCny(metrics[m].amount)}`).join("; ")}`;
  const name = (account: string) => (model.members.has(account) ? `${account.slice(0, 10)}… ${model.members.get(account)!.uscc}` : account);
  return [
    "Totals:",
    row("all", stats.totals),
    "By issuer:",
    ...[...stats.byIssuer].map(([issuer, metrics]) => row(name(issuer), metrics)),
    "By bank (pledgee, factor, clearing bank, financier of overdue pieces):",
    ...[...stats.byBank].map(([bank, metrics]) => row(name(bank), metrics, BANK_METRICS)),
    "By month (China Standard Time):",
    ...[...stats.byMonth].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, metrics]) => row(month, metrics)),
  ];
}
