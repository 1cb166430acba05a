/**
 * Where the audit's logs come from. `JsonRpcEventSource` asks a node for the ledger's logs with
 * `eth_getLogs` in block chunks; nodes cap a query's range or answer size (Besu, Geth and hosted nodes each
 * differently), so a refused chunk is halved and retried, and the chunk grows back after a run of successes.
 */
import { quantity, RpcError, toQuantity, type RpcTransport } from "./rpc.js";

/** A log as the node returned it, normalised. */
export interface Log {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  /** Unix seconds, when the node includes it in the log (newer nodes do); saves fetching the block. */
  blockTimestamp?: number;
  /** True when the node says the log was removed by a reorganisation. */
  removed?: boolean;
}

export interface EventSource {
  latestBlock(): Promise<number>;
  /** Logs of the ledger in `fromBlock..toBlock` (inclusive). */
  logs(fromBlock: number, toBlock: number): Promise<Log[]>;
}

export interface LogProgress {
  blocksDone: number;
  blocksTotal: number;
  logs: number;
}

export interface JsonRpcEventSourceOptions {
  /** Largest range asked in one `eth_getLogs` (default 10,000 blocks). */
  maxChunk?: number;
  /** Successes in a row after which a halved chunk is doubled again (default 4). */
  growAfter?: number;
  onProgress?: (progress: LogProgress) => void;
}

export class LogRangeRefusedError extends Error {
  override readonly name = "LogRangeRefusedError";
  constructor(
    readonly block: number,
    readonly nodeError: RpcError,
  ) {
    super(`The node refuses eth_getLogs even for block ${block} alone: ${nodeError.nodeMessage}`);
  }
}

export class JsonRpcEventSource implements EventSource {
  private chunk: number;
  private readonly maxChunk: number;
  private readonly growAfter: number;
  /** How many times a chunk was halved, for reports and tests. */
  halvings = 0;

  constructor(
    private readonly transport: RpcTransport,
    readonly address: string,
    private readonly options: JsonRpcEventSourceOptions = {},
  ) {
    this.maxChunk = options.maxChunk ?? 10_000;
    if (!Number.isSafeInteger(this.maxChunk) || this.maxChunk < 1) throw new RangeError(`maxChunk: expected a positive integer, got ${this.maxChunk}`);
    this.growAfter = options.growAfter ?? 4;
    this.chunk = this.maxChunk;
  }

  async latestBlock(): Promise<number> {
    return quantity(await this.transport.request("eth_blockNumber", []), "eth_blockNumber");
  }

  async logs(fromBlock: number, toBlock: number): Promise<Log[]> {
    const out: Log[] = [];
    const total = toBlock - fromBlock + 1;
    let next = fromBlock;
    let successes = 0;
    this.options.onProgress?.({ blocksDone: 0, blocksTotal: Math.max(total, 0), logs: 0 });
    while (next <= toBlock) {
      const end = Math.min(toBlock, next + this.chunk - 1);
      let raw: unknown;
      try {
        raw = await this.transport.request("eth_getLogs", [{ address: this.address, fromBlock: toQuantity(next), toBlock: toQuantity(end) }]);
      } catch (error) {
        if (!(error instanceof RpcError) || error.code === -32601) throw error;
        if (this.chunk === 1) throw new LogRangeRefusedError(next, error);
        this.chunk = Math.max(1, Math.floor(this.chunk / 2));
        this.halvings++;
        successes = 0;
        continue;
      }
      if (!Array.isArray(raw)) throw new TypeError(`eth_getLogs for blocks ${next}–${end}: expected an array of logs`);
      for (const entry of raw) out.push(normaliseLog(entry));
      next = end + 1;
      if (++successes >= this.growAfter && this.chunk < this.maxChunk) {
        this.chunk = Math.min(this.maxChunk, this.chunk * 2);
        successes = 0;
      }
      this.options.onProgress?.({ blocksDone: next - fromBlock, blocksTotal: total, logs: out.length });
    }
    return out;
  }
}

function normaliseLog(entry: unknown): Log {
  const log = entry as Record<string, unknown>;
  const topics = log.topics;
  if (!Array.isArray(topics) || typeof log.data !== "string" || typeof log.address !== "string") {
    throw new TypeError(`eth_getLogs returned a malformed log: ${JSON.stringify(entry)}`);
  }
  return {
    address: log.address,
    topics: topics.map(String),
    data: log.data,
    blockNumber: quantity(log.blockNumber, "log.blockNumber"),
    logIndex: quantity(log.logIndex, "log.logIndex"),
    transactionHash: String(log.transactionHash),
    ...(typeof log.blockTimestamp === "string" ? { blockTimestamp: quantity(log.blockTimestamp, "log.blockTimestamp") } : {}),
    ...(log.removed === true ? { removed: true } : {}),
  };
}
