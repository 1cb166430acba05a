/**
 * The `evoucher` command line (commander): `audit` rebuilds the ledger from its events and reports
 * invariant violations and abnormal patterns; `stats` exports the regulator statistics. `runCli` returns the
 * exit code instead of exiting, so it can be tested in-process; src/audit/cli.ts is the entry point.
 */
import { writeFile } from "node:fs/promises";
import { Command, CommanderError, Option } from "commander";
import { fenToCny } from "../sdk/money.js";
import { hasFindings, runAudit, type AuditRun } from "./audit.js";
import { BlockClock } from "./blockTimes.js";
import { parseAddress, parseBlock, parseCnyAmount, parseDuration, parsePercent, parsePositiveInteger, parseRpcUrl, UsageError } from "./cliOptions.js";
import { JsonRpcEventSource, LogRangeRefusedError } from "./eventSource.js";
import { findingJson, findingsTable, modelJson, piecesTable, statisticsJson, statisticsTables, toJson, writeTables } from "./export.js";
import { DEFAULT_PATTERN_OPTIONS, validatePatternOptions, type PatternOptions } from "./patterns.js";
import { NotALedgerError, probeLedger, startsAtDeployment } from "./probe.js";
import { progressReporter, type ProgressStream } from "./progress.js";
import { findingLines, headerLines, modelLines, statisticsLines } from "./report.js";
import { httpTransport, NodeUnreachableError, RpcError } from "./rpc.js";

export const EXIT = { clean: 0, findings: 1, usage: 2, node: 3, internal: 4 } as const;

const EXAMPLES_HELP = `
Examples:
  evoucher audit --rpc http://127.0.0.1:8545 --ledger 0x5FbD…0aa3 --json audit.json --csv audit/
  evoucher audit --rpc $RPC --ledger $LEDGER --patterns-only --threshold 1000000.00 --threshold 2000000.00
  evoucher stats --rpc $RPC --ledger $LEDGER --csv stats/ --json stats.json
`;

const EXIT_CODES_HELP = `
Exit codes:
  0  clean: no invariant violation, no abnormal pattern, no event-source problem
     (for "stats": the statistics were written)
  1  findings: at least one invariant violation, abnormal pattern or event-source problem
  2  bad usage or configuration: unknown option, bad address, block number or threshold,
     a block range beyond the chain, an output file that cannot be written
  3  the node cannot be reached or fails, or the address is not a voucher ledger
  4  an internal error of this tool (please report it)`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

interface CommonOptions {
  rpc: string;
  ledger: string;
  fromBlock: number;
  toBlock?: number;
  maxChunk: number;
  timeout: number;
}

interface AuditOptions extends CommonOptions {
  json?: string;
  csv?: string;
  patternsOnly?: boolean;
  invariantsOnly?: boolean;
  burstSplits: number;
  burstWindow: number;
  tinyMargin: number;
  tinyPieces: number;
  fastChainDepth: number;
  fastChainWindow: number;
  threshold?: bigint[];
  underThreshold: number;
}

interface StatsOptions extends CommonOptions {
  json?: string;
  csv?: string;
}

function defaulted<T>(flags: string, description: string, parse: (value: string) => T, value: T, shown: string): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}

function addCommonOptions(command: Command): Command {
  return command
    .requiredOption("--rpc <url>", "JSON-RPC URL of a node of the consortium chain", parseRpcUrl)
    .requiredOption("--ledger <address>", "address of the VoucherLedger contract", parseAddress)
    .addOption(defaulted("--from-block <n>", "first block to read; a later start than the deployment skips the checks that need earlier events", parseBlock("--from-block"), 0, "0, the whole history"))
    .option("--to-block <n>", "last block to read (default: the latest)", parseBlock("--to-block"))
    .option("--max-chunk <blocks>", "largest block range per eth_getLogs; halved automatically when the node refuses", parsePositiveInteger("--max-chunk"), 10_000)
    .option("--timeout <seconds>", "time to wait for each answer of the node", parsePositiveInteger("--timeout"), 60);
}

