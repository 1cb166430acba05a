/**
 * Entry point of `evoucher`: `tsx src/audit/cli.ts audit --rpc <url> --ledger <address>` (or `npm run audit --`,
 * or the `evoucher` bin). Exits with the code `runCli` returns once stdout has been flushed.
 */
import { runCli } from "./command.js";

// A reader that goes away (`evoucher audit … | head`) is not an error of the audit.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.stdout.write("", () => process.exit(code));
