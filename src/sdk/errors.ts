/**
 * Every failure of the SDK as one typed error with a `code` and a `kind` that says how a caller must treat it:
 *
 * | kind               | class                  | what happened                                        | what to do                    |
 * |--------------------|------------------------|------------------------------------------------------|-------------------------------|
 * | `refused`          | `LedgerRefusal`        | the contract refused (a decoded custom error)        | show `message`; do not retry  |
 * | `invalid-argument` | `InvalidArgumentError` | the SDK refused an argument before sending anything  | fix the input                 |
 * | `network`          | `NetworkError`         | the node could not be reached or answered garbage    | retry later                   |
 * | `oracle`           | `OracleError`          | an oracle was unreachable, refused, or misbehaved    | retry, or fix `failures`      |
 * | `unknown-revert`   | `UnknownRevertError`   | a revert the ABIs do not explain (panic, string, ?)  | report it: a bug or wrong ABI |
 * | `unexpected`       | `UnexpectedError`      | anything else ethers or the node threw               | report it                     |
 *
 * `toEVoucherError` turns whatever ethers v6 (or Hardhat's in-process EDR provider) throws into one of these;
 * `callLedger` wraps a contract call with it. The original error is always kept as `cause`.
 *
 * This file is the SDK's one import for errors: it re-exports the classes (errorTypes.ts) and the argument
 * checks (arguments.ts). The sentences of the contract errors are in errorMessages.ts.
 */
import { AbiCoder, Interface, ZeroHash, decodeBytes32String, id, type ErrorFragment, type ParamType } from "ethers";
import { FeeSchedule__factory, VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { MemberRole, MemberStatus, PieceStatus } from "./constants.js";
import { LEDGER_ERROR_SENTENCES, type LedgerArgValue, type LedgerErrorName } from "./errorMessages.js";
import {
  EVoucherError,
  InvalidArgumentError,
  LedgerRefusal,
  NetworkError,
  OracleError,
  UnexpectedError,
  UnknownRevertError,
  type AnyEVoucherError,
  type NetworkErrorCode,
} from "./errorTypes.js";
import { MoneyError } from "./money.js";

export * from "./errorTypes.js";
export type { LedgerArgValue, LedgerArgsOf, LedgerErrorName } from "./errorMessages.js";
export {
  requireAddress,
  requireBps,
  requireBytes32,
  requireFen,
  requirePieceId,
  requirePositiveFen,
  requireUnixSeconds,
  requireUscc,
  requireVoucherId,
} from "./arguments.js";

// ---------------------------------------------------------------- decoding reverts

// One interface over every error the ledger (with registry and OpenZeppelin bases) and the fee schedule declare.
type AbiError = { type: "error"; name: string; inputs: ReadonlyArray<{ name: string; type: string; internalType: string }> };
const ABI_ERRORS = new Map<string, AbiError>();
for (const fragment of [...VoucherLedger__factory.abi, ...FeeSchedule__factory.abi]) {
  if (fragment.type === "error") ABI_ERRORS.set(fragment.name, fragment);
}
const LEDGER_ERRORS = new Interface([...ABI_ERRORS.values()]);

/** Every error fragment the decoder knows, for tests and tooling. */
export const LEDGER_ERROR_FRAGMENTS: readonly ErrorFragment[] = (() => {
  const fragments: ErrorFragment[] = [];
  LEDGER_ERRORS.forEachError((fragment) => fragments.push(fragment));
  return fragments;
})();

const ERROR_STRING_SELECTOR = "0x08c379a0"; // Error(string)
const PANIC_SELECTOR = "0x4e487b71"; // Panic(uint256)

/** Solidity panic codes (docs: "Panic via assert and Error via require"). */
const PANIC_NAMES: Record<string, string> = {
  "0": "generic compiler panic",
  "1": "assertion failed",
  "17": "arithmetic overflow or underflow",
  "18": "division or modulo by zero",
  "33": "conversion to an enum out of range",
  "34": "incorrectly encoded storage byte array",
  "49": "pop() on an empty array",
  "50": "array index out of bounds",
  "65": "too much memory allocated",
  "81": "call to a zero-initialized internal function",
};

const invert = (table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([name, v]) => [v, name]));
const ENUM_NAMES: Record<string, Record<number, string>> = {
  "enum MemberStatus": invert(MemberStatus),
  "enum PieceStatus": invert(PieceStatus),
};
const ADMIN_ROLE_NAMES: Record<string, string> = {
  [ZeroHash]: "DEFAULT_ADMIN_ROLE",
  [id("CONSORTIUM_ADMIN_ROLE")]: "CONSORTIUM_ADMIN_ROLE",
};

