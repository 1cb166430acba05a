/**
 * Block timestamps for the blocks that carry ledger events (statistics by month, time windows of the
 * patterns). Each block is asked once: answers are cached, and missing ones are fetched in batches of
 * `eth_getBlockByNumber` without transactions. Nodes that put `blockTimestamp` in their logs need none.
 */
import { quantity, RpcError, toQuantity, type RpcTransport } from "./rpc.js";

export class BlockClock {
  private readonly cache = new Map<number, number>();
  /** Blocks fetched from the node (not from logs or the cache), for reports and tests. */
  fetched = 0;

  constructor(
    private readonly transport: RpcTransport,
    private readonly batchSize = 100,
  ) {}

  /** Records a timestamp learnt elsewhere (a log's `blockTimestamp`). */
  remember(blockNumber: number, timestamp: number): void {
    this.cache.set(blockNumber, timestamp);
  }

  /** Unix seconds of every block in `blocks`. */
  async timestamps(blocks: Iterable<number>): Promise<Map<number, number>> {
    const wanted = [...new Set(blocks)];
    const missing = wanted.filter((block) => !this.cache.has(block));
    for (let i = 0; i < missing.length; i += this.batchSize) {
      const slice = missing.slice(i, i + this.batchSize);
      const answers = await this.transport.batch(slice.map((block) => ({ method: "eth_getBlockByNumber", params: [toQuantity(block), false] })));
      for (const [j, answer] of answers.entries()) {
        if (answer instanceof RpcError) throw answer;
        const block = answer as { timestamp?: unknown } | null;
        if (block === null || block === undefined) throw new RangeError(`Block ${slice[j]} is not known to the node, yet it holds a ledger log.`);
        this.cache.set(slice[j], quantity(block.timestamp, `timestamp of block ${slice[j]}`));
      }
      this.fetched += slice.length;
    }
    return new Map(wanted.map((block) => [block, this.cache.get(block)!]));
  }
}
