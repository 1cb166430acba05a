/**
 * What the audit writes: JSON documents and CSV tables (one file per table). Money is written as exact
 * strings — fen and CNY ("123456" and "1234.56") — so no spreadsheet or parser turns it into a float.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatPiece } from "../sdk/display.js";
import { fenToCny } from "../sdk/money.js";
import { toCsv, type Table } from "./csv.js";
import type { Finding } from "./findings.js";
import type { LedgerModel, PieceRecord, VoucherRecord } from "./model.js";
import { BANK_METRICS, METRICS, type Metric, type Metrics, type Statistics } from "./stats.js";

export interface Money {
  fen: string;
  cny: string;
}

export function money(fen: bigint): Money {
  return { fen: fen.toString(), cny: fen < 0n ? `-${fenToCny(-fen)}` : fenToCny(fen) };
}

/** JSON.stringify with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

// ---------------------------------------------------------------- statistics

function metricsJson(metrics: Metrics, only: readonly Metric[] = METRICS) {
  const out: Record<string, unknown> = {};
  for (const metric of only) out[metric] = { count: metrics[metric].count, amount: money(metrics[metric].amount) };
  if (only.includes("factored")) out.factoringPrice = money(metrics.factoringPrice);
  return out;
}

const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function statisticsJson(stats: Statistics, model: LedgerModel, range: { fromBlock: number; toBlock: number }) {
  const uscc = (account: string) => model.members.get(account)?.uscc ?? null;
  return {
    fromBlock: range.fromBlock,
    toBlock: range.toBlock,
    timezone: "China Standard Time (UTC+08:00)",
    totals: metricsJson(stats.totals),
    byIssuer: byKey(stats.byIssuer).map(([issuer, metrics]) => ({ issuer, uscc: uscc(issuer), ...metricsJson(metrics) })),
    byBank: byKey(stats.byBank).map(([bank, metrics]) => ({ bank, uscc: uscc(bank), ...metricsJson(metrics, BANK_METRICS) })),
    byMonth: byKey(stats.byMonth).map(([month, metrics]) => ({ month, ...metricsJson(metrics) })),
  };
}

function metricColumns(only: readonly Metric[]): string[] {
  return only.flatMap((metric) => [`${metric}_count`, `${metric}_fen`, `${metric}_cny`, ...(metric === "factored" ? ["factoring_price_fen", "factoring_price_cny"] : [])]);
}

function metricCells(metrics: Metrics, only: readonly Metric[]): string[] {
  return only.flatMap((metric) => {
    const { count, amount } = metrics[metric];
    const cells = [String(count), amount.toString(), fenToCny(amount)];
    return metric === "factored" ? [...cells, metrics.factoringPrice.toString(), fenToCny(metrics.factoringPrice)] : cells;
  });
}

export function statisticsTables(stats: Statistics, model: LedgerModel): Table[] {
  const uscc = (account: string) => model.members.get(account)?.uscc ?? "";
  return [
    { name: "stats-totals", columns: metricColumns(METRICS), rows: [metricCells(stats.totals, METRICS)] },
    {
      name: "stats-issuers",
      columns: ["issuer", "uscc", ...metricColumns(METRICS)],
      rows: byKey(stats.byIssuer).map(([issuer, metrics]) => [issuer, uscc(issuer), ...metricCells(metrics, METRICS)]),
    },
    {
      name: "stats-banks",
      columns: ["bank", "uscc", ...metricColumns(BANK_METRICS)],
      rows: byKey(stats.byBank).map(([bank, metrics]) => [bank, uscc(bank), ...metricCells(metrics, BANK_METRICS)]),
    },
    {
      name: "stats-months",
      columns: ["month_cst", ...metricColumns(METRICS)],
      rows: byKey(stats.byMonth).map(([month, metrics]) => [month, ...metricCells(metrics, METRICS)]),
    },
  ];
}

// ---------------------------------------------------------------- findings and the rebuilt ledger

export function findingJson(finding: Finding) {
  return {
    ...finding,
    ...(finding.voucherId !== undefined ? { voucherId: finding.voucherId.toString() } : {}),
    ...(finding.pieceId !== undefined ? { pieceId: finding.pieceId.toString(), piece: formatPiece(finding.pieceId) } : {}),
  };
}

export function findingsTable(findings: Finding[]): Table {
  return {
    name: "findings",
    columns: ["severity", "category", "code", "voucher_id", "piece", "account", "block", "log_index", "transaction", "message"],
    rows: findings.map((f) => [
      f.severity,
      f.category,
      f.code,
      f.voucherId?.toString() ?? "",
      f.pieceId === undefined ? "" : formatPiece(f.pieceId),
      f.account ?? "",
      f.blockNumber?.toString() ?? "",
      f.logIndex?.toString() ?? "",
      f.transactionHash ?? "",
      f.message,
    ]),
  };
}

export function piecesTable(model: LedgerModel): Table {
  return {
    name: "pieces",
    columns: ["piece", "piece_id", "voucher_id", "issuer", "parent", "holder", "amount_fen", "amount_cny", "depth", "status", "pledges", "pledge_in_force", "factorings", "settled_reference", "settled_by", "created_block"],
    rows: [...model.pieces.values()].map((piece) => {
      const voucher = model.vouchers.get(piece.voucherId)!;
      const inForce = piece.pledges.filter((p) => p.outcome === "in force").at(-1);
      return [
        formatPiece(piece.pieceId),
        piece.pieceId.toString(),
        piece.voucherId.toString(),
        voucher.issuer,
        piece.parentId === null ? "" : formatPiece(piece.parentId),
        piece.holder,
        piece.amount.toString(),
        fenToCny(piece.amount),
        String(piece.depth),
        piece.status,
        String(piece.pledges.length),
        inForce ? `${inForce.pledgee} ${inForce.registrationNumber}` : "",
        String(piece.factorings.length),
        piece.settlement?.bankReference ?? "",
        piece.settlement?.clearingBank ?? "",
        String(piece.createdAt.blockNumber),
      ];
    }),
  };
}

function pieceJson(piece: PieceRecord) {
  return {
    ...piece,
    piece: formatPiece(piece.pieceId),
    parent: piece.parentId === null ? null : formatPiece(piece.parentId),
    amount: money(piece.amount),
    children: piece.children.map(formatPiece),
  };
}

function voucherJson(voucher: VoucherRecord, model: LedgerModel) {
  return {
    ...voucher,
    amount: money(voucher.amount),
    settledAmount: money(voucher.settledAmount),
    maturity: new Date(voucher.maturity * 1000).toISOString(),
    pieceIds: undefined,
    pieces: voucher.pieceIds.map((id) => pieceJson(model.pieces.get(id)!)),
  };
}

export function modelJson(model: LedgerModel) {
  return {
    policies: model.policies,
    members: [...model.members.values()].map((member) => ({ ...member, creditLine: money(member.creditLine), outstanding: money(model.outstanding.get(member.account) ?? 0n) })),
    vouchers: [...model.vouchers.values()].map((voucher) => voucherJson(voucher, model)),
  };
}

export async function writeTables(dir: string, tables: Table[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const table of tables) {
    const file = path.join(dir, `${table.name}.csv`);
    await writeFile(file, toCsv(table));
    files.push(file);
  }
  return files;
}