/**
 * Decodes revert data against the ledger and fee schedule ABIs. A known custom error becomes a
 * `LedgerRefusal` with its sentence; a panic, an `Error(string)` or unknown data an `UnknownRevertError`.
 */
export function decodeLedgerRevert(data: string, options?: { cause?: unknown }): LedgerRefusal | UnknownRevertError {
  const hex = data.toLowerCase();
  const selector = hex.slice(0, 10);
  try {
    if (selector === ERROR_STRING_SELECTOR) {
      const [reason] = AbiCoder.defaultAbiCoder().decode(["string"], "0x" + hex.slice(10));
      return new UnknownRevertError(
        "REVERT_REASON",
        `The contract reverted with the message "${reason}" instead of one of its custom errors.`,
        data,
        { reason },
        options,
      );
    }
    if (selector === PANIC_SELECTOR) {
      const [panicCode] = AbiCoder.defaultAbiCoder().decode(["uint256"], "0x" + hex.slice(10));
      const panicName = PANIC_NAMES[panicCode.toString()] ?? "unknown panic";
      return new UnknownRevertError(
        "PANIC",
        `The contract panicked with code 0x${panicCode.toString(16)} (${panicName}); this is a bug in the contract.`,
        data,
        { panicCode, panicName },
        options,
      );
    }
    const parsed = LEDGER_ERRORS.parseError(hex);
    if (parsed !== null) {
      const errorName = parsed.name as LedgerErrorName;
      const args: Record<string, LedgerArgValue> = {};
      // The ABI's `internalType` ("enum PieceStatus") says which uint8 is an enum; ethers' ParamType drops it.
      const abiInputs = ABI_ERRORS.get(errorName)?.inputs ?? [];
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name] = decodeArgument(input, abiInputs[i]?.internalType, parsed.args[i]);
      });
      return new LedgerRefusal(errorName, args as never, data, sentenceFor(errorName, args), options);
    }
  } catch {
    // Data with a known selector that does not decode is as unexplained as an unknown selector.
  }
  return new UnknownRevertError(
    "UNKNOWN_REVERT",
    hex === "0x" || hex === ""
      ? "The contract reverted without saying why (no revert data)."
      : `The contract reverted with data ${selector}… that matches no known error of the ledger or fee schedule; is the SDK's ABI out of date?`,
    data,
    {},
    options,
  );
}

function sentenceFor(errorName: LedgerErrorName, args: Record<string, LedgerArgValue>): string {
  const sentence = LEDGER_ERROR_SENTENCES[errorName] as ((args: Record<string, LedgerArgValue>) => string) | undefined;
  const plain = `${errorName}(${Object.entries(args).map(([k, v]) => `${k}=${String(v)}`).join(", ")})`;
  if (sentence === undefined) return `The contract refused with ${plain}.`;
  try {
    return sentence(args);
  } catch {
    // A sentence must never hide the refusal: values it cannot format still name the error.
    return `The contract refused with ${plain}.`;
  }
}

