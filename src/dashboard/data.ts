/**
 * The dashboard's data: the ledger rebuilt from its events with the auditor library (src/audit), cached by
 * the latest block. On each request the node is asked for its latest block; if the chain moved, only the new
 * blocks are indexed and folded into the cached model (`rebuild` continues from a model, and the fold depends
 * on nothing but the events before). If the block the cache ends at has changed its hash (a reorganisation,
 * or a development chain reverted or restarted) or the chain is shorter than the cache, everything is indexed
 * again from block 0. Consortium chains (QBFT/IBFT) have final blocks, so the full path is for development.
 */
import { BlockClock } from "../audit/blockTimes.js";
import type { Finding } from "../audit/findings.js";
import { JsonRpcEventSource } from "../audit/eventSource.js";
import { indexLedger } from "../audit/indexer.js";
import { LedgerModel, rebuild } from "../audit/model.js";
import { probeLedger } from "../audit/probe.js";
import { quantity, toQuantity, type RpcTransport } from "../audit/rpc.js";

/** The ledger as the pages see it, at one block. */
export interface Snapshot {
  ledger: string;
  chainId: number;
  /** The block the model is indexed up to (inclusive). */
  blockNumber: number;
  /** Unix seconds of that block: the "now" of overdue and maturity judgements, as the ledger judges them. */
  chainTime: number;
  model: LedgerModel;
  /** What the indexer could not take at face value (foreign, removed or undecodable logs). */
  sourceFindings: readonly Finding[];
  /** How this snapshot was obtained, for the page footer and tests. */
  refresh: "cached" | "incremental" | "full";
}

interface BlockHead {
  number: number;
  hash: string;
  timestamp: number;
}

interface Indexed {
  model: LedgerModel;
  findings: Finding[];
  clock: BlockClock;
  head: BlockHead;
}

export class LedgerData {
  private indexed: Indexed | null = null;
  private pending: Promise<Snapshot> | null = null;
  private readonly source: JsonRpcEventSource;
  /** Times the model was built from block 0, and extended: for tests of the cache. */
  readonly counts = { full: 0, incremental: 0 };

  private constructor(
    private readonly transport: RpcTransport,
    readonly ledger: string,
    readonly chainId: number,
  ) {
    this.source = new JsonRpcEventSource(transport, ledger);
  }

  /** Checks that `ledger` is a voucher ledger on the node (throws `NotALedgerError` otherwise) and indexes it. */
  static async open(transport: RpcTransport, ledger: string): Promise<LedgerData> {
    const probe = await probeLedger(transport, ledger);
    const data = new LedgerData(transport, ledger, probe.chainId);
    await data.snapshot();
    return data;
  }

  /** The model at the latest block. Concurrent requests share one refresh instead of indexing the same blocks twice. */
  snapshot(): Promise<Snapshot> {
    this.pending ??= this.refresh().finally(() => (this.pending = null));
    return this.pending;
  }

  private async refresh(): Promise<Snapshot> {
    const latest = await this.head("latest");
    const cached = this.indexed;
    let refresh: Snapshot["refresh"];
    if (cached !== null && latest.number === cached.head.number && latest.hash === cached.head.hash) {
      refresh = "cached";
    } else if (cached !== null && latest.number > cached.head.number && (await this.head(cached.head.number)).hash === cached.head.hash) {
      const result = await indexLedger(this.source, cached.clock, { ledger: this.ledger, fromBlock: cached.head.number + 1, toBlock: latest.number });
      rebuild(result.events, [], cached.model);
      cached.findings.push(...result.findings);
      cached.head = latest;
      refresh = "incremental";
      this.counts.incremental++;
    } else {
      // A fresh clock too: cached timestamps may belong to blocks that are no longer on the chain.
      const clock = new BlockClock(this.transport);
      const result = await indexLedger(this.source, clock, { ledger: this.ledger, fromBlock: 0, toBlock: latest.number });
      this.indexed = { model: rebuild(result.events), findings: [...result.findings], clock, head: latest };
      refresh = "full";
      this.counts.full++;
    }
    const { model, findings, head } = this.indexed!;
    return { ledger: this.ledger, chainId: this.chainId, blockNumber: head.number, chainTime: head.timestamp, model, sourceFindings: findings, refresh };
  }

  private async head(block: number | "latest"): Promise<BlockHead> {
    const tag = block === "latest" ? block : toQuantity(block);
    const answer = await this.transport.request<{ number?: unknown; hash?: unknown; timestamp?: unknown } | null>("eth_getBlockByNumber", [tag, false]);
    if (answer === null || typeof answer !== "object") throw new RangeError(`The node does not know block ${block}.`);
    return { number: quantity(answer.number, "block number"), hash: String(answer.hash), timestamp: quantity(answer.timestamp, "block timestamp") };
  }
}
