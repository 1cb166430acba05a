/**
 * One process per embedded database directory. PGlite takes no lock of its own, and two processes writing
 * the same directory leave it unreadable; a second start must fail instead, naming the process that holds
 * it. The lock is a file beside the directory holding the owner's process id: a lock left by a process
 * that is gone (killed, crashed) is taken over.
 */
import { open, readFile, unlink } from "node:fs/promises";

export class DataDirectoryLockedError extends Error {
  readonly code = "DATA_DIRECTORY_LOCKED";
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(`The database directory ${dataDir} is in use by process ${ownerPid}; stop it first (or remove ${dataDir}.lock if that process is not this service).`);
  }
}

export interface DataDirectoryLock {
  release(): Promise<void>;
}

/** Lock files this process holds: its own pid in a lock file it does not hold is a previous life's (containers reuse pids). */
const held = new Set<string>();

export async function lockDataDirectory(dataDir: string): Promise<DataDirectoryLock> {
  const lockFile = `${dataDir}.lock`;
  if (held.has(lockFile)) throw new DataDirectoryLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(lockFile);
      return {
        release: async () => {
          held.delete(lockFile);
          await unlink(lockFile).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw new DataDirectoryLockedError(dataDir, owner);
    // Stale (its process is gone) or half-written by a process killed while writing it.
    await unlink(lockFile).catch(() => undefined);
  }
  throw new Error(`could not take the lock ${lockFile}: another process keeps taking it`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
