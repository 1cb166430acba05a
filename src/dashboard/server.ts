/**
 * The web dashboard for consortium members, banks and auditors: server-rendered pages (fastify, no client
 * script) over the ledger rebuilt from its events (data.ts), plus the live "verify before lending" check of
 * the SDK. `startDashboard` checks its options, checks that the address is a voucher ledger and indexes it
 * before it listens, so a wrong --rpc or --ledger fails at start, not on the first page.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { getAddress, isAddress, JsonRpcProvider, Network } from "ethers";
import { LogRangeRefusedError } from "../audit/eventSource.js";
import { httpTransport, NodeUnreachableError, RpcError } from "../audit/rpc.js";
import { verifyForFinancing } from "../sdk/financingCheck.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { LedgerData, type Snapshot } from "./data.js";
import { InputError, parseBank, parsePieceId, parseVoucherId } from "./input.js";
import { Names } from "./names.js";
import { calendarPage } from "./pages/calendar.js";
import { chainFacts, type RenderContext } from "./pages/context.js";
import { errorPage } from "./pages/errors.js";
import { exposurePage } from "./pages/exposure.js";
import { verifyPage } from "./pages/verify.js";
import { voucherPage } from "./pages/voucher.js";
import { vouchersPage } from "./pages/vouchers.js";
import { Calendar } from "./time.js";
import { banksOf } from "./views.js";

export interface DashboardOptions {
  /** JSON-RPC URL of a node of the consortium chain. */
  rpcUrl: string;
  /** Address of the VoucherLedger contract. */
  ledgerAddress: string;
  /** Lower-case address → display name (from the consortium config); others are shown as short addresses. */
  names?: Map<string, string>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The calendar's offset east of UTC, in minutes; default 480 (China Standard Time). */
  utcOffsetMinutes?: number;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

interface Settings {
  rpcUrl: string;
  ledger: string;
  names: Names;
  host: string;
  port: number;
  calendar: Calendar;
}

