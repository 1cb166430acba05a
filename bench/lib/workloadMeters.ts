/**
 * Instruments for bench/workload.ts, outside the code under measure: a JSON-RPC provider that counts its
 * requests and keeps the time it had at least one request in flight, an oracle client that keeps the time
 * spent waiting for attestations, and the statistics of a list of durations.
 */
import { readdirSync, readFileSync } from "node:fs";
import { JsonRpcProvider, type JsonRpcApiProviderOptions, type JsonRpcPayload, type JsonRpcResult, type Networkish } from "ethers";
import type { IssuePackage, TransferPackage } from "../../src/oracle/package/types.js";
import { OracleClient, type SignedAttestation } from "../../src/sdk/clients/index.js";

/**
 * ethers' JsonRpcProvider, unchanged but metered at `_send` (one HTTP POST, possibly a JSON-RPC batch): calls
 * by method, HTTP requests, and two clocks:
 *   inclusionMs  from the answer to an eth_sendRawTransaction to the first answer holding its receipt — the node
 *                mining it, plus ethers' wait for its next poll when the receipt was not there at once;
 *   busyMs       wall time with at least one request in flight, outside those waits (parallel requests are not
 *                counted twice).
 * Batching and its stall timer happen before `_send`, so they are in neither.
 */
export class MeteredProvider extends JsonRpcProvider {
  readonly calls = new Map<string, number>();
  httpRequests = 0;
  busyMs = 0;
  inclusionMs = 0;
  private inFlight = 0;
  private since = 0;
  private readonly sentAt = new Map<string, number>();

  constructor(url: string, network: Networkish | undefined, options: JsonRpcApiProviderOptions) {
    super(url, network, options);
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const calls = Array.isArray(payload) ? payload : [payload];
    for (const call of calls) this.calls.set(call.method, (this.calls.get(call.method) ?? 0) + 1);
    this.httpRequests++;
    const waiting = this.sentAt.size > 0;
    if (!waiting && this.inFlight++ === 0) this.since = performance.now();
    let results: JsonRpcResult[] = [];
    try {
      results = await super._send(payload);
      return results;
    } finally {
      const now = performance.now();
      if (!waiting && --this.inFlight === 0) this.busyMs += now - this.since;
      for (const call of calls) {
        const answer = results.find((result) => result.id === call.id)?.result as unknown;
        if (call.method === "eth_sendRawTransaction" && typeof answer === "string") this.sentAt.set(answer.toLowerCase(), now);
        if (call.method === "eth_getTransactionReceipt" && answer !== null && typeof answer === "object") {
          const hash = String((call.params as unknown[])[0]).toLowerCase();
          const sent = this.sentAt.get(hash);
          if (sent !== undefined) {
            this.inclusionMs += now - sent;
            this.sentAt.delete(hash);
          }
        }
      }
    }
  }

  /** What this provider has done so far, to subtract from a later snapshot. */
  snapshot(): MeterSnapshot {
    return { busyMs: this.busyMs, inclusionMs: this.inclusionMs, httpRequests: this.httpRequests, calls: new Map(this.calls) };
  }
}

export interface MeterSnapshot {
  busyMs: number;
  inclusionMs: number;
  httpRequests: number;
  calls: Map<string, number>;
}

/** The calls by method made since `before`. */
export function callsSince(provider: MeteredProvider, before: MeterSnapshot): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [method, count] of provider.calls) {
    const made = count - (before.calls.get(method) ?? 0);
    if (made > 0) delta[method] = made;
  }
  return delta;
}

/** The SDK's oracle client, unchanged, keeping the time spent in attestation requests (HTTP round trip included). */
export class TimedOracleClient extends OracleClient {
  ms = 0;
  requests = 0;

  override async requestIssueAttestation(tradePackage: IssuePackage, requestSignature: string): Promise<SignedAttestation> {
    const started = performance.now();
    try {
      return await super.requestIssueAttestation(tradePackage, requestSignature);
    } finally {
      this.ms += performance.now() - started;
      this.requests++;
    }
  }

  override async requestTransferAttestation(tradePackage: TransferPackage, requestSignature: string): Promise<SignedAttestation> {
    const started = performance.now();
    try {
      return await super.requestTransferAttestation(tradePackage, requestSignature);
    } finally {
      this.ms += performance.now() - started;
      this.requests++;
    }
  }
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

/** The value at quantile `q` (0–1) of the sorted values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * CPU seconds of this process and of the node's process (found by its port in /proc; Linux only, else null),
 * so that a phase can say which side was busy.
 */
export function cpuMeter(nodeUrl: string): () => { self: number; node: number | null } {
  const port = new URL(nodeUrl).port;
  let pid: string | undefined;
  try {
    pid = readdirSync("/proc").find((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
        return /anvil$/.test(argv[0]) && argv.includes(port);
      } catch {
        return false;
      }
    });
  } catch {
    pid = undefined;
  }
  const ticks = 100; // USER_HZ
  const nodeSeconds = (): number | null => {
    if (pid === undefined) return null;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      return null;
    }
  };
  return () => {
    const usage = process.cpuUsage();
    return { self: (usage.user + usage.system) / 1e6, node: nodeSeconds() };
  };
}
