/**
 * `/verify`: a bank's check before it lends against a piece. The form asks for the piece and the lending bank;
 * the result is the SDK's `verifyForFinancing` verdict, read live from the chain (not from the cached model),
 * with every reason, the facts it rests on, the lineage, and the SDK's plain-text report to copy.
 */
import { formatPiece } from "../../sdk/display.js";
import { formatFinancingReport, type FinancingReport, type PieceFinancingReport } from "../../sdk/financingCheck.js";
import { formatCny } from "../../sdk/money.js";
import { html, type SafeHtml } from "../escape.js";
import { member } from "../fragments.js";
import { page } from "../layout.js";
import type { Names } from "../names.js";
import { banksOf } from "../views.js";
import type { InputError } from "../input.js";
import { chainFacts, type RenderContext } from "./context.js";

export interface VerifyState {
  /** The form's values as submitted, shown again. */
  piece: string;
  bank: string;
  error?: InputError;
  report?: FinancingReport;
}

export function verifyPage(context: RenderContext, state: VerifyState): string {
  const { snapshot, names, calendar } = context;
  const banks = banksOf(snapshot.model);
  const options = banks.map(
    (bank) =>
      html`<option value="${bank.account}"${bank.account.toLowerCase() === state.bank.trim().toLowerCase() ? html` selected` : ""}>${names.of(bank.account)} (${bank.account})</option>`,
  );
  const error = state.error;
  const form = html`<form class="verify" method="get" action="/verify">
<label>Piece<input name="piece" value="${state.piece}" placeholder="1.2 or 65538" autocomplete="off"${error?.field === "piece" ? html` aria-invalid="true" autofocus` : ""}>
<span class="hint">voucher.index, or the decimal piece id</span></label>
<label>Lending bank<select name="bank"${error?.field === "bank" ? html` aria-invalid="true"` : ""}>
<option value=""${state.bank === "" ? html` selected` : ""}>— choose a bank —</option>${options}</select>
<span class="hint">an active bank member</span></label>
<button type="submit">Verify</button>
</form>
${error ? html`<p class="error" role="alert" id="input-error">${error.message}</p>` : ""}
${banks.length === 0 ? html`<p class="error">No active bank is registered on this ledger, so there is no bank to verify for.</p>` : ""}`;
  const body = html`<p>What the bank would see before a pledge or factoring: every reason against lending (blocking) or for a closer look (warning), judged at the latest block.</p>
${form}
${state.report ? result(state.report, names) : ""}`;
  return page({ title: "Verify before lending", nav: "verify", chain: chainFacts(snapshot), calendar, body });
}

function result(report: FinancingReport, names: Names): SafeHtml {
  const { verdict } = report;
  const reasons = verdict.reasons.map(
    (reason) => html`<tr data-code="${reason.code}" data-severity="${reason.severity}">
<td class="severity-${reason.severity}">${reason.severity}</td><td><code>${reason.code}</code></td><td>${reason.message}</td></tr>`,
  );
  return html`<section id="verdict-section">
<p class="verdict ${verdict.financeable ? "financeable" : "not-financeable"}" id="verdict">${verdict.financeable ? "FINANCEABLE" : "NOT FINANCEABLE"}</p>
<p>Piece <b>${formatPiece(report.pieceId)}</b> (id ${report.pieceId}) for ${member(report.bank, names)}, as of block ${report.blockNumber}.</p>
<h2>Reasons</h2>
${reasons.length === 0 ? html`<p id="no-reasons">None: nothing blocks this financing and nothing calls for a closer look.</p>` : html`<table id="reasons"><thead><tr><th>Severity</th><th>Code</th><th>Message</th></tr></thead><tbody>${reasons}</tbody></table>`}
${report.found ? facts(report, names) : ""}
<details><summary>Plain-text report</summary><pre id="report-text">${formatFinancingReport(report)}</pre></details>
</section>`;
}

function facts(report: PieceFinancingReport, names: Names): SafeHtml {
  const steps = report.lineage.map(
    (step, i) => html`<tr data-step="${i + 1}" data-kind="${step.kind}">
<td class="num">${i + 1}</td><td>${step.kind}</td><td>${formatPiece(step.pieceId)}</td>
<td>${member(step.from, names)} → ${member(step.to, names)}</td>
<td class="num">${step.amount === null ? "unknown" : formatCny(step.amount)}</td>
<td class="num">${step.depth ?? "unknown"}</td><td class="num">${step.blockNumber}</td></tr>`,
  );
  return html`<h2>Facts</h2>
<dl class="facts">
<dt>Holder</dt><dd>${member(report.holder, names)}</dd>
<dt>Amount</dt><dd>${formatCny(report.amount)}</dd>
<dt>Status</dt><dd>${report.status}${report.pledge ? html`, pledged to ${member(report.pledge.pledgee, names)} securing ${formatCny(report.pledge.securedAmount)}` : ""}</dd>
<dt>Issuer</dt><dd>${member(report.issuer.account, names)}${report.issuer.defaulted ? ", IN DEFAULT" : ""}</dd>
<dt>Days to maturity</dt><dd>${report.daysToMaturity}</dd>
</dl>
<h2>Lineage (${report.lineageComplete ? "complete" : "NOT verifiable"})</h2>
<table id="lineage"><thead><tr><th class="num">#</th><th>Step</th><th>Piece</th><th>From → to</th><th class="num">Amount</th><th class="num">Depth</th><th class="num">Block</th></tr></thead>
<tbody>${steps}</tbody></table>`;
}
