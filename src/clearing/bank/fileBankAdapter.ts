/**
 * Host-to-host file exchange, the usual way corporates and banks swap ISO 20022 files: the engine writes
 * instructions into an outbox directory the bank collects from, and reads the bank's files from an inbox.
 * A file appears whole or not at all (written under a temporary name, then renamed), and processed inbox
 * files move to an archive, so a crash between any two steps leaves nothing half-done.
 */
import { mkdir, open, readdir, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { type BankAdapter, type BankMessage, BankMessageConflictError } from "./bankAdapter.js";

export interface FileBankDirectories {
  outbox: string;
  inbox: string;
  archive: string;
}

const MESSAGE_NAME = /^[A-Za-z0-9._-]{1,200}\.xml$/;

export class FileBankAdapter implements BankAdapter {
  constructor(private readonly dirs: FileBankDirectories) {}

  async init(): Promise<void> {
    for (const dir of Object.values(this.dirs)) await mkdir(dir, { recursive: true });
  }

  async send(message: BankMessage): Promise<void> {
    checkName(message.name);
    const target = path.join(this.dirs.outbox, message.name);
    const existing = await readFile(target, "utf8").catch(() => null);
    if (existing !== null) {
      if (existing === message.xml) return;
      throw new BankMessageConflictError(message.name);
    }
    const temporary = path.join(this.dirs.outbox, `.${message.name}.${process.pid}.tmp`);
    // On disk before it is named: the engine marks it sent next, and a power loss must not lose it.
    const handle = await open(temporary, "w");
    try {
      await handle.writeFile(message.xml, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  }

  async receive(): Promise<BankMessage[]> {
    const names = (await readdir(this.dirs.inbox)).filter((name) => MESSAGE_NAME.test(name)).sort();
    return Promise.all(names.map(async (name) => ({ name, xml: await readFile(path.join(this.dirs.inbox, name), "utf8") })));
  }

  async acknowledge(name: string): Promise<void> {
    checkName(name);
    try {
      await rename(path.join(this.dirs.inbox, name), path.join(this.dirs.archive, name));
    } catch (error) {
      // Already moved by an earlier run that died before recording it: acknowledged either way.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

function checkName(name: string): void {
  if (!MESSAGE_NAME.test(name)) throw new RangeError(`bank message name: expected letters, digits, ".", "_" or "-" ending in .xml, got ${JSON.stringify(name)}`);
}