/** One ABI value as a plain value; the rules are mirrored by the `LedgerArgsOf` type in errorMessages.ts. */
function decodeArgument(input: ParamType, internalType: string | undefined, value: unknown): LedgerArgValue {
  const enumNames = ENUM_NAMES[internalType ?? ""];
  if (enumNames !== undefined) return enumNames[Number(value)] ?? `Unknown(${value})`;
  if (input.type === "uint8" && (input.name === "role" || input.name === "roles")) return roleNames(Number(value));
  if (input.name === "neededRole") return ADMIN_ROLE_NAMES[String(value)] ?? String(value);
  if (input.type === "bytes32" && input.name === "field") return bytes32Text(String(value));
  if (input.type === "bytes18" && input.name === "uscc") return asciiText(String(value));
  if (typeof value === "bigint") {
    const bits = Number(/^u?int(\d+)$/.exec(input.type)?.[1] ?? 256);
    return bits <= 48 ? Number(value) : value;
  }
  if (typeof value === "boolean" || typeof value === "string") return value;
  return String(value);
}

/** 6 → "Supplier+Bank"; 0 → "none"; unknown bits as "bit6". */
export function roleNames(roles: number): string {
  const names = Object.entries(MemberRole)
    .filter(([, flag]) => (roles & flag) !== 0)
    .map(([name]) => name);
  for (let bit = 6; bit < 8; bit++) if ((roles & (1 << bit)) !== 0) names.push(`bit${bit}`);
  return names.length > 0 ? names.join("+") : "none";
}

function bytes32Text(value: string): string {
  try {
    return decodeBytes32String(value);
  } catch {
    return value;
  }
}

function asciiText(value: string): string {
  const text = Buffer.from(value.slice(2), "hex").toString("latin1").replace(/\0+$/, "");
  return /^[\x20-\x7e]*$/.test(text) ? text : value;
}

// ---------------------------------------------------------------- classifying what ethers throws

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === "object" && value !== null;

/**
 * The error and everything nested in it, breadth first. ethers puts the node's error in `info.error` or
 * `error`, Node's fetch in `cause`, Hardhat in `cause`; some nodes nest `data` objects or `originalError`.
 * `transaction` and `payload` are never entered: their `data` is the call data, not revert data.
 */
function* nested(error: unknown): Generator<Bag> {
  const queue: Array<[unknown, number]> = [[error, 0]];
  const seen = new Set<unknown>();
  while (queue.length > 0) {
    const [value, depth] = queue.shift()!;
    if (!isBag(value) || seen.has(value) || depth > 6) continue;
    seen.add(value);
    yield value;
    for (const key of ["error", "info", "cause", "data", "originalError"]) queue.push([value[key], depth + 1]);
  }
}

// Whole words only, so a hex payload never matches by accident; (len - 4 bytes) is a multiple of 32 in ABI data.
const REVERT_DATA = /^0x([0-9a-fA-F]{8})((?:[0-9a-fA-F]{64})*)$/;

/** Revert data anywhere in the error: EDR's `data`, ethers' `data`/`info.error.data`/`error.data`, Nethermind's "Reverted 0x…". */
function findRevertData(error: unknown): string | undefined {
  for (const bag of nested(error)) {
    const data = bag.data;
    if (typeof data !== "string") continue;
    const hex = data.startsWith("Reverted ") ? data.slice("Reverted ".length) : data;
    if (REVERT_DATA.test(hex)) return hex;
    // Empty data is a revert without reason only where the error says it reverted (JSON-RPC code 3 or the text).
    if (hex === "0x" && (bag.code === 3 || bag.code === "CALL_EXCEPTION" || /revert/i.test(String(bag.message)))) return hex;
  }
  return undefined;
}

const SYSTEM_NETWORK_CODES: Record<string, NetworkErrorCode> = {
  ECONNREFUSED: "NETWORK_ERROR",
  ECONNRESET: "NETWORK_ERROR",
  ENOTFOUND: "NETWORK_ERROR",
  EAI_AGAIN: "NETWORK_ERROR",
  EHOSTUNREACH: "NETWORK_ERROR",
  ENETUNREACH: "NETWORK_ERROR",
  EPIPE: "NETWORK_ERROR",
  UND_ERR_SOCKET: "NETWORK_ERROR",
  ETIMEDOUT: "TIMEOUT",
  UND_ERR_CONNECT_TIMEOUT: "TIMEOUT",
  UND_ERR_HEADERS_TIMEOUT: "TIMEOUT",
  UND_ERR_BODY_TIMEOUT: "TIMEOUT",
};

