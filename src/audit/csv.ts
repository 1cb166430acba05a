/**
 * CSV as RFC 4180 says: CRLF line ends, a header line, and a field quoted (with inner quotes doubled)
 * when it holds a comma, a quote, CR or LF. Fields are strings already: money is written by the caller
 * as exact fen and CNY strings, never as floating point.
 */

export interface Table {
  /** File name without extension, e.g. "stats-issuers". */
  name: string;
  columns: string[];
  rows: string[][];
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(table: Table): string {
  for (const [i, row] of table.rows.entries()) {
    if (row.length !== table.columns.length) throw new RangeError(`${table.name}: row ${i + 1} has ${row.length} fields for ${table.columns.length} columns`);
  }
  return [table.columns, ...table.rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

/** Parses RFC 4180 text back into rows (tests and tools). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") row.push(field), (field = "");
    else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field), rows.push(row), (row = []), (field = ""), i++;
    } else field += char;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}
