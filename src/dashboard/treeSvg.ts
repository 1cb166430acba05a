/**
 * A voucher's split tree as inline SVG: one box per piece at its place in the tidy layout (treeLayout.ts),
 * styled by the piece's state (CSS classes of layout.ts), with a curved edge from each parent to each split.
 * Text that does not fit a box is cut with "…"; each box's <title> carries the full facts as a tooltip.
 */
import type { LedgerModel, PieceRecord, VoucherRecord } from "../audit/model.js";
import { pledgesInForce } from "../audit/model.js";
import { formatBankReference, formatPiece } from "../sdk/display.js";
import { formatCny } from "../sdk/money.js";
import { html, type SafeHtml } from "./escape.js";
import type { Names } from "./names.js";
import { layoutTree } from "./treeLayout.js";

const NODE_WIDTH = 264;
const NODE_HEIGHT = 112;
const GAP_X = 28;
const GAP_Y = 52;
const MARGIN = 12;
/** Characters that fit one line of a box at the page's 12px font. */
const LINE_CHARS = 35;

/** The state line of a piece: who holds the pledge, or the bank's payment reference. */
export function stateDetail(piece: PieceRecord, names: Names): string {
  const pledge = pledgesInForce(piece).at(-1) ?? piece.pledges.filter((p) => p.outcome === "enforced").at(-1);
  switch (piece.status) {
    case "Pledged":
      return pledge ? `pledged to ${names.of(pledge.pledgee)}` : "pledged";
    case "Enforced":
      return pledge ? `enforced by ${names.of(pledge.pledgee)}` : "enforced";
    case "Settled":
      return piece.settlement ? `settled, ref ${shortHex(formatBankReference(piece.settlement.bankReference))}` : "settled";
    case "Active":
      return "active";
  }
}

/** The factoring mark of a factored piece: from whom to which bank (the last factoring). */
export function factoringDetail(piece: PieceRecord, names: Names): string | null {
  const factoring = piece.factorings.at(-1);
  return factoring ? `factored: ${names.of(factoring.from)} → ${names.of(factoring.factor)}` : null;
}

/** "0x7f3a…2b1c" for a 32-byte hex value; anything else as is. */
export function shortHex(value: string): string {
  return /^0x[0-9a-fA-F]{20,}$/.test(value) ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}

function fit(text: string): string {
  return text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS - 1)}…` : text;
}

/** The tree of `voucher`, sized to its content (the page scrolls it sideways when wide). */
export function voucherTreeSvg(model: LedgerModel, voucher: VoucherRecord, names: Names): SafeHtml {
  const own = new Set(voucher.pieceIds);
  // Pieces whose parent the events never created still get drawn, as roots of their own.
  const roots = voucher.pieceIds.filter((id) => {
    const parent = model.pieces.get(id)?.parentId ?? null;
    return id === voucher.rootPieceId || parent === null || !own.has(parent);
  });
  const layout = layoutTree(roots, (id) => model.pieces.get(id)?.children ?? []);
  const x = (column: number) => MARGIN + column * (NODE_WIDTH + GAP_X);
  const y = (row: number) => MARGIN + row * (NODE_HEIGHT + GAP_Y);
  const width = 2 * MARGIN + Math.max(1, layout.columns) * NODE_WIDTH + Math.max(0, layout.columns - 1) * GAP_X;
  const height = 2 * MARGIN + Math.max(1, layout.rows) * NODE_HEIGHT + Math.max(0, layout.rows - 1) * GAP_Y;
  const place = new Map(layout.nodes.map((node) => [node.id, node]));

  const edges = layout.edges.map(({ from, to }) => {
    const a = place.get(from)!;
    const b = place.get(to)!;
    const [x1, y1] = [x(a.column) + NODE_WIDTH / 2, y(a.row) + NODE_HEIGHT];
    const [x2, y2] = [x(b.column) + NODE_WIDTH / 2, y(b.row)];
    const mid = (y1 + y2) / 2;
    return html`<path class="edge" data-from="${formatPiece(from)}" data-to="${formatPiece(to)}" d="M${x1} ${y1} C${x1} ${mid}, ${x2} ${mid}, ${x2} ${y2}"/>`;
  });

  const boxes = layout.nodes.map((node) => {
    const piece = model.pieces.get(node.id);
    if (piece === undefined) return html``;
    const label = formatPiece(piece.pieceId);
    const detail = stateDetail(piece, names);
    const factored = factoringDetail(piece, names);
    const holder = names.of(piece.holder);
    const amount = formatCny(piece.amount);
    const tooltip = [`Piece ${label}`, `holder ${holder} (${piece.holder})`, amount, `depth ${piece.depth}`, `${piece.status}: ${detail}`, factored ?? ""]
      .filter(Boolean)
      .join("\n");
    const classes = `piece state-${piece.status.toLowerCase()}${factored ? " factored" : ""}`;
    return html`<g class="${classes}" data-piece="${label}" data-state="${piece.status}" data-row="${node.row}" data-depth="${piece.depth}" data-factored="${factored ? "yes" : "no"}" transform="translate(${x(node.column)} ${y(node.row)})">
<title>${tooltip}</title>
<rect class="box" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8"/>
${factored ? html`<rect class="factored-band" width="7" height="${NODE_HEIGHT}" rx="3"/>` : ""}
<text class="label" x="16" y="20">${label}<tspan class="depth" dx="8">depth ${piece.depth}</tspan></text>
<text class="state" x="${NODE_WIDTH - 12}" y="20" text-anchor="end">${piece.status.toUpperCase()}</text>
<text class="holder" x="16" y="42">${fit(holder)}</text>
<text class="amount" x="16" y="62">${amount}</text>
<text class="detail" x="16" y="82">${fit(detail)}</text>
${factored ? html`<text class="factoring" x="16" y="101">${fit(factored)}</text>` : ""}
</g>`;
  });

  return html`<svg class="tree" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Split tree of voucher ${voucher.voucherId}: ${layout.nodes.length} pieces">
${edges}
${boxes}
</svg>`;
}
