/**
 * Rebuilds the lineage of a piece (R7) from the ledger's events: every step from the issue to the piece,
 * each with the attested trade behind it (package hash and document keys), and checks that the event
 * chain agrees with the ledger's state (`lineageOf`, and the holder, amount and depth in `pieceOf`).
 *
 * Read-only. Banks run it before lending (see financingCheck.ts); auditors run it on its own.
 * A gap or a contradiction is reported as a problem, never skipped: a lineage with problems is not
 * verifiable, whatever its steps say.
 */
import { getAddress, ZeroHash } from "ethers";
import { voucherIdOfPiece } from "./constants.js";
import { formatPiece } from "./display.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";

export type LineageStepKind = "issue" | "split-transfer" | "transfer" | "self-split" | "factoring";

/** One change of who holds the claim, on the way from the issue to the piece. */
export interface LineageStep {
  kind: LineageStepKind;
  /** The piece the step created or moved: the root for "issue", the new piece for a split. */
  pieceId: bigint;
  /** The piece a split was carved from; null for the other kinds. */
  parentPieceId: bigint | null;
  /** The issuer for "issue"; otherwise the holder before the step. */
  from: string;
  /** The holder after the step (the factor for "factoring"; `from` itself for "self-split"). */
  to: string;
  /**
   * Face value in fen that the step moved. For a whole transfer it is the piece's amount at that moment,
   * worked out from earlier events; null only when those events are missing (the lineage then has a problem).
   */
  amount: bigint | null;
  /** Transfer levels from the issue after the step (factoring keeps the depth); null as for `amount`. */
  depth: number | null;
  /** The attested trade package; null for a self-split and a factoring, which are no trade. */
  packageHash: string | null;
  /** Keyed hashes of the trade documents consumed by the step (empty when there is no trade). */
  documentKeys: string[];
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

export type LineageProblemCode = "LINEAGE_INCOMPLETE" | "LINEAGE_INCONSISTENT";

/** INCOMPLETE: an event the chain needs was not found. INCONSISTENT: events contradict each other or the state. */
export interface LineageProblem {
  code: LineageProblemCode;
  message: string;
}

export interface Lineage {
  pieceId: bigint;
  /** `lineageOf(pieceId)` reversed: the root first, the piece last. */
  path: bigint[];
  /** Ordered by block and log index, the issue first. */
  steps: LineageStep[];
  /** The holder after the last step according to the events; null when the events do not tell. */
  holder: string | null;
  /** True when there are no problems. */
  complete: boolean;
  problems: LineageProblem[];
  /** The block range the events were read from, inclusive; the state was read at `toBlock`. */
  fromBlock: number;
  toBlock: number;
}

export interface LineageOptions {
  /** First block to read events from (default 0). Starting after the issue makes the lineage incomplete. */
  fromBlock?: number;
  /** Block at which state and events are read (default: the latest), so both describe the same moment. */
  toBlock?: number;
}

/** Where an event sits in the chain; events are ordered by (block, log index). */
interface Position {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

interface IssuedEvent extends Position {
  type: "issued";
  pieceId: bigint;
  issuer: string;
  holder: string;
  amount: bigint;
  packageHash: string;
  documentKeys: string[];
}
interface SplitEvent extends Position {
  type: "split";
  parentId: bigint;
  pieceId: bigint;
  from: string;
  to: string;
  amount: bigint;
  parentAmount: bigint;
  depth: number;
  packageHash: string;
  documentKeys: string[];
}
interface TransferredEvent extends Position {
  type: "transferred";
  pieceId: bigint;
  from: string;
  to: string;
  depth: number;
  packageHash: string;
  documentKeys: string[];
}
interface FactoredEvent extends Position {
  type: "factored";
  pieceId: bigint;
  from: string;
  factor: string;
  amount: bigint;
}
type LedgerEvent = IssuedEvent | SplitEvent | TransferredEvent | FactoredEvent;

/**
 * The lineage of an existing piece. Throws a `RangeError` naming the argument when `pieceId` is not a
 * piece id, does not exist at `toBlock`, when a block number is invalid, or when `ledger` has no provider.
 */
export async function rebuildLineage(ledger: VoucherLedger, pieceId: bigint, options: LineageOptions = {}): Promise<Lineage> {
  checkPieceId(pieceId, "pieceId");
  const fromBlock = checkBlockNumber(options.fromBlock, "options.fromBlock") ?? 0;
  let toBlock = checkBlockNumber(options.toBlock, "options.toBlock");
  if (toBlock === undefined) {
    const provider = ledger.runner?.provider;
    if (!provider) throw new RangeError("ledger: expected a contract connected to a provider");
    toBlock = await provider.getBlockNumber();
  }
  if (fromBlock > toBlock) throw new RangeError(`options.fromBlock: block ${fromBlock} is after options.toBlock ${toBlock}`);
  const read = { blockTag: toBlock };

  const piece = await ledger.pieceOf(pieceId, read);
  if (piece.status === 0n) throw new RangeError(`pieceId: piece ${pieceId} does not exist on this ledger at block ${toBlock}`);
  const path = [...(await ledger.lineageOf(pieceId, read))].reverse();

  const events = await fetchEvents(ledger, path, fromBlock, toBlock);
  const { lineage, end } = walk(pieceId, path, events, fromBlock, toBlock);
  compareWithState(lineage, end, { holder: piece.holder, amount: piece.amount, depth: Number(piece.depth) });
  return lineage;
}

/** "1.3": voucher 1, index 3. Short enough for messages, unambiguous with the voucher id. */

// ---------------------------------------------------------------- reading events

/**
 * Every event that creates, moves or shrinks a piece on the path, filtered by the indexed piece ids.
 * Splits are read both by parent (siblings shrink the parent, so whole-transfer amounts can be worked out)
 * and by new piece (so a split naming another parent than `lineageOf` is caught, not just missed).
 */
async function fetchEvents(ledger: VoucherLedger, path: bigint[], fromBlock: number, toBlock: number): Promise<LedgerEvent[]> {
  const { filters } = ledger;
  const voucherId = voucherIdOfPiece(path[0]);
  const [issued, ...perPiece] = await Promise.all([
    ledger.queryFilter(filters.VoucherIssued(voucherId), fromBlock, toBlock),
    ...path.map((id) =>
      Promise.all([
        ledger.queryFilter(filters.PieceSplit(id), fromBlock, toBlock),
        ledger.queryFilter(filters.PieceSplit(undefined, id), fromBlock, toBlock),
        ledger.queryFilter(filters.PieceTransferred(id), fromBlock, toBlock),
        ledger.queryFilter(filters.PieceFactored(id), fromBlock, toBlock),
      ]),
    ),
  ]);

  const events: LedgerEvent[] = issued.map((log) => ({
    type: "issued",
    ...position(log),
    pieceId: log.args.pieceId,
    issuer: getAddress(log.args.issuer),
    holder: getAddress(log.args.holder),
    amount: log.args.amount,
    packageHash: log.args.packageHash,
    documentKeys: [...log.args.documentKeys],
  }));
  for (const [splitsFrom, splitsInto, transfers, factorings] of perPiece) {
    for (const log of [...splitsFrom, ...splitsInto]) {
      events.push({
        type: "split",
        ...position(log),
        parentId: log.args.parentId,
        pieceId: log.args.pieceId,
        from: getAddress(log.args.from),
        to: getAddress(log.args.to),
        amount: log.args.amount,
        parentAmount: log.args.parentAmount,
        depth: Number(log.args.depth),
        packageHash: log.args.packageHash,
        documentKeys: [...log.args.documentKeys],
      });
    }
    for (const log of transfers) {
      events.push({
        type: "transferred",
        ...position(log),
        pieceId: log.args.pieceId,
        from: getAddress(log.args.from),
        to: getAddress(log.args.to),
        depth: Number(log.args.depth),
        packageHash: log.args.packageHash,
        documentKeys: [...log.args.documentKeys],
      });
    }
    for (const log of factorings) {
      events.push({
        type: "factored",
        ...position(log),
        pieceId: log.args.pieceId,
        from: getAddress(log.args.from),
        factor: getAddress(log.args.factor),
        amount: log.args.amount,
      });
    }
  }
  // A split between two path pieces was read twice (by parent and by new piece): keep one copy.
  const unique = new Map(events.map((event) => [`${event.transactionHash}:${event.logIndex}`, event]));
  return [...unique.values()].sort(byPosition);
}

function position(log: { blockNumber: number; index: number; transactionHash: string }): Position {
  return { blockNumber: log.blockNumber, logIndex: log.index, transactionHash: log.transactionHash };
}

function byPosition(a: Position, b: Position): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

// ---------------------------------------------------------------- walking the chain

/** What the events say about the path piece being followed; null where an event is missing. */
interface Tracked {
  holder: string | null;
  amount: bigint | null;
  depth: number | null;
}

/**
 * Follows the path root → piece. On each path piece, the events up to the split that creates the next
 * path piece belong to the lineage; what happens to the remainder afterwards does not.
 */
function walk(
  pieceId: bigint,
  path: bigint[],
  events: LedgerEvent[],
  fromBlock: number,
  toBlock: number,
): { lineage: Lineage; end: Tracked } {
  const problems: LineageProblem[] = [];
  const steps: LineageStep[] = [];
  const incomplete = (message: string) => problems.push({ code: "LINEAGE_INCOMPLETE", message });
  const inconsistent = (message: string) => problems.push({ code: "LINEAGE_INCONSISTENT", message });
  const range = `blocks ${fromBlock}–${toBlock}`;

  const voucherId = voucherIdOfPiece(pieceId);
  if (path.length === 0 || path[path.length - 1] !== pieceId || (path[0] & 0xffffn) !== 0n) {
    inconsistent(`lineageOf(${formatPiece(pieceId)}) returned [${path.map(formatPiece).join(", ")}], which does not run from the root to the piece.`);
  }

  let tracked: Tracked = { holder: null, amount: null, depth: null };
  // `from` of every step must be the holder the events so far lead to.
  const checkFrom = (from: string, what: string) => {
    if (tracked.holder !== null && tracked.holder !== from) {
      inconsistent(`${what} is from ${from}, but the events before it leave the piece with ${tracked.holder}.`);
    }
  };

  for (const [i, id] of path.entries()) {
    const label = formatPiece(id);
    let created: Position | null = null;

    if (i === 0) {
      const issued = events.filter((e): e is IssuedEvent => e.type === "issued");
      const ofRoot = issued.filter((e) => e.pieceId === id);
      for (const other of issued.filter((e) => e.pieceId !== id)) {
        inconsistent(`VoucherIssued for voucher ${voucherId} in tx ${other.transactionHash} names root piece ${formatPiece(other.pieceId)}, not ${label}.`);
      }
      if (ofRoot.length > 1) inconsistent(`Voucher ${voucherId} has ${ofRoot.length} VoucherIssued events; it must have one.`);
      const issue = ofRoot[0];
      if (!issue) {
        incomplete(`No VoucherIssued event for voucher ${voucherId} was found in ${range}.`);
      } else {
        steps.push({
          kind: "issue",
          pieceId: id,
          parentPieceId: null,
          from: issue.issuer,
          to: issue.holder,
          amount: issue.amount,
          depth: 0,
          packageHash: issue.packageHash,
          documentKeys: issue.documentKeys,
          ...positionOf(issue),
        });
        tracked = { holder: issue.holder, amount: issue.amount, depth: 0 };
        created = issue;
      }
    } else {
      const parent = path[i - 1];
      const creations = events.filter((e): e is SplitEvent => e.type === "split" && e.pieceId === id);
      if (creations.length > 1) inconsistent(`Piece ${label} has ${creations.length} PieceSplit events creating it; it must have one.`);
      const split = creations[0];
      if (!split) {
        incomplete(`No PieceSplit event creating piece ${label} from piece ${formatPiece(parent)} was found in ${range}.`);
        tracked = { holder: null, amount: null, depth: null };
      } else {
        if (split.parentId !== parent) {
          inconsistent(`PieceSplit creates piece ${label} from piece ${formatPiece(split.parentId)}, but lineageOf names ${formatPiece(parent)} as its parent.`);
        }
        checkFrom(split.from, `The split creating piece ${label} (tx ${split.transactionHash})`);
        checkSplitOfParent(split, tracked, inconsistent);
        const self = split.from === split.to;
        steps.push({
          kind: self ? "self-split" : "split-transfer",
          pieceId: id,
          parentPieceId: split.parentId,
          from: split.from,
          to: split.to,
          amount: split.amount,
          depth: split.depth,
          packageHash: self || split.packageHash === ZeroHash ? null : split.packageHash,
          documentKeys: split.documentKeys,
          ...positionOf(split),
        });
        tracked = { holder: split.to, amount: split.amount, depth: split.depth };
        created = split;
      }
    }

    // The life of this piece until the next path piece splits off it (to the end for the last piece).
    const next = path[i + 1];
    const cut = next === undefined ? undefined : events.find((e) => e.type === "split" && e.pieceId === next);
    const own = events.filter(
      (e) =>
        ((e.type === "split" && e.parentId === id && e.pieceId !== next) ||
          ((e.type === "transferred" || e.type === "factored") && e.pieceId === id)) &&
        (cut === undefined || byPosition(e, cut) < 0),
    );
    for (const event of own) {
      if (created && byPosition(event, created) < 0) {
        inconsistent(`An event on piece ${label} in tx ${event.transactionHash} comes before the piece was created.`);
      }
      if (event.type === "transferred") {
        checkFrom(event.from, `The transfer of piece ${label} (tx ${event.transactionHash})`);
        if (tracked.depth !== null && event.depth !== tracked.depth + 1) {
          inconsistent(`The transfer of piece ${label} (tx ${event.transactionHash}) records depth ${event.depth}, expected ${tracked.depth + 1}.`);
        }
        steps.push({
          kind: "transfer",
          pieceId: id,
          parentPieceId: null,
          from: event.from,
          to: event.to,
          amount: tracked.amount,
          depth: event.depth,
          packageHash: event.packageHash,
          documentKeys: event.documentKeys,
          ...positionOf(event),
        });
        tracked = { ...tracked, holder: event.to, depth: event.depth };
      } else if (event.type === "factored") {
        checkFrom(event.from, `The factoring of piece ${label} (tx ${event.transactionHash})`);
        if (tracked.amount !== null && event.amount !== tracked.amount) {
          inconsistent(`The factoring of piece ${label} (tx ${event.transactionHash}) is over ${event.amount} fen, but the piece held ${tracked.amount} fen.`);
        }
        steps.push({
          kind: "factoring",
          pieceId: id,
          parentPieceId: null,
          from: event.from,
          to: event.factor,
          amount: event.amount,
          depth: tracked.depth,
          packageHash: null,
          documentKeys: [],
          ...positionOf(event),
        });
        tracked = { ...tracked, holder: event.factor, amount: event.amount };
      } else if (event.type === "split") {
        // A sibling split off this piece: not a step of the lineage, but it shrinks the piece.
        checkFrom(event.from, `The split of piece ${formatPiece(event.pieceId)} off piece ${label} (tx ${event.transactionHash})`);
        checkSplitOfParent(event, tracked, inconsistent);
        tracked = { ...tracked, amount: event.parentAmount };
      }
    }
  }

  const lineage = { pieceId, path, steps, holder: tracked.holder, complete: problems.length === 0, problems, fromBlock, toBlock };
  return { lineage, end: tracked };
}

/** A split takes `amount` off the parent and leaves `parentAmount`, one level deeper. */
function checkSplitOfParent(split: SplitEvent, parent: Tracked, inconsistent: (message: string) => void) {
  const label = formatPiece(split.pieceId);
  if (parent.amount !== null && split.amount + split.parentAmount !== parent.amount) {
    inconsistent(
      `The split creating piece ${label} (tx ${split.transactionHash}) takes ${split.amount} fen and leaves ${split.parentAmount} fen, but piece ${formatPiece(split.parentId)} held ${parent.amount} fen.`,
    );
  }
  if (parent.depth !== null && split.depth !== parent.depth + 1) {
    inconsistent(`The split creating piece ${label} (tx ${split.transactionHash}) records depth ${split.depth}, expected ${parent.depth + 1}.`);
  }
}

function positionOf(event: Position): Position {
  return { blockNumber: event.blockNumber, logIndex: event.logIndex, transactionHash: event.transactionHash };
}

/**
 * The events must end where the ledger's state is: same holder, amount and depth. A value the events do not
 * tell (null) was already reported as missing.
 */
function compareWithState(lineage: Lineage, end: Tracked, state: { holder: string; amount: bigint; depth: number }) {
  const label = formatPiece(lineage.pieceId);
  const holder = getAddress(state.holder);
  const inconsistent = (message: string) => lineage.problems.push({ code: "LINEAGE_INCONSISTENT", message });
  if (end.holder !== null && end.holder !== holder) {
    inconsistent(`The events leave piece ${label} with ${end.holder}, but the ledger records ${holder} as its holder.`);
  }
  if (end.amount !== null && end.amount !== state.amount) {
    inconsistent(`The events leave piece ${label} with ${end.amount} fen, but the ledger records ${state.amount} fen.`);
  }
  if (end.depth !== null && end.depth !== state.depth) {
    inconsistent(`The events put piece ${label} at depth ${end.depth}, but the ledger records depth ${state.depth}.`);
  }
  lineage.complete = lineage.problems.length === 0;
}

/** Validates a piece id argument: a uint256 bigint. */
export function checkPieceId(pieceId: unknown, argument: string): asserts pieceId is bigint {
  if (typeof pieceId !== "bigint" || pieceId < 0n || pieceId >= 1n << 256n) {
    throw new RangeError(`${argument}: expected a piece id as a non-negative uint256 bigint (got ${describe(pieceId)})`);
  }
}

function checkBlockNumber(value: unknown, argument: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${argument}: expected a non-negative integer block number (got ${describe(value)})`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "bigint" ? `${value}n` : JSON.stringify(value) ?? String(value);
}
