/**
 * Reading the logs: eth_getLogs in chunks that halve when the node refuses a range and grow back, progress
 * reported as blocks done of the total, block timestamps fetched once per block in batches (or taken from
 * the logs), the HTTP transport's failures told apart, and the small pure pieces (CSV, option parsers,
 * progress line).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ethers as ethersLib, type EventFragment, type ParamType, type Result } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";
import { compileDecoder } from "../../src/audit/abiWords.js";
import { BlockClock } from "../../src/audit/blockTimes.js";
import { ledgerInterface } from "../../src/audit/decode.js";
import { parseBlock, parseCnyAmount, parseDuration, parsePercent, parseAddress, UsageError } from "../../src/audit/cliOptions.js";
import { parseCsv, toCsv } from "../../src/audit/csv.js";
import { JsonRpcEventSource, LogRangeRefusedError, type EventSource, type Log, type LogProgress } from "../../src/audit/eventSource.js";
import { indexLedger } from "../../src/audit/indexer.js";
import { progressReporter } from "../../src/audit/progress.js";
import { eip1193Transport, httpTransport, NodeUnreachableError, quantity, RpcError, type RpcTransport } from "../../src/audit/rpc.js";
import { buildHonest, type Connection, type Honest } from "./scenario.js";

/** A node that refuses eth_getLogs over more than `maxRange` blocks, as hosted nodes do; counts the calls. */
function refusingTransport(inner: RpcTransport, maxRange: number) {
  const calls: Array<{ method: string; params: unknown[] }> = [];
  const transport: RpcTransport = {
    label: "refusing node",
    async request<T>(method: string, params: unknown[]): Promise<T> {
      calls.push({ method, params });
      if (method === "eth_getLogs") {
        const { fromBlock, toBlock } = params[0] as { fromBlock: string; toBlock: string };
        if (quantity(toBlock, "to") - quantity(fromBlock, "from") + 1 > maxRange) throw new RpcError(method, -32005, `query exceeds max block range ${maxRange}`);
      }
      return inner.request<T>(method, params);
    },
    batch: (batch) => {
      calls.push(...batch);
      return inner.batch(batch);
    },
  };
  return { transport, calls };
}

