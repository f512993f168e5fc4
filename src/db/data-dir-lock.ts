/**
 * One process per embedded store. PGlite does not lock its data directory, so two processes on one
 * DATA_DIR would corrupt it; this takes an exclusive lock file in DATA_DIR first. The file holds the
 * holder's pid, host and start time. It is created atomically: the content is written to a private
 * temp file and then hard-linked to the lock name, and link(2) fails with EEXIST when the name
 * exists (the same all-or-nothing test as open(O_CREAT|O_EXCL), without a moment where another
 * process could read a half-written file). A lock whose pid is gone on this host is stale and taken
 * over. The lock is released on close and, as a last resort, when the process exits.
 * @module
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'credits-bot.lock';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  since: string;
}

/** Another live process holds DATA_DIR. The message is the one line the CLI prints. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process';
    super(
      `The embedded store in ${dataDir} is in use by ${who}; only one process may open it. ` +
        'Stop that process, or set DATABASE_URL to a shared Postgres to run several.',
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds, so an exit handler can remove them. */
const held = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [path, content] of held) removeIfOurs(path, content);
  });
}

function removeIfOurs(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // already gone
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
  } catch {
    // unreadable or not ours: treated as unknown below
  }
  return undefined;
}

/** Whether `pid` is a live process on this machine (EPERM: alive, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stale when the holder ran on this host and its pid is gone, or is our own pid while we do not hold
 * the lock (a container restarted with the same pid). A holder on another host is never stale: we
 * cannot see its processes. An unreadable lock file is not ours to judge either.
 */
function isStale(path: string, holder: LockHolder | undefined): boolean {
  if (!holder || holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !held.has(path);
  return !alive(holder.pid);
}

/**
 * Takes the lock on `dataDir` (which must exist) or throws {@link DataDirLockedError}.
 * @example const lock = acquireDataDirLock('./data'); … lock.release();
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const content = `${JSON.stringify(me)}\n`;
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (attempt < 2 && isStale(path, holder)) {
          removeIfSame(path, holder);
          continue;
        }
        throw new DataDirLockedError(dataDir, holder);
      }
      // Two processes clearing the same stale lock could both get here; only one file survives.
      if (readFileSync(path, 'utf8') !== content) throw new DataDirLockedError(dataDir, readHolder(path));
      break;
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // best effort
    }
  }
  held.set(path, content);
  installExitHook();
  return {
    path,
    release() {
      if (!held.has(path)) return;
      held.delete(path);
      removeIfOurs(path, content);
    },
  };
}

/** Removes the stale lock only if it still names the same holder (another process may have replaced it). */
function removeIfSame(path: string, holder: LockHolder | undefined): void {
  const now = readHolder(path);
  if (now && holder && now.pid === holder.pid && now.host === holder.host && now.since === holder.since) {
    try {
      unlinkSync(path);
    } catch {
      // someone else removed it first
    }
  }
}

/** The line for a second process, and exit code 2 (contract: a usage-level refusal, nothing written). */
export function exitBecauseLocked(error: DataDirLockedError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