/** Validates every option at once; throws a `RangeError` naming each bad one. */
function checkOptions(options: DashboardOptions): Settings {
  const problems: string[] = [];
  const { rpcUrl, ledgerAddress, names, host = "127.0.0.1", port = 0, utcOffsetMinutes = 480 } = options ?? ({} as DashboardOptions);
  let url: URL | null = null;
  try {
    url = new URL(rpcUrl);
  } catch {
    // reported below
  }
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) problems.push(`rpcUrl: expected an http:// or https:// URL, got ${JSON.stringify(rpcUrl)}`);
  if (typeof ledgerAddress !== "string" || !isAddress(ledgerAddress)) problems.push(`ledgerAddress: expected a 0x address (checksummed if mixed case), got ${JSON.stringify(ledgerAddress)}`);
  if (names !== undefined && !(names instanceof Map)) problems.push("names: expected a Map from lower-case address to name");
  if (typeof host !== "string" || host === "") problems.push(`host: expected a host name or IP address, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`port: expected 0 (any free port) to 65535, got ${JSON.stringify(port)}`);
  if (!Number.isInteger(utcOffsetMinutes) || utcOffsetMinutes < -720 || utcOffsetMinutes > 840) {
    problems.push(`utcOffsetMinutes: expected whole minutes from -720 to 840 (480 for China Standard Time), got ${JSON.stringify(utcOffsetMinutes)}`);
  }
  if (problems.length > 0) throw new RangeError(`startDashboard: ${problems.join("; ")}.`);
  // Keys are lower-cased again so a caller's checksummed keys still match.
  const lowered = new Map([...(names ?? new Map<string, string>())].map(([address, name]) => [address.toLowerCase(), name]));
  return { rpcUrl, ledger: getAddress(ledgerAddress), names: new Names(lowered), host, port, calendar: new Calendar(utcOffsetMinutes) };
}

/** Renders plain-text errors as the chain's failure (502) or an internal error (500); fastify's own 4xx kept. */
function failure(error: unknown): { status: number; message: string } {
  if (error instanceof NodeUnreachableError || error instanceof RpcError || error instanceof LogRangeRefusedError) {
    return { status: 502, message: `The ledger could not be read from the node: ${error.message}` };
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return { status, message: (error as Error).message };
  // ethers' errors carry the node's failure in `code`; they too mean the chain could not be read.
  const code = (error as { code?: unknown }).code;
  if (code === "SERVER_ERROR" || code === "NETWORK_ERROR" || code === "TIMEOUT") return { status: 502, message: `The node failed: ${(error as Error).message}` };
  return { status: 500, message: `Internal error of the dashboard: ${(error as Error)?.message ?? String(error)}` };
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // The pages have no script and load nothing: forbid both, so an escaping slip could not run anything.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(HEADERS).send(body);
}

/** A query parameter as one string: absent → "", repeated → the first. */
function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  return typeof value === "string" ? value : undefined;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const settings = checkOptions(options);
  const { calendar, names } = settings;
  const data = await LedgerData.open(httpTransport(settings.rpcUrl), settings.ledger);
  // The financing check reads the chain itself, at one block, through the SDK's typed contract.
  const provider = new JsonRpcProvider(settings.rpcUrl, Network.from(data.chainId), { staticNetwork: true });
  const ledger = VoucherLedger__factory.connect(settings.ledger, provider);

  const app = Fastify({ logger: false });
  // The last snapshot served: the error pages' header when the node fails.
  let last: Snapshot | null = null;
  const context = async (): Promise<RenderContext> => {
    last = await data.snapshot();
    return { snapshot: last, names, calendar };
  };

  app.get("/", async (_request, reply) => send(reply, 200, vouchersPage(await context())));

  app.get<{ Params: { id: string } }>("/vouchers/:id", async (request, reply) => {
    const ctx = await context();
    let voucherId: bigint;
    try {
      voucherId = parseVoucherId(request.params.id);
    } catch (error) {
      if (error instanceof InputError) return send(reply, 400, errorPage(400, error.message, calendar, chainFacts(ctx.snapshot)));
      throw error;
    }
    const voucher = ctx.snapshot.model.vouchers.get(voucherId);
    if (voucher === undefined) {
      const count = ctx.snapshot.model.vouchers.size;
      const message = `Voucher ${voucherId} does not exist on ledger ${ctx.snapshot.ledger} up to block ${ctx.snapshot.blockNumber}; the ledger has ${count} voucher(s)${count > 0 ? `, numbered 1 to ${count}` : ""}.`;
      return send(reply, 404, errorPage(404, message, calendar, chainFacts(ctx.snapshot)));
    }
    return send(reply, 200, voucherPage(ctx, voucher));
  });

  app.get("/verify", async (request, reply) => {
    const ctx = await context();
    const [pieceText, bankText] = [param(request, "piece"), param(request, "bank")];
    const state = { piece: pieceText ?? "", bank: bankText ?? "" };
    // No parameters: the empty form.
    if (pieceText === undefined && bankText === undefined) return send(reply, 200, verifyPage(ctx, state));
    let pieceId: bigint;
    let bank: string;
    try {
      pieceId = parsePieceId(state.piece);
      bank = parseBank(state.bank, banksOf(ctx.snapshot.model).map((member) => member.account));
    } catch (error) {
      if (error instanceof InputError) return send(reply, 400, verifyPage(ctx, { ...state, error }));
      throw error;
    }
    const report = await verifyForFinancing(ledger, pieceId, { bank });
    return send(reply, 200, verifyPage(ctx, { ...state, report }));
  });

  app.get("/calendar", async (_request, reply) => send(reply, 200, calendarPage(await context())));
  app.get("/exposure", async (_request, reply) => send(reply, 200, exposurePage(await context())));

  app.setNotFoundHandler(async (request, reply) => {
    const chain = await context().then(
      (ctx) => chainFacts(ctx.snapshot),
      () => (last ? chainFacts(last) : null),
    );
    const message = `There is no page at ${request.url}. The dashboard has / (vouchers), /vouchers/<number>, /calendar, /exposure and /verify.`;
    return send(reply, 404, errorPage(404, message, calendar, chain));
  });

  app.setErrorHandler(async (error, _request, reply) => {
    const { status, message } = failure(error);
    return send(reply, status, errorPage(status, message, calendar, last ? chainFacts(last) : null));
  });

  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error(`The dashboard listens on ${address}, not on a TCP port`);
  // A wildcard address is not one a browser can open: give the loopback address instead.
  const shown = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const url = `http://${shown.includes(":") ? `[${shown}]` : shown}:${address.port}`;

  return {
    url,
    async close() {
      // A browser keeps its connections open: they are closed after a moment instead of holding the stop.
      const force = setTimeout(() => app.server.closeAllConnections(), 1_000);
      await app.close();
      clearTimeout(force);
      provider.destroy();
    },
  };
}
