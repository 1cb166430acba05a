/** Small pieces of markup the pages share: a member's name, an amount, a state badge. */
import { formatCny } from "../sdk/money.js";
import { html, type SafeHtml } from "./escape.js";
import type { Names } from "./names.js";

/** The member's name, with the full address as a tooltip and for copying. */
export function member(address: string | null | undefined, names: Names): SafeHtml {
  if (address === null || address === undefined) return html`<span class="muted">none</span>`;
  return html`<span class="member" title="${address}" data-address="${address}">${names.of(address)}</span>`;
}

/** An amount cell: "1,000,000.00 CNY", right-aligned. */
export function moneyCell(fen: bigint): SafeHtml {
  return html`<td class="num">${formatCny(fen)}</td>`;
}

/** "overdue" → a coloured badge; the class is the text with spaces as dashes. */
export function badge(text: string): SafeHtml {
  return html`<span class="badge ${text.toLowerCase().replaceAll(" ", "-")}">${text}</span>`;
}