describe("reading the ledger's logs", function () {
  let connection: Connection;
  let honest: Honest;
  let ledger: string;
  let reference: Log[];
  let latest: number;

  before(async function () {
    connection = await network.create();
    honest = await buildHonest(connection);
    ledger = await honest.c.contracts.ledger.getAddress();
    const source = new JsonRpcEventSource(eip1193Transport(connection.provider), ledger);
    latest = await source.latestBlock();
    reference = await source.logs(0, latest);
  });

  describe("JsonRpcEventSource", function () {
    it("halves the chunk when the node refuses a range, grows it back, and returns the same logs", async function () {
      const { transport, calls } = refusingTransport(eip1193Transport(connection.provider), 3);
      const progress: LogProgress[] = [];
      const source = new JsonRpcEventSource(transport, ledger, { maxChunk: 16, growAfter: 2, onProgress: (p) => progress.push(p) });
      const logs = await source.logs(0, latest);
      expect(logs).to.deep.equal(reference);
      expect(source.halvings).to.be.greaterThan(1);
      const ranges = calls.filter((c) => c.method === "eth_getLogs").map((c) => c.params[0] as { fromBlock: string; toBlock: string });
      const widths = ranges.map((r) => quantity(r.toBlock, "to") - quantity(r.fromBlock, "from") + 1);
      expect(widths.slice(0, 4)).to.deep.equal([16, 8, 4, 2]); // refused, refused, refused, then served
      // After two served chunks it tries a doubled one again (and is refused again by this node).
      expect(widths.slice(4)).to.include(4);
      expect(progress[0]).to.deep.equal({ blocksDone: 0, blocksTotal: latest + 1, logs: 0 });
      expect(progress.at(-1)).to.deep.equal({ blocksDone: latest + 1, blocksTotal: latest + 1, logs: reference.length });
      expect(progress.map((p) => p.blocksDone)).to.deep.equal([...progress.map((p) => p.blocksDone)].sort((a, b) => a - b));
    });

    it("gives up with a clear error when the node refuses even one block", async function () {
      const { transport } = refusingTransport(eip1193Transport(connection.provider), 0);
      const error = await new JsonRpcEventSource(transport, ledger, { maxChunk: 8 }).logs(0, latest).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(LogRangeRefusedError);
      expect((error as Error).message).to.equal("The node refuses eth_getLogs even for block 0 alone: query exceeds max block range 0");
    });

    it("does not retry a node without eth_getLogs", async function () {
      let tries = 0;
      const transport: RpcTransport = {
        label: "no logs",
        request: async () => {
          tries++;
          throw new RpcError("eth_getLogs", -32601, "the method eth_getLogs does not exist");
        },
        batch: async () => [],
      };
      const error = await new JsonRpcEventSource(transport, ledger).logs(0, 10).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RpcError);
      expect(tries).to.equal(1);
    });
  });

  describe("BlockClock", function () {
    it("fetches each block's timestamp once, in batches, and caches it", async function () {
      const { transport, calls } = refusingTransport(eip1193Transport(connection.provider), 1_000_000);
      const clock = new BlockClock(transport, 2);
      const blocks = [...new Set(reference.map((log) => log.blockNumber))];
      const first = await clock.timestamps([...blocks, ...blocks]);
      expect(first.size).to.equal(blocks.length);
      expect(clock.fetched).to.equal(blocks.length);
      await clock.timestamps(blocks);
      expect(clock.fetched).to.equal(blocks.length);
      expect(calls.filter((c) => c.method === "eth_getBlockByNumber")).to.have.length(blocks.length);
      const block = await connection.ethers.provider.getBlock(blocks[0]);
      expect(first.get(blocks[0])).to.equal(block!.timestamp);
    });

    it("needs no fetch when the node puts blockTimestamp in its logs", async function () {
      const { transport, calls } = refusingTransport(eip1193Transport(connection.provider), 1_000_000);
      const clock = new BlockClock(transport);
      const stamped: EventSource = { latestBlock: async () => latest, logs: async () => reference.map((log) => ({ ...log, blockTimestamp: 2_000_000_000 + log.blockNumber })) };
      const indexed = await indexLedger(stamped, clock, { ledger, fromBlock: 0, toBlock: latest });
      expect(calls.filter((c) => c.method === "eth_getBlockByNumber")).to.deep.equal([]);
      expect(indexed.events[0].timestamp).to.equal(2_000_000_000 + indexed.events[0].blockNumber);
    });
  });

  describe("httpTransport", function () {
    let server: Server;
    let url: string;
    let answer: (body: string) => { status: number; body: string };

    before(async function () {
      server = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
          const { status, body: out } = answer(body);
          response.writeHead(status, { "content-type": "application/json" }).end(out);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async function () {
      await new Promise((resolve) => server.close(resolve));
    });

    it("tells a node's error answer from an unreachable node", async function () {
      answer = () => ({ status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32005, message: "limit exceeded" } }) });
      const refused = await httpTransport(url).request("eth_getLogs", []).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(RpcError).and.include({ code: -32005, nodeMessage: "limit exceeded" });

      answer = () => ({ status: 200, body: "<html>not a node</html>" });
      expect(await httpTransport(url).request("eth_chainId", []).catch((e: unknown) => e)).to.be.instanceOf(NodeUnreachableError);

      answer = () => ({ status: 413, body: "payload too large" });
      expect(await httpTransport(url).request("eth_getLogs", []).catch((e: unknown) => e)).to.be.instanceOf(RpcError);

      const closed = httpTransport("http://127.0.0.1:9", { timeoutMs: 2_000 });
      const unreachable = await closed.request("eth_chainId", []).catch((e: unknown) => e);
      expect(unreachable).to.be.instanceOf(NodeUnreachableError);
      expect((unreachable as Error).message).to.match(/^The node at http:\/\/127\.0\.0\.1:9 could not be reached: /);
    });

    it("sends batches, and falls back to single requests on a node without batch support", async function () {
      answer = (body) => {
        const parsed = JSON.parse(body);
        if (Array.isArray(parsed)) return { status: 200, body: JSON.stringify(parsed.map((call) => ({ jsonrpc: "2.0", id: call.id, result: call.params[0] }))) };
        return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: parsed.id, result: parsed.params[0] }) };
      };
      expect(await httpTransport(url).batch([{ method: "echo", params: ["a"] }, { method: "echo", params: ["b"] }])).to.deep.equal(["a", "b"]);
      answer = (body) => {
        const parsed = JSON.parse(body);
        if (Array.isArray(parsed)) return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch not supported" } }) };
        return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: parsed.id, result: parsed.params[0] }) };
      };
      expect(await httpTransport(url).batch([{ method: "echo", params: ["a"] }, { method: "echo", params: ["b"] }])).to.deep.equal(["a", "b"]);
    });
  });
});