export function buildProgram(io: CliIo, onResult: (code: number) => void): Command {
  const program = new Command("evoucher")
    .description(
      "Audit a receivable e-voucher ledger from its chain events alone (R13): rebuild every voucher and member, check the invariants, report abnormal split and transfer patterns (R6), and export regulator statistics.",
    )
    .addHelpText("after", EXAMPLES_HELP + EXIT_CODES_HELP)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  const d = DEFAULT_PATTERN_OPTIONS;
  const pct = (bps: number) => `${bps / 100}%`;
  const audit = addCommonOptions(new Command("audit"))
    .description("rebuild the ledger from its events; check the invariants and look for abnormal patterns")
    .option("--json <file>", "write the findings and the rebuilt ledger (members, vouchers, pieces) as JSON")
    .option("--csv <dir>", "write findings.csv and pieces.csv (RFC 4180) into this directory")
    .addOption(new Option("--patterns-only", "look for abnormal patterns only").conflicts("invariantsOnly"))
    .addOption(new Option("--invariants-only", "check the invariants only"))
    .addOption(defaulted("--burst-splits <n>", "splits of one voucher, or by one holder, that make a burst", parsePositiveInteger("--burst-splits"), d.burstSplits, String(d.burstSplits)))
    .addOption(defaulted("--burst-window <duration>", "time window of a burst (3600, 30m, 1h, 2d)", parseDuration("--burst-window"), d.burstWindowSeconds, "1h"))
    .addOption(defaulted("--tiny-margin <percent>", "a piece is tiny when at most this much above the policy minimum", parsePercent("--tiny-margin", { max: 1_000 }), d.tinyMarginBps, pct(d.tinyMarginBps)))
    .addOption(defaulted("--tiny-pieces <n>", "tiny pieces in one voucher before it is flagged", parsePositiveInteger("--tiny-pieces"), d.tinyPieces, String(d.tinyPieces)))
    .addOption(defaulted("--fast-chain-depth <n>", "depth that makes a long chain", parsePositiveInteger("--fast-chain-depth"), d.fastChainDepth, String(d.fastChainDepth)))
    .addOption(defaulted("--fast-chain-window <duration>", "a long chain is fast when reached this soon after issue", parseDuration("--fast-chain-window"), d.fastChainWindowSeconds, "7d"))
    .addOption(
      new Option(
        "--threshold <cny>",
        `an amount in CNY to watch for amounts just under it; repeat for several (default: ${d.thresholds.map((t) => fenToCny(t)).join(", ")}, the PBoC large-value report threshold)`,
      ).argParser(parseCnyAmount("--threshold")),
    )
    .addOption(defaulted("--under-threshold <percent>", "how close below a threshold is flagged", parsePercent("--under-threshold"), d.underThresholdBps, pct(d.underThresholdBps)))
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (options: AuditOptions) => onResult(await auditCommand(options, io)));

  const stats = addCommonOptions(new Command("stats"))
    .description("export issuance, transfer, financing, settlement and overdue statistics per issuer, bank and month (UTC+8)")
    .option("--json <file>", "write the statistics as JSON")
    .option("--csv <dir>", "write stats-totals.csv, stats-issuers.csv, stats-banks.csv and stats-months.csv (RFC 4180)")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (options: StatsOptions) => onResult(await statsCommand(options, io)));

  // addCommand does not pass settings down: the subcommands must not exit the process themselves either.
  for (const sub of [audit, stats]) {
    sub.exitOverride().showHelpAfterError("(run with --help for usage)").configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    program.addCommand(sub);
  }
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (result) => (code = result));
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.code === "commander.version" ? EXIT.clean : EXIT.usage;
    }
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  const say = (text: string) => io.stderr.write(`evoucher: ${text}\n`);
  if (error instanceof UsageError) return say(error.message), EXIT.usage;
  if (error instanceof NodeUnreachableError || error instanceof NotALedgerError) return say(error.message), EXIT.node;
  if (error instanceof LogRangeRefusedError) return say(`${error.message}. The node cannot serve the ledger's logs.`), EXIT.node;
  if (error instanceof RpcError) return say(`The node failed: ${error.message}`), EXIT.node;
  const code = (error as { code?: string }).code;
  if (code === "EACCES" || code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR" || code === "EROFS") {
    return say(`An output could not be written: ${(error as Error).message}`), EXIT.usage;
  }
  say(`internal error: ${(error as Error)?.message ?? String(error)} (please report it)`);
  return EXIT.internal;
}

interface Connected {
  transport: ReturnType<typeof httpTransport>;
  chainId: number;
  fromBlock: number;
  toBlock: number;
  complete: boolean;
}

