/** One process per embedded database directory: a live owner blocks, a dead one's lock is taken over. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { DataDirectoryLockedError, lockDataDirectory } from "../../src/storage/dataDirLock.js";

describe("data directory lock", function () {
  let dir: string;
  let dataDir: string;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "evoucher-lock-"));
    dataDir = path.join(dir, "db");
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes this process's id beside the directory and removes it on release", async function () {
    const lock = await lockDataDirectory(dataDir);
    expect(await readFile(`${dataDir}.lock`, "utf8")).to.equal(String(process.pid));
    await lock.release();
    const gone = await readFile(`${dataDir}.lock`, "utf8").then(() => false, () => true);
    expect(gone).to.equal(true);
  });

  it("refuses while a live process holds it, naming that process", async function () {
    // The parent of this test process is alive for as long as the test runs.
    await writeFile(`${dataDir}.lock`, String(process.ppid));
    const error = await lockDataDirectory(dataDir).then(() => null, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(DataDirectoryLockedError);
    expect((error as DataDirectoryLockedError).ownerPid).to.equal(process.ppid);
    expect((error as Error).message).to.contain(`in use by process ${process.ppid}`);
  });

  it("refuses a second lock within the same process", async function () {
    const lock = await lockDataDirectory(dataDir);
    try {
      const error = await lockDataDirectory(dataDir).then(() => null, (caught: unknown) => caught);
      expect((error as DataDirectoryLockedError).code).to.equal("DATA_DIRECTORY_LOCKED");
    } finally {
      await lock.release();
    }
  });

  it("takes over a lock left by a process that is gone, or one killed while writing it", async function () {
    const finished = spawnSync(process.execPath, ["-e", "0"]);
    await writeFile(`${dataDir}.lock`, String(finished.pid));
    const lock = await lockDataDirectory(dataDir);
    expect(await readFile(`${dataDir}.lock`, "utf8")).to.equal(String(process.pid));
    await lock.release();

    await writeFile(`${dataDir}.lock`, "");
    const again = await lockDataDirectory(dataDir);
    await again.release();
  });

  it("lets exactly one of several processes starting at once take a stale lock", async function () {
    this.timeout(60_000);
    const script = `
      import { lockDataDirectory } from ${JSON.stringify(path.resolve("src/storage/dataDirLock.ts"))};
      const start = Number(process.argv[1]);
      while (Date.now() < start) {}
      try { await lockDataDirectory(process.argv[2]); console.log("HELD"); await new Promise((r) => setTimeout(r, 1500)); }
      catch (error) { console.log(error.code ?? error.message); }`;
    for (let round = 0; round < 5; round++) {
      const finished = spawnSync(process.execPath, ["-e", "0"]);
      await writeFile(`${dataDir}.lock`, String(finished.pid));
      const start = Date.now() + 1500;
      const contenders = Array.from({ length: 4 }, () => spawnChild(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, String(start), dataDir]));
      const outcomes = await Promise.all(contenders);
      expect(outcomes.filter((outcome) => outcome === "HELD"), outcomes.join(",")).to.have.length(1);
      expect(outcomes.filter((outcome) => outcome === "DATA_DIRECTORY_LOCKED")).to.have.length(3);
      await rm(`${dataDir}.lock`, { force: true });
    }
  });
});

function spawnChild(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", () => resolve(out.trim()));
  });
}