describe("the compiled event decoder", function () {
  const iface = ledgerInterface();
  const fragments: EventFragment[] = [];
  iface.forEachEvent((fragment) => fragments.push(fragment));
  // ethers' Result → the plain values the compiled decoder returns (the ledger's tuples hold value types only).
  const viaEthers = (fragment: EventFragment, log: { topics: string[]; data: string }) => {
    const result = iface.decodeEventLog(fragment, log.data, log.topics);
    return Object.fromEntries(
      fragment.inputs.map((input, i) => [input.name, input.isTuple() ? (result[i] as Result).toObject() : input.isArray() ? [...(result[i] as Result)] : result[i]]),
    );
  };

  it("compiles every event of the ledger's ABI", function () {
    expect(fragments.filter((fragment) => compileDecoder(fragment) === null).map((f) => f.name)).to.deep.equal([]);
  });

  /** Values of an ABI type, as ethers takes them for encoding. */
  const valueOf = (param: ParamType): fc.Arbitrary<unknown> => {
    const hex = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => "0x" + Buffer.from(bytes).toString("hex"));
    let match: RegExpExecArray | null;
    if ((match = /^uint(\d+)$/.exec(param.type))) return fc.bigInt({ min: 0n, max: (1n << BigInt(match[1])) - 1n });
    if (param.type === "address") return hex(20).map((value) => ethersLib.getAddress(value));
    if (param.type === "bool") return fc.boolean();
    if ((match = /^bytes(\d+)$/.exec(param.type))) return hex(Number(match[1]));
    if (param.isTuple()) return fc.tuple(...param.components.map(valueOf));
    if (param.isArray()) return fc.array(valueOf(param.arrayChildren), { maxLength: 5 });
    throw new Error(`test: no generator for ${param.type}`);
  };

  it("agrees with ethers on every well-formed event of the ABI", function () {
    for (const fragment of fragments) {
      fc.assert(
        fc.property(fc.tuple(...fragment.inputs.map(valueOf)), (values) => {
          const log = iface.encodeEventLog(fragment, values);
          expect(compileDecoder(fragment)!(log.topics, log.data)).to.deep.equal(viaEthers(fragment, log));
        }),
        { numRuns: 200, seed: 20351 },
      );
    }
  });

  it("where it accepts malformed data, decodes it as ethers does (and it refuses more: out-of-range words)", function () {
    // Words that are often valid for some type: small numbers, addresses, bools, left-aligned bytes, or noise.
    const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b).toString("hex"));
    const word = fc.oneof(
      fc.bigInt({ min: 0n, max: 255n }).map((n) => n.toString(16).padStart(64, "0")),
      bytes(20).map((h) => h.padStart(64, "0")),
      bytes(24).map((h) => h.padEnd(64, "0")),
      bytes(32),
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fragments), fc.array(word, { maxLength: 12 }), fc.array(word, { maxLength: 4 }), (fragment, dataWords, topicWords) => {
        const topics = [fragment.topicHash, ...topicWords.map((w) => "0x" + w)];
        const data = "0x" + dataWords.join("");
        let fast: unknown;
        try {
          fast = compileDecoder(fragment)!(topics, data);
        } catch {
          return;
        }
        accepted++;
        expect(fast).to.deep.equal(viaEthers(fragment, { topics, data }));
      }),
      { numRuns: 5_000, seed: 20352 },
    );
    expect(accepted).to.be.greaterThan(100);
  });

  it("agrees with ethers on events as the ledger encodes them", function () {
    const policy = { minPieceAmount: 10_000n, maxTerm: 31_536_000, enhancedReviewTerm: 15_811_200, gracePeriod: 259_200, maxLivePieces: 100, maxDepth: 5, attestationQuorum: 1 };
    const a = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    const samples: Array<[string, unknown[]]> = [
      ["VoucherIssued", [7n, a, a, 7n << 16n, 123_456n, 2_000_000_000, true, ethersLib.id("p"), [ethersLib.id("k1"), ethersLib.id("k2")]]],
      ["PieceSplit", [7n << 16n, (7n << 16n) | 3n, a, a, 1n, 2n ** 64n - 1n, 5, ethersLib.ZeroHash, []]],
      ["PolicyUpdated", [policy, a]],
      ["MemberRegistered", [a, "0x" + Buffer.from("91350200776049653A").toString("hex"), 6, 77]],
      ["PiecePledged", [1n, a, a, 5n, 450, 20, "0x" + "41".repeat(24), 65_535]],
    ];
    for (const [name, values] of samples) {
      const fragment = iface.getEvent(name)!;
      const log = iface.encodeEventLog(fragment, values);
      expect(compileDecoder(fragment)!(log.topics, log.data), name).to.deep.equal(viaEthers(fragment, log));
    }
  });
});