async function connect(options: CommonOptions): Promise<Connected> {
  const transport = httpTransport(options.rpc, { timeoutMs: options.timeout * 1000 });
  const probe = await probeLedger(transport, options.ledger);
  const toBlock = options.toBlock ?? probe.latestBlock;
  if (toBlock > probe.latestBlock) throw new UsageError(`--to-block ${toBlock} is beyond the node's latest block ${probe.latestBlock}.`);
  if (options.fromBlock > toBlock) throw new UsageError(`--from-block ${options.fromBlock} is after --to-block ${toBlock}.`);
  const complete = await startsAtDeployment(transport, options.ledger, options.fromBlock);
  return { transport, chainId: probe.chainId, fromBlock: options.fromBlock, toBlock, complete };
}

async function read(options: CommonOptions, connected: Connected, io: CliIo, checks: Parameters<typeof runAudit>[3]): Promise<AuditRun> {
  const progress = progressReporter(io.stderr);
  const source = new JsonRpcEventSource(connected.transport, options.ledger, { maxChunk: options.maxChunk, onProgress: (p) => progress.update(p) });
  try {
    return await runAudit(source, new BlockClock(connected.transport), { ledger: options.ledger, fromBlock: connected.fromBlock, toBlock: connected.toBlock }, { ...checks, complete: connected.complete });
  } finally {
    progress.done();
  }
}

async function auditCommand(options: AuditOptions, io: CliIo): Promise<number> {
  const patternOptions: PatternOptions = {
    burstSplits: options.burstSplits,
    burstWindowSeconds: options.burstWindow,
    tinyMarginBps: options.tinyMargin,
    tinyPieces: options.tinyPieces,
    fastChainDepth: options.fastChainDepth,
    fastChainWindowSeconds: options.fastChainWindow,
    thresholds: options.threshold ?? [...DEFAULT_PATTERN_OPTIONS.thresholds],
    underThresholdBps: options.underThreshold,
  };
  const problems = validatePatternOptions(patternOptions);
  if (problems.length > 0) throw new UsageError(problems.join(" "));
  const checked = { invariants: !options.patternsOnly, patterns: !options.invariantsOnly };

  const connected = await connect(options);
  const run = await read(options, connected, io, { ...checked, patternOptions });
  const out = (lines: string[]) => io.stdout.write(lines.join("\n") + "\n");
  out([...headerLines(run, options.ledger, connected.chainId), ...modelLines(run.model), ...findingLines(run.findings, checked)]);

  if (options.json !== undefined) {
    const document = {
      tool: "evoucher audit",
      ledger: options.ledger,
      chainId: connected.chainId,
      fromBlock: run.fromBlock,
      toBlock: run.toBlock,
      completeHistory: connected.complete,
      checked,
      patternOptions,
      logs: run.logCount,
      events: run.eventCount,
      findings: run.findings.map(findingJson),
      ledgerState: modelJson(run.model),
    };
    await writeFile(options.json, toJson(document));
  }
  if (options.csv !== undefined) await writeTables(options.csv, [findingsTable(run.findings), piecesTable(run.model)]);

  const dirty = hasFindings(run.findings);
  out(["", dirty ? `Result: findings to look into (exit ${EXIT.findings}).` : `Result: clean (exit ${EXIT.clean}).`]);
  return dirty ? EXIT.findings : EXIT.clean;
}

async function statsCommand(options: StatsOptions, io: CliIo): Promise<number> {
  const connected = await connect(options);
  const run = await read(options, connected, io, { invariants: false, patterns: false });
  io.stdout.write([...headerLines(run, options.ledger, connected.chainId, { checked: false }), ...statisticsLines(run.stats, run.model)].join("\n") + "\n");
  if (!connected.complete) io.stdout.write("Note: the range starts after the ledger's deployment; events of vouchers issued before it are not counted.\n");
  const range = { fromBlock: run.fromBlock, toBlock: run.toBlock };
  if (options.json !== undefined) await writeFile(options.json, toJson({ tool: "evoucher stats", ledger: options.ledger, chainId: connected.chainId, ...statisticsJson(run.stats, run.model, range) }));
  if (options.csv !== undefined) await writeTables(options.csv, statisticsTables(run.stats, run.model));
  return EXIT.clean;
}
