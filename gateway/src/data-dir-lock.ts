// One gateway per data directory (issue 12 item 10): two processes on one dataDir would both
// append to the WAL and checkpoint each other's SQLite files. The lock is a SQLite database,
// `dataDir/gateway.lock`, held in EXCLUSIVE locking mode for the life of the process: SQLite's
// POSIX advisory (fcntl) locks are released by the kernel when the process dies, so a `kill -9`
// leaves nothing stale that would block a restart. The holder's pid is written beside it
// (`gateway.pid`) for the error message only; it is never trusted for locking.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HazardlineError } from './errors.ts';

export const LOCK_FILE = 'gateway.lock';
export const PID_FILE = 'gateway.pid';

export class DataDirInUseError extends HazardlineError {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super('HL_ERR_DATA_DIR_IN_USE', `data dir ${dataDir} is in use by another hazardline process${pid ? ` (pid ${pid})` : ''}; stop it or set gateway.dataDir`, 500);
    this.name = 'DataDirInUseError';
  }
}

export class DataDirLock {
  private constructor(private db: Database.Database | undefined) {}

  /** Takes the lock or throws DataDirInUseError at once (no waiting). */
  static acquire(dataDir: string, pid = process.pid): DataDirLock {
    const db = new Database(join(dataDir, LOCK_FILE));
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      // the first write takes the EXCLUSIVE lock; in this locking mode it is kept after COMMIT
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; COMMIT');
      db.prepare('INSERT INTO holder (pid) VALUES (?)').run(pid);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY') || (err as { code?: string }).code?.startsWith('SQLITE_LOCKED')) throw new DataDirInUseError(dataDir, readPid(dataDir));
      throw err;
    }
    writeFileSync(join(dataDir, PID_FILE), `${pid}\n`);
    return new DataDirLock(db);
  }

  release(): void {
    this.db?.close();
    this.db = undefined;
  }
}

function readPid(dataDir: string): number | undefined {
  try {
    const n = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