// Hardhat's HTTP provider: HardhatError HHE703 (connection refused) and HHE704 (timeout), or the request
// errors of @nomicfoundation/hardhat-utils in their cause.
const HARDHAT_NETWORK_ERRORS: Record<number, NetworkErrorCode> = { 703: "NETWORK_ERROR", 704: "TIMEOUT" };
const NAMED_NETWORK_ERRORS: Record<string, NetworkErrorCode> = {
  ConnectionRefusedError: "NETWORK_ERROR",
  RequestTimeoutError: "TIMEOUT",
  TimeoutError: "TIMEOUT", // AbortSignal.timeout()
};

const NETWORK_SENTENCES: Record<NetworkErrorCode, string> = {
  NETWORK_ERROR: "could not be reached",
  TIMEOUT: "did not answer in time",
  SERVER_ERROR: "failed with a server error",
  BAD_RESPONSE: "answered with something that is not a JSON-RPC response",
};

/** The network failure in an error, if it is one. */
function findNetworkFailure(error: unknown): { code: NetworkErrorCode; url?: string; detail: string } | undefined {
  let fetchFailed: { code: NetworkErrorCode; detail: string } | undefined;
  for (const bag of nested(error)) {
    const code = bag.code;
    const detail = String(bag.shortMessage ?? bag.message ?? code);
    const url = networkUrl(bag);
    if (code === "NETWORK_ERROR" || code === "TIMEOUT" || code === "SERVER_ERROR") return { code, url, detail };
    // ethers: the response body was not JSON ("response body is not valid JSON").
    if (code === "UNSUPPORTED_OPERATION" && bag.operation === "bodyJson") return { code: "BAD_RESPONSE", url, detail };
    if (typeof code === "string" && SYSTEM_NETWORK_CODES[code] !== undefined) return { code: SYSTEM_NETWORK_CODES[code], url, detail };
    if (bag.name === "HardhatError" && HARDHAT_NETWORK_ERRORS[bag.number as number] !== undefined) {
      return { code: HARDHAT_NETWORK_ERRORS[bag.number as number], url, detail: detail.split("\n")[0] };
    }
    if (typeof bag.name === "string" && NAMED_NETWORK_ERRORS[bag.name] !== undefined) {
      return { code: NAMED_NETWORK_ERRORS[bag.name], url, detail };
    }
    // Node's fetch: TypeError("fetch failed") whose cause says why; with an unknown cause it is still the network.
    if (bag instanceof TypeError && bag.message === "fetch failed") {
      const why = isBag(bag.cause) && typeof bag.cause.message === "string" ? `: ${bag.cause.message}` : "";
      fetchFailed ??= { code: "NETWORK_ERROR", detail: `${detail}${why}` };
    }
  }
  return fetchFailed;
}

function networkUrl(bag: Bag): string | undefined {
  if (isBag(bag.info) && typeof bag.info.requestUrl === "string") return bag.info.requestUrl;
  if (typeof bag.address === "string" && typeof bag.port === "number") return `${bag.address}:${bag.port}`;
  return undefined;
}

/**
 * Turns anything a contract call, `estimateGas`, `sendTransaction`, `wait()` or a provider throws into an SDK
 * error. An SDK error passes through unchanged; the original is kept as `cause` otherwise.
 */
