/**
 * The audit in one call: read the ledger's events, rebuild the model, and in the same pass check the
 * invariants, look for abnormal patterns and count the statistics. `auditEvents` is the pure part (no I/O),
 * for events already decoded.
 */
import type { BlockClock } from "./blockTimes.js";
import type { AuditEvent } from "./events.js";
import type { EventSource } from "./eventSource.js";
import { countsToward, type Finding } from "./findings.js";
import { indexLedger } from "./indexer.js";
import { invariantObserver } from "./invariants.js";
import { rebuild, type LedgerModel, type RebuildObserver } from "./model.js";
import { DEFAULT_PATTERN_OPTIONS, patternObserver, type PatternOptions } from "./patterns.js";
import { statisticsObserver, type Statistics } from "./stats.js";

export interface AuditChecks {
  /** Check the invariants (default true). */
  invariants?: boolean;
  /** Look for abnormal patterns (default true). */
  patterns?: boolean;
  patternOptions?: PatternOptions;
  /** True when the events start at the deployment (nothing before them is missing). Default true. */
  complete?: boolean;
}

export interface AuditOutcome {
  model: LedgerModel;
  /** Source problems first, then invariant violations and patterns in chain order. */
  findings: Finding[];
  stats: Statistics;
  eventCount: number;
  rebuildMs: number;
}

export function auditEvents(events: AuditEvent[], checks: AuditChecks = {}, sourceFindings: Finding[] = []): AuditOutcome {
  const findings: Finding[] = [...sourceFindings];
  const sink = (finding: Finding) => findings.push(finding);
  const statistics = statisticsObserver();
  const observers: RebuildObserver[] = [statistics];
  if (checks.invariants ?? true) observers.push(invariantObserver(sink, { complete: checks.complete ?? true }));
  if (checks.patterns ?? true) observers.push(patternObserver(sink, checks.patternOptions ?? DEFAULT_PATTERN_OPTIONS));
  const started = performance.now();
  const model = rebuild(events, observers);
  const rebuildMs = performance.now() - started;
  return { model, findings: sortFindings(findings), stats: statistics.stats, eventCount: events.length, rebuildMs };
}

export interface AuditRun extends AuditOutcome {
  fromBlock: number;
  toBlock: number;
  logCount: number;
  fetchMs: number;
}

export async function runAudit(source: EventSource, clock: BlockClock, range: { ledger: string; fromBlock: number; toBlock: number }, checks: AuditChecks = {}): Promise<AuditRun> {
  const started = performance.now();
  const indexed = await indexLedger(source, clock, range);
  const fetchMs = performance.now() - started;
  const outcome = auditEvents(indexed.events, checks, indexed.findings);
  return { ...outcome, fromBlock: range.fromBlock, toBlock: range.toBlock, logCount: indexed.logCount, fetchMs };
}

/** True when something should make the CLI exit with 1. */
export function hasFindings(findings: Finding[]): boolean {
  return findings.some(countsToward);
}

const CATEGORY_ORDER = { source: 0, invariant: 1, pattern: 2, scope: 3 } as const;

function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((finding, i) => ({ finding, i }))
    .sort(
      (a, b) =>
        CATEGORY_ORDER[a.finding.category] - CATEGORY_ORDER[b.finding.category] ||
        (a.finding.blockNumber ?? Infinity) - (b.finding.blockNumber ?? Infinity) ||
        (a.finding.logIndex ?? 0) - (b.finding.logIndex ?? 0) ||
        a.i - b.i,
    )
    .map(({ finding }) => finding);
}
