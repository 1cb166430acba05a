/** The page for a request the dashboard cannot answer: what went wrong, in one sentence, and where to go instead. */
import { html } from "../escape.js";
import { page, type ChainFacts } from "../layout.js";
import type { Calendar } from "../time.js";

export const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  404: "Not found",
  500: "Internal error",
  502: "The chain cannot be read",
};

export function errorPage(status: number, message: string, calendar: Calendar, chain: ChainFacts | null): string {
  const body = html`<p class="error" role="alert" id="error-message">${message}</p>
<p><a href="/">Back to the vouchers</a></p>`;
  return page({ title: `${status} ${STATUS_TITLES[status] ?? "Error"}`, nav: null, chain, calendar, body });
}
