/**
 * Runs the clearing engine: `tsx src/clearing/main.ts --config config/clearing.example.json`.
 * One JSON line per tick that did something (failures on stderr); SIGINT/SIGTERM finish the
 * tick under way and close the database. Killed outright, it resumes where it was on the next start.
 */
import { parseArgs } from "node:util";
import { ClearingConfigError, loadClearingConfig } from "./config.js";
import { startClearing } from "./service.js";
import type { TickReport } from "./engine/clearingEngine.js";

const { values } = parseArgs({ options: { config: { type: "string", short: "c" }, trace: { type: "boolean" } } });
if (values.config === undefined) {
  console.error("usage: main.ts --config <clearing config JSON> [--trace]   (--trace: a line for every write the engine makes)");
  process.exit(2);
}

const line = (event: string, fields: object) =>
  JSON.stringify({ at: new Date().toISOString(), event, ...fields }, (_key, value) => (typeof value === "bigint" ? value.toString() : value));

try {
  const config = await loadClearingConfig(values.config);
  const clearing = await startClearing(config, {
    trace: values.trace ? (what, detail) => console.log(line("trace", { what, ...detail })) : undefined,
    log: {
      tick: ({ failures, ...report }: TickReport) => {
        if (Object.values(report).some((list) => list.length > 0)) console.log(line("tick", report));
        if (failures.length > 0) console.error(line("tick-failures", { failures }));
      },
      failed: (error) => console.error(line("tick-failed", { error: error instanceof Error ? error.message : String(error) })),
    },
  });
  console.log(line("started", { banks: config.banks.map((bank) => bank.account), database: config.database.kind, tickIntervalSeconds: config.tickIntervalSeconds }));
  const stop = async () => {
    await clearing.stop();
    console.log(line("stopped", {}));
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof ClearingConfigError ? error.message : `clearing engine failed to start: ${(error as Error).message}`);
  process.exit(1);
}