describe("CSV (RFC 4180)", function () {
  it("quotes fields with commas, quotes and line breaks, ends lines with CRLF, and reads back", function () {
    const table = { name: "t", columns: ["a", "b,c", 'say "hi"'], rows: [["1", "x\r\ny", "plain"], ["", '"', "1,000.00"]] };
    const text = toCsv(table);
    expect(text).to.equal('a,"b,c","say ""hi"""\r\n1,"x\r\ny",plain\r\n,"""","1,000.00"\r\n');
    expect(parseCsv(text)).to.deep.equal([table.columns, ...table.rows]);
  });

  it("refuses a row with the wrong number of fields", function () {
    expect(() => toCsv({ name: "t", columns: ["a", "b"], rows: [["1"]] })).to.throw("t: row 1 has 1 fields for 2 columns");
  });
});

describe("command-line values", function () {
  it("parses percentages exactly into basis points", function () {
    expect(parsePercent("--x")("1")).to.equal(100);
    expect(parsePercent("--x")("0.5")).to.equal(50);
    expect(parsePercent("--x")("10%")).to.equal(1_000);
    expect(() => parsePercent("--x")("1.234")).to.throw(UsageError, "--x: expected a percentage from 0 to 100 with at most two decimals");
    expect(() => parsePercent("--x")("101")).to.throw(UsageError);
  });

  it("parses durations, block numbers, CNY amounts and addresses, naming the option when refusing", function () {
    expect(["3600", "90s", "30m", "1h", "7d"].map(parseDuration("--w"))).to.deep.equal([3_600, 90, 1_800, 3_600, 604_800]);
    expect(() => parseDuration("--w")("1 week")).to.throw(UsageError, "--w: expected a duration");
    expect(parseBlock("--from-block")("0")).to.equal(0);
    expect(() => parseBlock("--from-block")("-1")).to.throw(UsageError, "--from-block: expected a block number");
    expect(parseCnyAmount("--threshold")("2,000,000.00", undefined)).to.deep.equal([200_000_000n]);
    expect(parseCnyAmount("--threshold")("0.01", [1n])).to.deep.equal([1n, 1n]);
    expect(() => parseCnyAmount("--threshold")("1.001", undefined)).to.throw(UsageError, "--threshold: expected an amount in CNY with at most two decimals");
    expect(() => parseAddress("0x123")).to.throw(UsageError, "--ledger: expected a contract address");
  });
});

describe("progress on stderr", function () {
  it("redraws one line on a terminal and ends it", function () {
    let out = "";
    const progress = progressReporter({ isTTY: true, columns: 80, write: (text: string) => (out += text) });
    progress.update({ blocksDone: 0, blocksTotal: 200, logs: 0 });
    progress.update({ blocksDone: 100, blocksTotal: 200, logs: 7 });
    progress.done();
    expect(out.split("\r").filter(Boolean).at(-1)).to.match(/^\[#+-+\]  50% blocks 100\/200, 7 logs\x1b\[K\n$/);
  });

  it("writes a plain line each 10% (or 10 s) when stderr is not a terminal", function () {
    const lines: string[] = [];
    let now = 0;
    const progress = progressReporter({ isTTY: false, write: (text: string) => lines.push(text) }, { now: () => now });
    for (let done = 0; done <= 1_000; done += 10) progress.update({ blocksDone: done, blocksTotal: 1_000, logs: done });
    expect(lines).to.have.length(11);
    expect(lines.at(-1)).to.equal("reading logs: 100% (blocks 1,000/1,000, 1,000 logs)\n");
    now = 20_000;
    progress.update({ blocksDone: 1_000, blocksTotal: 1_000, logs: 1_000 });
    expect(lines).to.have.length(12);
    progress.done();
    expect(lines).to.have.length(12);
  });
});
