/**
 * HTML escaping for every page. Pages are written with the `html` tagged template, which escapes each
 * interpolated value unless it is already `SafeHtml` (the result of another `html` template), so a string
 * from the chain or the config (a member name, a bank reference, a reason message) can never become markup.
 */

/** Markup that is already escaped: the only thing `html` interpolates as is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Anything a page may interpolate: escaped text, numbers, finished markup, or lists of those (concatenated). */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for element content and quoted attribute values, in HTML and inline SVG alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  // null, undefined and false render as nothing, so `${condition && html`…`}` works.
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/** `html`<td>${name}</td>``: markup with every interpolated value escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Joins fragments into one (each escaped unless already markup). */
export function join(parts: readonly HtmlValue[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map(render).join(render(separator)));
}
