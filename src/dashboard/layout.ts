/**
 * The frame of every page: the header with navigation and the chain the figures come from (ledger address,
 * chain id, the block the model is indexed to and that block's time), the page's content, and the stylesheet.
 * No scripts and no external resources: the pages work offline and print as they look.
 */
import { html, type HtmlValue, type SafeHtml } from "./escape.js";
import type { Calendar } from "./time.js";

/** What the header shows about the chain; absent on pages rendered without a model (e.g. a node failure). */
export interface ChainFacts {
  ledger: string;
  chainId: number;
  blockNumber: number;
  chainTime: number;
  sourceFindings: number;
}

export type NavPage = "vouchers" | "calendar" | "exposure" | "verify" | null;

const NAV: Array<{ page: Exclude<NavPage, null>; href: string; label: string }> = [
  { page: "vouchers", href: "/", label: "Vouchers" },
  { page: "calendar", href: "/calendar", label: "Maturity calendar" },
  { page: "exposure", href: "/exposure", label: "Issuer exposure" },
  { page: "verify", href: "/verify", label: "Verify before lending" },
];

export interface PageOptions {
  title: string;
  nav: NavPage;
  chain: ChainFacts | null;
  calendar: Calendar;
  body: HtmlValue;
}

export function page({ title, nav, chain, calendar, body }: PageOptions): string {
  const links = NAV.map(
    (item) => html`<a href="${item.href}"${item.page === nav ? html` class="current" aria-current="page"` : ""}>${item.label}</a>`,
  );
  const facts = chain
    ? html`<dl class="chain">
<div><dt>Ledger</dt><dd class="mono" id="ledger-address">${chain.ledger}</dd></div>
<div><dt>Chain id</dt><dd id="chain-id">${chain.chainId}</dd></div>
<div><dt>Latest block</dt><dd id="latest-block">${chain.blockNumber}</dd></div>
<div><dt>Block time</dt><dd id="block-time">${calendar.instant(chain.chainTime)}</dd></div>
</dl>
${chain.sourceFindings > 0 ? html`<p class="warning-banner">The node returned ${chain.sourceFindings} log(s) the indexer could not take at face value; run <code>evoucher audit</code> for details.</p>` : ""}`
    : "";
  const document: SafeHtml = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · e-voucher dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<div class="brand">e-voucher dashboard</div>
<nav>${links}</nav>
${facts}
</header>
<main>
<h1>${title}</h1>
${body}
</main>
<footer>Rebuilt from the ledger's events alone; amounts in CNY, days in ${calendar.zone}.</footer>
</body>
</html>
`;
  return document.text;
}

// Plain CSS, constant (no interpolation): the piece states' colours are shared by the tree, the tables and the legend.
const STYLE = html`
:root { --ink: #1f2937; --muted: #6b7280; --line: #d1d5db; --accent: #1d4ed8;
  --active: #059669; --active-bg: #ecfdf5; --pledged: #c2410c; --pledged-bg: #fff7ed;
  --enforced: #b91c1c; --enforced-bg: #fef2f2; --settled: #4b5563; --settled-bg: #f3f4f6; --factored: #7c3aed; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--ink); background: #fafafa; }
header { background: #111827; color: #f9fafb; padding: 10px 24px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 28px; }
.brand { font-weight: 700; font-size: 16px; }
nav { display: flex; gap: 4px; }
nav a { color: #d1d5db; text-decoration: none; padding: 4px 10px; border-radius: 6px; }
nav a:hover { background: #374151; }
nav a.current { background: #f9fafb; color: #111827; font-weight: 600; }
dl.chain { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 0; font-size: 12px; }
dl.chain div { display: flex; gap: 6px; }
dl.chain dt { color: #9ca3af; }
dl.chain dd { margin: 0; }
main { padding: 16px 24px 32px; }
h1 { font-size: 22px; margin: 4px 0 14px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
footer { color: var(--muted); font-size: 12px; padding: 0 24px 24px; }
.mono, code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px; }
table { border-collapse: collapse; background: #fff; margin: 6px 0 16px; }
th, td { border: 1px solid var(--line); padding: 5px 9px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
a { color: var(--accent); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
.badge.current, .badge.active, .badge.upcoming { color: var(--active); background: var(--active-bg); }
.badge.overdue, .badge.enforced, .badge.defaulted { color: var(--enforced); background: var(--enforced-bg); }
.badge.pledged, .badge.due-today, .badge.watch { color: var(--pledged); background: var(--pledged-bg); }
.badge.settled, .badge.paid { color: var(--settled); background: var(--settled-bg); }
.badge.factored { color: var(--factored); background: #f5f3ff; }
tr.overdue td { background: var(--enforced-bg); }
.facts { display: grid; grid-template-columns: max-content auto; gap: 3px 14px; margin: 0 0 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.tree-frame { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 6px; }
svg.tree { display: block; font: 12px system-ui, "DejaVu Sans", sans-serif; }
svg.tree .edge { fill: none; stroke: #9ca3af; stroke-width: 1.6; }
svg.tree .box { stroke-width: 2; }
svg.tree .state-active .box { fill: var(--active-bg); stroke: var(--active); }
svg.tree .state-pledged .box { fill: var(--pledged-bg); stroke: var(--pledged); }
svg.tree .state-enforced .box { fill: var(--enforced-bg); stroke: var(--enforced); }
svg.tree .state-settled .box { fill: var(--settled-bg); stroke: var(--settled); stroke-dasharray: 5 3; }
svg.tree .factored-band { fill: var(--factored); }
svg.tree .label { font-weight: 700; font-size: 14px; fill: var(--ink); }
svg.tree .depth { font-weight: 400; font-size: 11px; fill: var(--muted); }
svg.tree .state { font-weight: 700; font-size: 11px; }
svg.tree .state-active .state { fill: var(--active); }
svg.tree .state-pledged .state { fill: var(--pledged); }
svg.tree .state-enforced .state { fill: var(--enforced); }
svg.tree .state-settled .state { fill: var(--settled); }
svg.tree .holder { font-weight: 600; fill: var(--ink); }
svg.tree .amount { fill: var(--ink); font-variant-numeric: tabular-nums; }
svg.tree .detail { fill: var(--muted); }
svg.tree .factoring { fill: var(--factored); font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 0; font-size: 12px; }
form.verify { display: flex; flex-wrap: wrap; align-items: end; gap: 12px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
form.verify label { display: flex; flex-direction: column; gap: 3px; font-weight: 600; font-size: 13px; }
form.verify input, form.verify select { font: inherit; padding: 5px 8px; min-width: 220px; }
form.verify [aria-invalid="true"] { border: 2px solid var(--enforced); }
form.verify button { font: inherit; padding: 6px 16px; background: var(--accent); color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
.hint { color: var(--muted); font-size: 12px; font-weight: 400; }
.error { color: var(--enforced); background: var(--enforced-bg); border: 1px solid var(--enforced); border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
.warning-banner { flex-basis: 100%; margin: 0; color: #fde68a; font-size: 12px; }
.verdict { font-size: 20px; font-weight: 800; padding: 10px 14px; border-radius: 8px; margin: 16px 0 8px; border: 2px solid; }
.verdict.financeable { color: var(--active); background: var(--active-bg); }
.verdict.not-financeable { color: var(--enforced); background: var(--enforced-bg); }
.severity-blocking { color: var(--enforced); font-weight: 700; }
.severity-warning { color: var(--pledged); font-weight: 700; }
details pre { background: #fff; border: 1px solid var(--line); padding: 10px; white-space: pre-wrap; font-size: 12px; }
.muted { color: var(--muted); }
`;
