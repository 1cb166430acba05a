/**
 * A deliberately faulty event source for the tests: it wraps the real one and rewrites the logs it returns —
 * drops, duplicates, alters or injects them — re-encoding each changed log with the ledger's ABI, so the
 * audit meets the fault exactly as it would come from a broken or dishonest node.
 */
import type { EventSource, Log } from "../../src/audit/eventSource.js";
import { ledgerInterface } from "../../src/audit/decode.js";

const LEDGER = ledgerInterface();

export class RewritingSource implements EventSource {
  constructor(
    private readonly inner: EventSource,
    private readonly rewrite: (logs: Log[]) => Log[],
  ) {}

  latestBlock(): Promise<number> {
    return this.inner.latestBlock();
  }

  async logs(fromBlock: number, toBlock: number): Promise<Log[]> {
    return this.rewrite(await this.inner.logs(fromBlock, toBlock));
  }
}

export function nameOf(log: Log): string | undefined {
  return LEDGER.parseLog(log)?.name;
}

export function argsOf(log: Log): Record<string, unknown> {
  const parsed = LEDGER.parseLog(log)!;
  return Object.fromEntries(parsed.fragment.inputs.map((input) => [input.name, parsed.args[input.name]]));
}

/** The index of the first log of event `name` whose arguments satisfy `where`. */
export function indexOf(logs: Log[], name: string, where: (args: Record<string, unknown>) => boolean = () => true): number {
  const index = logs.findIndex((log) => nameOf(log) === name && where(argsOf(log)));
  if (index < 0) throw new Error(`test setup: no ${name} log matches`);
  return index;
}

/** The same log with some arguments changed (and, optionally, moved to another position). */
export function withArgs(log: Log, changes: Record<string, unknown>, position: Partial<Pick<Log, "blockNumber" | "logIndex" | "transactionHash">> = {}): Log {
  const parsed = LEDGER.parseLog(log)!;
  const values = parsed.fragment.inputs.map((input) => (input.name in changes ? changes[input.name] : parsed.args[input.name]));
  const { data, topics } = LEDGER.encodeEventLog(parsed.fragment, values);
  return { ...log, ...position, data, topics };
}

/** A new log of event `name`, placed right after `after` (same block, a log index no real log has). */
export function injected(name: string, values: unknown[], after: Log): Log {
  const { data, topics } = LEDGER.encodeEventLog(LEDGER.getEvent(name)!, values);
  return { ...after, logIndex: after.logIndex + 1_000, data, topics };
}
