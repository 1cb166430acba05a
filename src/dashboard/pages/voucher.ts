/** `/vouchers/:id`: one voucher's facts, its split tree as a picture, and the table of its pieces. */
import type { PieceRecord, VoucherRecord } from "../../audit/model.js";
import { formatBankReference, formatBps, formatPiece } from "../../sdk/display.js";
import { pieceStatusName } from "../../sdk/constants.js";
import { formatCny } from "../../sdk/money.js";
import { html, type SafeHtml } from "../escape.js";
import { badge, member, moneyCell } from "../fragments.js";
import { page } from "../layout.js";
import type { Names } from "../names.js";
import type { Calendar } from "../time.js";
import { voucherTreeSvg } from "../treeSvg.js";
import { piecesOf, summarizeVoucher } from "../views.js";
import { chainFacts, type RenderContext } from "./context.js";
import { overdueNote } from "./vouchers.js";

export function voucherPage(context: RenderContext, voucher: VoucherRecord): string {
  const { snapshot, names, calendar } = context;
  const summary = summarizeVoucher(snapshot.model, voucher, snapshot.chainTime);
  const pieces = piecesOf(snapshot.model, voucher);
  const facts = html`<dl class="facts" id="voucher-facts">
<dt>Issuer</dt><dd>${member(voucher.issuer, names)}</dd>
<dt>Face amount</dt><dd>${formatCny(voucher.amount)}</dd>
<dt>Outstanding</dt><dd>${formatCny(summary.outstanding)}</dd>
<dt>Maturity</dt><dd>${calendar.instant(voucher.maturity)}</dd>
<dt>State</dt><dd>${badge(summary.state)} ${overdueNote(summary)}</dd>
<dt>Pieces</dt><dd>${pieces.length} (${summary.livePieces} live)</dd>
<dt>Issued</dt><dd>${calendar.instant(voucher.issuedAt.timestamp)}, block ${voucher.issuedAt.blockNumber}</dd>
<dt>Enhanced review</dt><dd>${voucher.enhancedReviewRequired ? `required; recorded by ${voucher.enhancedReviews.length} bank(s)` : "not required"}</dd>
</dl>`;
  const legend = html`<div class="legend">${badge("Active")}${badge("Pledged")}${badge("Enforced")}${badge("Settled")}${badge("Factored")}
<span class="hint">Rows are split generations; "depth" counts transfer levels (R5). A purple band marks a factored piece.</span></div>`;
  const body = html`${facts}
<h2>Split tree</h2>
<div class="tree-frame">${voucherTreeSvg(snapshot.model, voucher, names)}</div>
${legend}
<h2>Pieces</h2>
<table id="pieces">
<thead><tr><th>Piece</th><th>Split from</th><th>Holder</th><th class="num">Amount</th><th class="num">Depth</th><th>State</th><th>Pledges</th><th>Factoring</th><th>Settlement</th></tr></thead>
<tbody>${pieces.map((piece) => pieceRow(piece, names, calendar))}</tbody>
</table>`;
  return page({ title: `Voucher ${voucher.voucherId}`, nav: "vouchers", chain: chainFacts(snapshot), calendar, body });
}

function pieceRow(piece: PieceRecord, names: Names, calendar: Calendar): SafeHtml {
  const label = formatPiece(piece.pieceId);
  const inForce = piece.pledges.find((p) => p.outcome === "in force" || (p.outcome === "enforced" && p.endedAt === null));
  const state = inForce
    ? html`${badge(piece.status)} <span class="hint">${piece.status === "Enforced" ? "by" : "to"} ${member(inForce.pledgee, names)}</span>`
    : badge(piece.status);
  const pledges = piece.pledges.map(
    (p) =>
      html`<div>#${p.serial} ${member(p.pledgee, names)}: ${formatCny(p.securedAmount)} secured at ${formatBps(p.annualRateBps)}, registration <code>${p.registrationNumber}</code>, <b>${p.outcome}</b></div>`,
  );
  const factorings = piece.factorings.map(
    (f) =>
      html`<div>${member(f.from, names)} → ${member(f.factor, names)} for ${formatCny(f.purchasePrice)}, ${f.withRecourse ? "with" : "without"} recourse, ${calendar.day(f.at.timestamp)}</div>`,
  );
  const s = piece.settlement;
  const settlement = s
    ? html`by ${member(s.clearingBank, names)} on ${calendar.day(s.at.timestamp)} (from ${pieceStatusName(s.settledFrom) ?? `status ${s.settledFrom}`}), bank reference <code class="bank-reference" title="${s.bankReference}">${formatBankReference(s.bankReference)}</code>`
    : html`<span class="muted">not settled</span>`;
  return html`<tr data-piece="${label}" data-state="${piece.status}">
<td><b>${label}</b></td>
<td>${piece.parentId === null ? html`<span class="muted">issued</span>` : formatPiece(piece.parentId)}</td>
<td>${member(piece.holder, names)}</td>
${moneyCell(piece.amount)}
<td class="num">${piece.depth}</td>
<td>${state}</td>
<td>${pledges.length === 0 ? html`<span class="muted">none</span>` : pledges}</td>
<td>${factorings.length === 0 ? html`<span class="muted">none</span>` : factorings}</td>
<td>${settlement}</td>
</tr>`;
}
