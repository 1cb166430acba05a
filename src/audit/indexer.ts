/**
 * Reads the ledger's logs from an event source and decodes them into typed events in chain order
 * (block, log index), each with its block's timestamp. Whatever cannot be taken at face value — a log the
 * ABI does not know, one that does not decode, one from another address, one marked removed, two logs at
 * one position — becomes a `source` finding: reported, never silently dropped.
 */
import { getAddress } from "ethers";
import type { BlockClock } from "./blockTimes.js";
import { decodeLog } from "./decode.js";
import { byPosition, type AuditEvent } from "./events.js";
import type { EventSource, Log } from "./eventSource.js";
import type { Finding } from "./findings.js";

export interface IndexOptions {
  /** The ledger's address: logs from any other address are reported. */
  ledger: string;
  fromBlock: number;
  toBlock: number;
}

export interface IndexResult {
  events: AuditEvent[];
  findings: Finding[];
  logCount: number;
  fromBlock: number;
  toBlock: number;
}

export async function indexLedger(source: EventSource, clock: BlockClock, options: IndexOptions): Promise<IndexResult> {
  const logs = await source.logs(options.fromBlock, options.toBlock);
  const ledger = getAddress(options.ledger);
  const findings: Finding[] = [];
  const report = (log: Log, code: string, message: string, severity: Finding["severity"] = "error") =>
    findings.push({ code, severity, category: "source", blockNumber: log.blockNumber, logIndex: log.logIndex, transactionHash: log.transactionHash, message });

  const kept: Log[] = [];
  // Compared in lower case: a checksum per log (a keccak each) was most of the indexer's own time.
  const ledgerLower = ledger.toLowerCase();
  for (const log of logs) {
    if (typeof log.address !== "string" || log.address.toLowerCase() !== ledgerLower) {
      report(log, "FOREIGN_LOG", `The node returned a log of ${log.address} at block ${log.blockNumber}, log ${log.logIndex}, although only the ledger's logs were asked for; it was not used.`);
    } else if (log.removed) {
      report(log, "REMOVED_LOG", `The log at block ${log.blockNumber}, log ${log.logIndex} was removed by a chain reorganisation; it was not used. Audit again once the chain is final.`, "notice");
    } else {
      kept.push(log);
    }
  }
  kept.sort(byPosition);
  for (let i = 1; i < kept.length; i++) {
    if (byPosition(kept[i - 1], kept[i]) === 0) {
      const same = kept[i - 1].data === kept[i].data && kept[i - 1].topics.join() === kept[i].topics.join();
      report(kept[i], "DUPLICATE_LOG_POSITION", `Two logs share block ${kept[i].blockNumber}, log ${kept[i].logIndex}${same ? " with the same content" : " with different contents"}; a chain has one log per position, so the source is faulty. Both were used.`);
    }
  }

  for (const log of kept) if (log.blockTimestamp !== undefined) clock.remember(log.blockNumber, log.blockTimestamp);
  const times = await clock.timestamps(kept.map((log) => log.blockNumber));

  const events: AuditEvent[] = [];
  for (const log of kept) {
    const decoded = decodeLog(log, times.get(log.blockNumber)!);
    if (decoded.ok) events.push(decoded.event);
    else report(log, decoded.code, decoded.message);
  }
  return { events, findings, logCount: logs.length, fromBlock: options.fromBlock, toBlock: options.toBlock };
}
