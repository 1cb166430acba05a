/** The audit: events → rebuilt ledger → invariants, abnormal patterns (R6) and statistics (R13). */
export { auditEvents, hasFindings, runAudit } from "./audit.js";
export { BlockClock } from "./blockTimes.js";
export { parseCsv, toCsv } from "./csv.js";
export { decodeLog, ledgerInterface } from "./decode.js";
export { byPosition } from "./events.js";
export { JsonRpcEventSource, LogRangeRefusedError } from "./eventSource.js";
export { findingJson, findingsTable, modelJson, piecesTable, statisticsJson, statisticsTables } from "./export.js";
export { formatFinding } from "./findings.js";
export { indexLedger } from "./indexer.js";
export { invariantChecks, invariantObserver } from "./invariants.js";
export { LedgerModel, rebuild } from "./model.js";
export { DEFAULT_PATTERN_OPTIONS, patternObserver, validatePatternOptions } from "./patterns.js";
export { NotALedgerError, probeLedger, startsAtDeployment } from "./probe.js";
export { eip1193Transport, httpTransport, NodeUnreachableError, RpcError } from "./rpc.js";
export { monthOf, statisticsObserver } from "./stats.js";
export { EXIT, runCli } from "./command.js";

export type { AuditChecks, AuditOutcome, AuditRun } from "./audit.js";
export type { Table } from "./csv.js";
export type { AuditEvent, EventArgs, EventKind, EventOf, EventPosition, PolicyValues } from "./events.js";
export type { EventSource, Log, LogProgress } from "./eventSource.js";
export type { Finding, FindingCategory, Severity } from "./findings.js";
export type { IndexResult } from "./indexer.js";
export type { InvariantCheck } from "./invariants.js";
export type { MemberRecord, PieceRecord, PledgeRecord, RebuildObserver, VoucherRecord } from "./model.js";
export type { PatternOptions } from "./patterns.js";
export type { Metrics, Statistics, Tally } from "./stats.js";
