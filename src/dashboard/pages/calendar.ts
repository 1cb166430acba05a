/** `/calendar`: vouchers by the day they mature, what is still to be paid that day, by issuer. */
import { formatCny } from "../../sdk/money.js";
import { html } from "../escape.js";
import { badge, member, moneyCell } from "../fragments.js";
import { page } from "../layout.js";
import { maturityCalendar, voucherSummaries } from "../views.js";
import { chainFacts, type RenderContext } from "./context.js";

export function calendarPage({ snapshot, names, calendar }: RenderContext): string {
  const days = maturityCalendar(voucherSummaries(snapshot.model, snapshot.chainTime), calendar, snapshot.chainTime);
  const overdue = days.filter((day) => day.status === "overdue");
  const overdueTotal = overdue.reduce((sum, day) => sum + day.toPay, 0n);
  // One row per issuer and day; the day's cells span its issuers' rows.
  const rows = days.flatMap((day) =>
    day.issuers.map(
      (issuer, i) => html`<tr class="${day.status.replaceAll(" ", "-")}" data-day="${day.day}" data-issuer="${issuer.issuer}">
${i === 0 ? html`<td rowspan="${day.issuers.length}"><b>${day.day}</b></td><td rowspan="${day.issuers.length}">${badge(day.status)}</td><td class="num day-total" rowspan="${day.issuers.length}">${formatCny(day.toPay)}</td>` : ""}
<td>${member(issuer.issuer, names)}</td>
${moneyCell(issuer.toPay)}
<td>${issuer.vouchers.map((s, j) => html`${j > 0 ? ", " : ""}<a href="/vouchers/${s.voucher.voucherId}">Voucher ${s.voucher.voucherId}</a>`)}</td>
</tr>`,
    ),
  );
  const body =
    days.length === 0
      ? html`<p>No voucher has been issued on this ledger up to block ${snapshot.blockNumber}.</p>`
      : html`<p>Today is ${calendar.day(snapshot.chainTime)} by the latest block's time.
${overdue.length === 0 ? "No maturity day is overdue." : html`<b class="severity-blocking">${overdue.length} maturity day(s) overdue, ${formatCny(overdueTotal)} unpaid.</b>`}</p>
<table id="calendar">
<thead><tr><th>Maturity day (${calendar.zone})</th><th>Status</th><th class="num">Still to pay that day</th><th>Issuer</th><th class="num">Issuer still to pay</th><th>Vouchers</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return page({ title: "Maturity calendar", nav: "calendar", chain: chainFacts(snapshot), calendar, body });
}
