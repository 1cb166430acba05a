/**
 * Progress of the log download on stderr: a one-line bar redrawn in place on a terminal, or a plain line
 * now and then (each 10% or 10 s) when stderr is a file or a pipe, so logs stay readable. No dependency.
 */
import type { LogProgress } from "./eventSource.js";

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function progressReporter(stream: ProgressStream, { now = () => Date.now() }: { now?: () => number } = {}) {
  let lastTenth = -1;
  let lastAt = now();
  let drawn = false;
  return {
    update({ blocksDone, blocksTotal, logs }: LogProgress) {
      const share = blocksTotal === 0 ? 1 : blocksDone / blocksTotal;
      const percent = Math.floor(share * 100);
      const text = `blocks ${blocksDone.toLocaleString("en-US")}/${blocksTotal.toLocaleString("en-US")}, ${logs.toLocaleString("en-US")} logs`;
      if (stream.isTTY) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 12));
        const filled = Math.round(share * width);
        stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}% ${text}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth > lastTenth || now() - lastAt >= 10_000) {
        stream.write(`reading logs: ${percent}% (${text})\n`);
        lastTenth = tenth;
        lastAt = now();
      }
    },
    /** Ends the bar's line on a terminal. */
    done() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
