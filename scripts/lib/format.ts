/** Display helpers for the runnable scripts. Amounts stay bigint fen until they are printed. */
export { formatCny } from "../../src/sdk/money.js";
export { formatBps, formatPiece, formatTime } from "../../src/sdk/display.js";