export function toEVoucherError(error: unknown): AnyEVoucherError {
  if (error instanceof EVoucherError) return error as AnyEVoucherError;
  const cause = { cause: error };

  if (error instanceof MoneyError) {
    // Money parsing refuses an argument like any other check; its own code stays available as `reason`.
    return new InvalidArgumentError(error.argument, error.value, "", { ...cause, reason: error.code, message: error.message });
  }

  const revertData = findRevertData(error);
  if (revertData !== undefined) return decodeLedgerRevert(revertData, cause);

  const bag: Bag = isBag(error) ? error : {};
  if (bag.code === "CALL_EXCEPTION") {
    // A mined transaction that reverted: ethers has the receipt but nodes do not return the data.
    const receipt = isBag(bag.receipt) ? bag.receipt : undefined;
    const transactionHash = typeof receipt?.hash === "string" ? receipt.hash : undefined;
    const message =
      transactionHash !== undefined
        ? `Transaction ${transactionHash} reverted in block ${String(receipt?.blockNumber)} and the node gave no reason; replay it with staticCall to learn why.`
        : "The contract reverted without saying why (no revert data).";
    return new UnknownRevertError("UNKNOWN_REVERT", message, "0x", { transactionHash }, cause);
  }

  const network = findNetworkFailure(error);
  if (network !== undefined) {
    const where = network.url !== undefined ? `The node at ${network.url}` : "The node";
    return new NetworkError(network.code, `${where} ${NETWORK_SENTENCES[network.code]} (${network.detail}).`, network.url, cause);
  }

  if (bag.code === "INVALID_ARGUMENT" || bag.code === "MISSING_ARGUMENT" || bag.code === "UNEXPECTED_ARGUMENT") {
    // ethers refused a value while encoding the call (e.g. "value out-of-bounds" for a uint64).
    const argument = typeof bag.argument === "string" ? bag.argument : "arguments";
    const expected = `ethers refused it: ${String(bag.shortMessage ?? bag.message)}`;
    return new InvalidArgumentError(argument, bag.value, expected, { ...cause, reason: bag.code });
  }

  const code = typeof bag.code === "string" ? bag.code : "UNEXPECTED";
  const message = String(bag.shortMessage ?? bag.message ?? error);
  return new UnexpectedError(code, message, cause);
}

/**
 * Runs a ledger call and rethrows any failure as an SDK error:
 * `const pieceId = await callLedger(() => ledger.connect(holder).split(pieceId, amount));`
 */
export async function callLedger<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toEVoucherError(error);
  }
}

// ---------------------------------------------------------------- oracle

/** What fetch threw on the way to the oracle (refused connection, DNS, timeout) as `ORACLE_UNREACHABLE`. */
export function oracleUnreachable(url: string, cause: unknown): OracleError {
  if (cause instanceof OracleError) return cause;
  const network = findNetworkFailure(cause);
  const detail = network?.detail ?? String(isBag(cause) ? (cause.message ?? cause) : cause);
  return OracleError.unreachable(url, network?.code === "TIMEOUT" ? `no answer in time: ${detail}` : detail, { cause });
}

/**
 * The oracle's answer to a failed request: 4xx with its coded failures → `ORACLE_REFUSED`; anything else
 * (5xx, a proxy's error page) → `ORACLE_UNREACHABLE`. Reads `{ error: { code, message, failures } }`,
 * `{ failures }` or `{ code, message }`.
 */
export function oracleErrorFromResponse(url: string, status: number, body: unknown): OracleError {
  const error = isBag(body) && isBag(body.error) ? body.error : isBag(body) ? body : {};
  const oracleMessage = typeof error.message === "string" ? error.message : typeof body === "string" ? body.trim() : "";
  if (status < 400 || status >= 500) {
    return OracleError.unreachable(url, `HTTP ${status}${oracleMessage ? `: ${oracleMessage}` : ""}`, { status });
  }
  const listed: unknown[] = Array.isArray(error.failures) ? error.failures : [];
  const failures = listed.filter(isBag).map((f) => ({
    code: String(f.code ?? "UNKNOWN"),
    path: typeof f.path === "string" ? f.path : "",
    message: String(f.message ?? f.code ?? ""),
  }));
  const oracleCode = typeof error.code === "string" ? error.code : "UNKNOWN";
  return OracleError.refused(url, status, oracleCode, oracleMessage || "refused", failures);
}
