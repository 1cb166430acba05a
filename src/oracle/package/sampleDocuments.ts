/**
 * Plausible trade documents for development, demos, tests and benchmarks: one contract, one digital VAT
 * invoice (13% VAT) covering the amount, one goods receipt — dated in the past of `today` and numbered
 * uniquely within a process. Never used by the oracle itself.
 */
import { createHash, randomInt } from "node:crypto";
import { fenToCny } from "../../sdk/money.js";
import type { DeliveryEvidence, TradeDocuments, VatInvoice } from "./types.js";

const DAY = 86_400;
const processPrefix = String(randomInt(0, 1_000_000)).padStart(6, "0");
let serial = 0;

export interface SampleTradeOptions {
  /** Seller: the payee of the voucher or piece. */
  sellerUscc: string;
  /** Buyer: the issuer or the paying holder. */
  buyerUscc: string;
  /** Invoice total, fen. */
  total: bigint;
  /** Unix seconds; documents are dated 10–30 days before. */
  today: number;
  /** Calendar offset, seconds east of UTC (China Standard Time by default). */
  utcOffsetSeconds?: number;
}

export function sampleTradeDocuments(options: SampleTradeOptions): TradeDocuments {
  const offset = options.utcOffsetSeconds ?? 8 * 3600;
  const dateOf = (daysAgo: number) => new Date((options.today - daysAgo * DAY + offset) * 1000).toISOString().slice(0, 10);
  const invoiceDate = dateOf(10);
  const number = invoiceDate.slice(2, 4) + "44" + "0" + processPrefix + String(++serial).padStart(9, "0");
  // 13% VAT included in the total: net = total / 1.13 rounded to the fen, tax = the rest.
  const net = (options.total * 100n + 56n) / 113n;
  const invoice: VatInvoice = {
    number,
    type: "81",
    issueDate: invoiceDate,
    net: fenToCny(net),
    tax: fenToCny(options.total - net),
    total: fenToCny(options.total),
    sellerUscc: options.sellerUscc,
    buyerUscc: options.buyerUscc,
  };
  const delivery: DeliveryEvidence = { kind: "goods-receipt", date: dateOf(12), documentHash: sha256(`goods-receipt:${number}`) };
  return {
    contract: { id: `HT-${number.slice(0, 4)}-${number.slice(-9)}`, date: dateOf(30), amount: fenToCny(options.total), documentHash: sha256(`contract:${number}`) },
    invoices: [invoice],
    delivery: [delivery],
    paymentTerms: { type: "deferred", days: 90 },
  };
}

function sha256(content: string): string {
  return "0x" + createHash("sha256").update(content).digest("hex");
}
