/**
 * The SDK's error classes. Import them from `errors.ts`, which also decodes reverts and classifies what
 * ethers throws; this file only defines the shapes, so `arguments.ts` can use them without a cycle.
 */
import type { LedgerArgValue, LedgerArgsOf, LedgerErrorName } from "./errorMessages.js";

/** The args of a refusal: by parameter name for one known error, a plain record for any refusal. */
export type LedgerArgs<N extends LedgerErrorName = LedgerErrorName> = [LedgerErrorName] extends [N]
  ? Readonly<Record<string, LedgerArgValue>>
  : LedgerArgsOf<N>;

export type EVoucherErrorKind = "refused" | "invalid-argument" | "network" | "oracle" | "unknown-revert" | "unexpected";

/** Base of every SDK error. `code` is stable and machine-readable; `message` is for people. */
export abstract class EVoucherError extends Error {
  abstract readonly kind: EVoucherErrorKind;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The contract refused: a custom error of the ledger, its registry, OpenZeppelin or the fee schedule. */
export class LedgerRefusal<N extends LedgerErrorName = LedgerErrorName> extends EVoucherError {
  override readonly name = "LedgerRefusal";
  readonly kind = "refused";
  constructor(
    /** The Solidity error name, e.g. "DocumentKeyAlreadyUsed"; `code` is it in SCREAMING_SNAKE_CASE. */
    readonly errorName: N,
    /** Arguments by parameter name: enums and roles as names, uint8–uint48 as number, wider uints as bigint. */
    readonly args: LedgerArgs<N>,
    /** The raw revert data. */
    readonly data: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(toScreamingSnakeCase(errorName), message, options);
  }
}

/** An argument the SDK refused before anything was sent. `argument` names it. */
export class InvalidArgumentError extends EVoucherError {
  override readonly name = "InvalidArgumentError";
  readonly kind = "invalid-argument";
  declare readonly code: "INVALID_ARGUMENT";
  /** A finer code where one exists, e.g. MoneyError's "AMOUNT_TOO_PRECISE" or ethers' "INVALID_ARGUMENT". */
  readonly reason: string | undefined;
  constructor(
    readonly argument: string,
    readonly value: unknown,
    /** What was expected, e.g. "expected a positive integer": the message is `${argument}: ${expected}, got ${value}`. */
    expected: string,
    options: { cause?: unknown; reason?: string; message?: string } = {},
  ) {
    super("INVALID_ARGUMENT", options.message ?? `${argument}: ${expected}, got ${describeValue(value)}`, options);
    this.reason = options.reason;
  }
}

export type NetworkErrorCode = "NETWORK_ERROR" | "TIMEOUT" | "SERVER_ERROR" | "BAD_RESPONSE";

/** The node could not be reached, timed out, failed (HTTP 5xx) or answered something that is not JSON-RPC. */
export class NetworkError extends EVoucherError {
  override readonly name = "NetworkError";
  readonly kind = "network";
  declare readonly code: NetworkErrorCode;
  constructor(
    code: NetworkErrorCode,
    message: string,
    /** The node's URL or address when the failure names it. */
    readonly url: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** One coded failure the oracle reports for a package (see src/oracle/checks/failures.ts). */
export interface OracleFailure {
  code: string;
  /** JSON pointer into the package, "" for the whole package. */
  path: string;
  message: string;
}

export type OracleErrorCode = "ORACLE_UNREACHABLE" | "ORACLE_REFUSED" | "ORACLE_FAULTY" | "ORACLE_QUORUM_NOT_MET";

/**
 * The oracles could not attest:
 * - `ORACLE_UNREACHABLE`: no usable answer (connection refused, timeout, HTTP 5xx); retrying may help.
 * - `ORACLE_REFUSED`: it answered 4xx with its own coded `failures`; the package must change.
 * - `ORACLE_FAULTY`: it answered with an attestation that does not match what was asked, or is not its own.
 * - `ORACLE_QUORUM_NOT_MET`: fewer oracles attested than the policy's k; `oracleErrors` says why each failed.
 */
export class OracleError extends EVoucherError {
  override readonly name = "OracleError";
  readonly kind = "oracle";
  declare readonly code: OracleErrorCode;
  /** The oracle's URL; for a missed quorum, the URLs of the oracles that failed, comma-separated. */
  readonly url: string;
  /** The HTTP status when the oracle answered at all. */
  readonly status: number | undefined;
  /** The oracle's own code for a refusal, e.g. "PACKAGE_INVALID". */
  readonly oracleCode: string | undefined;
  readonly failures: readonly OracleFailure[];
  /** For a missed quorum: what each failing oracle answered. */
  readonly oracleErrors: readonly OracleError[];

  constructor(
    code: OracleErrorCode,
    message: string,
    details: {
      url: string;
      status?: number;
      oracleCode?: string;
      failures?: readonly OracleFailure[];
      oracleErrors?: readonly OracleError[];
      cause?: unknown;
    },
  ) {
    super(code, message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.oracleCode = details.oracleCode;
    this.failures = details.failures ?? [];
    this.oracleErrors = details.oracleErrors ?? [];
  }

  /** No usable answer: `detail` says what happened ("connect ECONNREFUSED …", "HTTP 503: …"). */
  static unreachable(url: string, detail: string, options: { status?: number; cause?: unknown } = {}): OracleError {
    return new OracleError("ORACLE_UNREACHABLE", `The oracle at ${url} could not be reached (${detail}); try again later.`, {
      url,
      ...options,
    });
  }

  /** A 4xx answer: the oracle's code and message, and its failures one by one. */
  static refused(
    url: string,
    status: number,
    oracleCode: string,
    oracleMessage: string,
    failures: readonly OracleFailure[],
    options: { cause?: unknown } = {},
  ): OracleError {
    const listed = failures.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message).replace(/\.$/, "")).join("; ");
    const why = listed || oracleMessage.replace(/\.$/, "");
    return new OracleError("ORACLE_REFUSED", `The oracle at ${url} refused the package (HTTP ${status} ${oracleCode}): ${why}.`, {
      url,
      status,
      oracleCode,
      failures,
      ...options,
    });
  }

  /** An answer that cannot be trusted: `detail` completes "The oracle at … sent a faulty answer: …". */
  static faulty(url: string, detail: string): OracleError {
    return new OracleError("ORACLE_FAULTY", `The oracle at ${url} sent a faulty answer: ${detail}.`, { url });
  }

  /** Fewer than `quorum` oracles attested; `oracleErrors` are the failures of the others. */
  static quorumNotMet(quorum: number, attested: number, oracleErrors: readonly OracleError[]): OracleError {
    const reasons = oracleErrors.map((e) => e.message.replace(/\.$/, "")).join("; ");
    return new OracleError(
      "ORACLE_QUORUM_NOT_MET",
      `Only ${attested} of the ${quorum} oracle attestations required could be obtained${reasons ? `: ${reasons}` : ""}.`,
      // Every failed check of every refusing oracle, so a caller can act on the codes without digging.
      { url: oracleErrors.map((e) => e.url).join(", "), oracleErrors, failures: oracleErrors.flatMap((e) => e.failures) },
    );
  }
}

export type UnknownRevertCode = "UNKNOWN_REVERT" | "PANIC" | "REVERT_REASON";

/**
 * A revert the ABIs do not explain: data matching no known error (`UNKNOWN_REVERT`, also a mined transaction
 * that reverted without the node returning data), a Solidity `Panic(uint256)`, or an `Error(string)`.
 */
export class UnknownRevertError extends EVoucherError {
  override readonly name = "UnknownRevertError";
  readonly kind = "unknown-revert";
  declare readonly code: UnknownRevertCode;
  constructor(
    code: UnknownRevertCode,
    message: string,
    /** The raw revert data ("0x" when there was none). */
    readonly data: string,
    readonly details: {
      panicCode?: bigint;
      panicName?: string;
      reason?: string;
      transactionHash?: string;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Anything else: `code` is the ethers code when there is one (e.g. INSUFFICIENT_FUNDS, NONCE_EXPIRED). */
export class UnexpectedError extends EVoucherError {
  override readonly name = "UnexpectedError";
  readonly kind = "unexpected";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** What `toEVoucherError` returns: switch on `kind` to narrow. */
export type AnyEVoucherError =
  | LedgerRefusal
  | InvalidArgumentError
  | NetworkError
  | OracleError
  | UnknownRevertError
  | UnexpectedError;

/** True for any SDK error, or for one with the given `code` (e.g. "PIECE_NOT_IN_STATUS", "TIMEOUT"). */
export function isEVoucherError(error: unknown, code?: string): error is AnyEVoucherError {
  return error instanceof EVoucherError && (code === undefined || error.code === code);
}

/** True when the contract refused with `errorName`; narrows `args` to that error's parameters. */
export function isLedgerRefusal<N extends LedgerErrorName>(error: unknown, errorName?: N): error is LedgerRefusal<N> {
  return error instanceof LedgerRefusal && (errorName === undefined || error.errorName === errorName);
}

/** "DocumentKeyAlreadyUsed" → "DOCUMENT_KEY_ALREADY_USED"; "ECDSAInvalidSignature" → "ECDSA_INVALID_SIGNATURE". */
export function toScreamingSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

/** A value as an error message shows it: numbers bare, strings quoted. */
export function describeValue(value: unknown): string {
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
