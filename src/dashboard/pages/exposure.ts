/** `/exposure`: each core enterprise's credit line, what it has outstanding, and how much of the line that uses (R14). */
import { formatBps } from "../../sdk/display.js";
import { EXPOSURE_WARNING_BPS } from "../../sdk/financingCheck.js";
import { formatCny } from "../../sdk/money.js";
import { html } from "../escape.js";
import { badge, member, moneyCell } from "../fragments.js";
import { page } from "../layout.js";
import { issuerExposure, type Exposure } from "../views.js";
import { chainFacts, type RenderContext } from "./context.js";

/** Over the line, above the banks' watch level (the SDK's financing check warns from there), or within. */
function utilisation(row: Exposure) {
  if (row.utilisationBps === null) return row.outstanding > 0n ? html`<span class="badge overdue">no credit line</span>` : html`<span class="muted">no credit line</span>`;
  const text = formatBps(row.utilisationBps);
  if (row.outstanding > row.creditLine) return html`${text} ${badge("over the line")}`;
  // Compared exactly, as the financing check does, not on the rounded-down share.
  if (row.outstanding * 10_000n > row.creditLine * BigInt(EXPOSURE_WARNING_BPS)) return html`${text} ${badge("watch")}`;
  return html`${text}`;
}

export function exposurePage({ snapshot, names, calendar }: RenderContext): string {
  const rows = issuerExposure(snapshot.model).map(
    (row) => html`<tr data-issuer="${row.issuer}" class="${row.defaulted ? "overdue" : ""}">
<td>${member(row.issuer, names)}${row.member?.uscc ? html`<div class="hint mono">USCC ${row.member.uscc}</div>` : ""}</td>
${moneyCell(row.creditLine)}
${moneyCell(row.outstanding)}
<td class="num utilisation" data-bps="${row.utilisationBps ?? ""}">${utilisation(row)}</td>
<td>${member(row.clearingBank, names)}</td>
<td class="num">${row.vouchers}</td>
<td class="defaulted-cell">${row.defaulted ? badge("defaulted") : html`<span class="muted">no</span>`}</td>
</tr>`,
  );
  const body =
    rows.length === 0
      ? html`<p>No core enterprise is registered on this ledger up to block ${snapshot.blockNumber}.</p>`
      : html`<p>Utilisation is outstanding face value over the credit line, in percent rounded down to the basis point; a watch mark from ${formatBps(EXPOSURE_WARNING_BPS)}.
A defaulted issuer may not issue until the consortium admin restores it (R11).</p>
<table id="exposure">
<thead><tr><th>Core enterprise</th><th class="num">Credit line</th><th class="num">Outstanding</th><th class="num">Utilisation</th><th>Clearing bank</th><th class="num">Vouchers issued</th><th>Defaulted</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p class="hint">Total outstanding: ${formatCny([...snapshot.model.outstanding.values()].reduce((sum, fen) => sum + fen, 0n))}.</p>`;
  return page({ title: "Issuer exposure", nav: "exposure", chain: chainFacts(snapshot), calendar, body });
}
