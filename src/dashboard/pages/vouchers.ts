/** `/`: every voucher, one row each, linking to its tree. */
import { formatCny } from "../../sdk/money.js";
import { html } from "../escape.js";
import { badge, member, moneyCell } from "../fragments.js";
import { page } from "../layout.js";
import { voucherSummaries, type VoucherSummary } from "../views.js";
import { chainFacts, type RenderContext } from "./context.js";

/** Why a voucher is overdue: marked on chain, or only past maturity so far. */
export function overdueNote(summary: VoucherSummary): string {
  if (summary.state !== "overdue") return "";
  return summary.markedOverdue ? "marked overdue on chain" : "past maturity, not yet marked overdue";
}

export function vouchersPage({ snapshot, names, calendar }: RenderContext): string {
  const summaries = voucherSummaries(snapshot.model, snapshot.chainTime);
  const outstanding = summaries.reduce((sum, s) => sum + s.outstanding, 0n);
  const rows = summaries.map((s) => {
    const id = s.voucher.voucherId;
    return html`<tr data-voucher="${id}" class="${s.state}">
<td><a href="/vouchers/${id}">Voucher ${id}</a></td>
<td>${member(s.voucher.issuer, names)}</td>
${moneyCell(s.voucher.amount)}
${moneyCell(s.outstanding)}
<td class="num" title="${calendar.instant(s.voucher.maturity)}">${calendar.day(s.voucher.maturity)}</td>
<td class="num">${s.livePieces}</td>
<td>${badge(s.state)}${s.state === "overdue" ? html` <span class="hint">${overdueNote(s)}</span>` : ""}</td>
</tr>`;
  });
  const body =
    summaries.length === 0
      ? html`<p>No voucher has been issued on this ledger up to block ${snapshot.blockNumber}.</p>`
      : html`<p>${summaries.length} voucher(s); ${formatCny(outstanding)} still to be paid by their issuers.</p>
<table id="vouchers">
<thead><tr><th>Voucher</th><th>Issuer</th><th class="num">Face amount</th><th class="num">Outstanding</th><th class="num">Maturity (${calendar.zone})</th><th class="num">Live pieces</th><th>State</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return page({ title: "Vouchers", nav: "vouchers", chain: chainFacts(snapshot), calendar, body });
}
