/**
 * One process per embedded database directory. PGlite takes no lock of its own, and two processes writing
 * the same directory leave it unreadable; a second start must fail instead, naming the process that holds
 * it. The lock is a file beside the directory holding the owner's process id. It appears whole (written
 * under a temporary name, then hard-linked into place, which fails if a lock exists), and a lock left by a
 * process that is gone (killed, crashed) is taken over by one contender at a time.
 */
import { link, open, readFile, stat, unlink } from "node:fs/promises";

export class DataDirectoryLockedError extends Error {
  readonly code = "DATA_DIRECTORY_LOCKED";
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      ownerPid === 0
        ? `The database directory ${dataDir} is being taken over by another process starting at the same time.`
        : `The database directory ${dataDir} is in use by process ${ownerPid}; stop it first (or remove ${dataDir}.lock if that process is not this service).`,
    );
  }
}

export interface DataDirectoryLock {
  release(): Promise<void>;
}

/** Lock files this process holds: its own pid in a lock file it does not hold is a previous life's (containers reuse pids). */
const held = new Set<string>();
/** A takeover guard older than this was left by a process that died taking over. */
const STALE_GUARD_MS = 10_000;

export async function lockDataDirectory(dataDir: string): Promise<DataDirectoryLock> {
  const lockFile = `${dataDir}.lock`;
  if (held.has(lockFile)) throw new DataDirectoryLockedError(dataDir, process.pid);
  if (!(await placeLock(lockFile))) {
    const owner = await ownerOf(lockFile);
    if (owner !== null && owner !== process.pid && isAlive(owner)) throw new DataDirectoryLockedError(dataDir, owner);
    await takeOver(lockFile, dataDir, owner);
  }
  held.add(lockFile);
  return {
    release: async () => {
      held.delete(lockFile);
      // Only our own: after a takeover the file may be someone else's.
      if ((await ownerOf(lockFile)) === process.pid) await unlink(lockFile).catch(() => undefined);
    },
  };
}

/** Replaces a stale lock under a guard, so that two contenders cannot both take it over. */
async function takeOver(lockFile: string, dataDir: string, staleOwner: number | null): Promise<void> {
  const guard = `${lockFile}.takeover`;
  if (!(await createExclusive(guard))) {
    const age = Date.now() - (await stat(guard).then((s) => s.mtimeMs, () => Date.now()));
    if (age < STALE_GUARD_MS) throw new DataDirectoryLockedError(dataDir, staleOwner ?? 0);
    await unlink(guard).catch(() => undefined);
    if (!(await createExclusive(guard))) throw new DataDirectoryLockedError(dataDir, staleOwner ?? 0);
  }
  try {
    // Still the stale lock we judged? Someone may have taken over and locked before we got the guard.
    const owner = await ownerOf(lockFile);
    if (owner !== staleOwner) throw new DataDirectoryLockedError(dataDir, owner ?? 0);
    await unlink(lockFile).catch(() => undefined);
    if (!(await placeLock(lockFile))) throw new DataDirectoryLockedError(dataDir, (await ownerOf(lockFile)) ?? 0);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Puts a lock file holding this process's id in place; false when one is there already. */
async function placeLock(lockFile: string): Promise<boolean> {
  const temporary = `${lockFile}.${process.pid}.tmp`;
  const handle = await open(temporary, "w");
  await handle.writeFile(String(process.pid));
  await handle.close();
  try {
    await link(temporary, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

async function createExclusive(file: string): Promise<boolean> {
  try {
    await (await open(file, "wx")).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  }
}

/** The pid in a lock file; null when it is gone or holds no pid (left by an older, non-atomic writer). */
async function ownerOf(lockFile: string): Promise<number | null> {
  const pid = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
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
