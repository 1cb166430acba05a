/**
 * Abnormal split and transfer behaviour (R6), found in the events and reported with the reason in plain
 * language. These are warnings for a person to look into — honest trade can look like this — so every
 * threshold is a named option with a documented default, settable from the command line.
 *
 * | pattern | code | flags |
 * |---|---|---|
 * | burst of splits | SPLIT_BURST | ≥ `burstSplits` splits of one voucher, or made by one holder, within `burstWindowSeconds` |
 * | tiny pieces | TINY_PIECES | ≥ `tinyPieces` pieces of one voucher created at most `tinyMarginBps` above the policy minimum then in force |
 * | circular flow | CIRCULAR_FLOW | a piece or a descendant reaches a member who held it or an ancestor earlier |
 * | long fast chain | FAST_LONG_CHAIN | depth ≥ `fastChainDepth` reached within `fastChainWindowSeconds` of the issue |
 * | just under a threshold | JUST_UNDER_THRESHOLD | an issued, transferred, pledged or factored amount within `underThresholdBps` below one of `thresholds` |
 * | related parties | RELATED_PARTY_FLOW | issue, transfer or financing between members that share a related-party group at any time (per registry events) |
 */
import type { AuditEvent } from "./events.js";
import type { Finding, FindingSink } from "./findings.js";
import type { LedgerModel, RebuildObserver } from "./model.js";
import { burstDetector } from "./patterns/burst.js";
import { circularFlowDetector } from "./patterns/circular.js";
import { fastChainDetector } from "./patterns/fastChain.js";
import { relatedPartyDetector } from "./patterns/relatedParties.js";
import { tinyPiecesDetector } from "./patterns/tinyPieces.js";
import { underThresholdDetector } from "./patterns/underThreshold.js";

export interface PatternOptions {
  /** Splits (to oneself or to others) that make a burst: of one voucher, or made by one holder. Default 6. */
  burstSplits: number;
  /** The time window of a burst, in seconds. Default 3,600 (one hour). */
  burstWindowSeconds: number;
  /** A piece is tiny when its amount is at most the policy minimum plus this many basis points of it. Default 1,000 (10%: ≤ 110.00 CNY with the 100.00 CNY default minimum). */
  tinyMarginBps: number;
  /** Tiny pieces one voucher may have before it is flagged. Default 3. */
  tinyPieces: number;
  /** Depth that makes a long chain. Default 4 (of the default maximum 5). */
  fastChainDepth: number;
  /** A long chain is fast when it reaches `fastChainDepth` within this many seconds of the issue. Default 604,800 (7 days). */
  fastChainWindowSeconds: number;
  /**
   * Amounts in fen that people may try to stay under. Default: 2,000,000.00 CNY, the large-value transaction
   * report threshold for transfers between institutions' accounts (PBoC Order [2016] No. 3, art. 5).
   */
  thresholds: bigint[];
  /** How close below a threshold counts as "just under", in basis points of the threshold. Default 100 (1%). */
  underThresholdBps: number;
}

export const DEFAULT_PATTERN_OPTIONS: Readonly<PatternOptions> = Object.freeze({
  burstSplits: 6,
  burstWindowSeconds: 3_600,
  tinyMarginBps: 1_000,
  tinyPieces: 3,
  fastChainDepth: 4,
  fastChainWindowSeconds: 7 * 86_400,
  thresholds: [200_000_000n],
  underThresholdBps: 100,
});

export interface PatternContext {
  options: PatternOptions;
  report(finding: Omit<Finding, "severity" | "category">): void;
}

export interface PatternDetector {
  name: string;
  before?(event: AuditEvent, model: LedgerModel, context: PatternContext): void;
  after?(event: AuditEvent, model: LedgerModel, context: PatternContext): void;
  finish?(model: LedgerModel, context: PatternContext): void;
}

export function patternDetectors(): PatternDetector[] {
  return [burstDetector(), tinyPiecesDetector(), circularFlowDetector(), fastChainDetector(), underThresholdDetector(), relatedPartyDetector()];
}

/** Checks that the options make sense; returns one sentence per problem (empty when fine). */
export function validatePatternOptions(options: PatternOptions): string[] {
  const problems: string[] = [];
  const positiveInteger = (name: keyof PatternOptions, value: number) => {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${name} must be a positive whole number (got ${value}).`);
  };
  positiveInteger("burstSplits", options.burstSplits);
  positiveInteger("burstWindowSeconds", options.burstWindowSeconds);
  positiveInteger("tinyPieces", options.tinyPieces);
  positiveInteger("fastChainDepth", options.fastChainDepth);
  positiveInteger("fastChainWindowSeconds", options.fastChainWindowSeconds);
  if (!Number.isSafeInteger(options.tinyMarginBps) || options.tinyMarginBps < 0) problems.push(`tinyMarginBps must be a whole number of basis points ≥ 0 (got ${options.tinyMarginBps}).`);
  if (!Number.isSafeInteger(options.underThresholdBps) || options.underThresholdBps < 1 || options.underThresholdBps >= 10_000) {
    problems.push(`underThresholdBps must be between 1 and 9,999 basis points (got ${options.underThresholdBps}).`);
  }
  for (const threshold of options.thresholds) if (threshold <= 0n) problems.push(`thresholds must be positive amounts (got ${threshold} fen).`);
  return problems;
}

/** An observer running every pattern detector; findings go to `sink` as warnings. */
export function patternObserver(sink: FindingSink, options: PatternOptions = DEFAULT_PATTERN_OPTIONS): RebuildObserver {
  const context: PatternContext = { options, report: (finding) => sink({ ...finding, severity: "warning", category: "pattern" }) };
  const detectors = patternDetectors();
  return {
    before: (event, model) => detectors.forEach((detector) => detector.before?.(event, model, context)),
    after: (event, model) => detectors.forEach((detector) => detector.after?.(event, model, context)),
    finish: (model) => detectors.forEach((detector) => detector.finish?.(model, context)),
  };
}

/** "1 h", "40 min", "3 days 2 h": a duration for messages. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${+(seconds / 3_600).toFixed(1)} h`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.round((seconds - days * 86_400) / 3_600);
  return hours === 0 ? `${days} day${days === 1 ? "" : "s"}` : `${days} day${days === 1 ? "" : "s"} ${hours} h`;
}
