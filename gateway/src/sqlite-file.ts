// Opening the gateway's own SQLite files (records, dead letters, telemetry): a file that is not a
// database, is corrupt or cannot be opened stops the start with one line naming the file and the
// config key, not a stack trace (issue 12 item 15).
import Database from 'better-sqlite3';
import { HazardlineError } from './errors.ts';

/** SQLite result codes that mean the file itself is unusable, not that the store is busy. */
const UNUSABLE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_PERM', 'SQLITE_FULL']);

export class StoreFileError extends HazardlineError {
  constructor(
    readonly configKey: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super('HL_ERR_STORE_FILE', `${configKey}: ${file} is not a usable SQLite database (${reason}); restore it from a backup or move it away`, 503);
    this.name = 'StoreFileError';
  }
}

/** `new Database(file)` plus `journal_mode = WAL` (the first read of the file), or a StoreFileError. */
export function openSqliteFile(file: string, configKey: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // the header alone passes the pragma; the schema read proves the file is a database
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db?.close();
    const code = (err as { code?: string }).code ?? '';
    if (UNUSABLE.has(code) || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_CORRUPT')) {
      throw new StoreFileError(configKey, file, (err as Error).message);
    }
    throw err;
  }
}
