// Opens the one database handle the app runs on: SQLite through better-sqlite3 by default, PostgreSQL
// through pg for postgres:// URLs. Everything above this file sees only Kysely<Database>.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import pg from 'pg';
import { attachCommitSignal, type CommitSignal, createCommitSignal, signallingCommits } from './commit-signal.js';
import { FACTS_OF_ONE_POSTGRES, FACTS_OF_ONE_SQLITE } from './eligibility-facts.js';
import { attachHotReader, attachPostgresHotReader } from './hot-reads.js';
import type { Database } from './schema.js';
import { BACKSTOP_WAL_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

/** How much of a SQLite file is read through a memory map (test/bench uses it too, for a like-for-like floor). */
export const SQLITE_MMAP_BYTES = 1 << 30;

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The raw better-sqlite3 connection, for maintenance the query builder cannot express. */
  readonly sqlite: SQLite.Database | undefined;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * SQLite's `synchronous` in WAL mode. NORMAL: a commit is in the WAL (the OS's page cache) before it is
   * answered, so it survives the process dying but not the machine losing power; FULL also waits for the
   * WAL to reach the disk (fsync) at every commit. PostgreSQL keeps its own durable default
   * (synchronous_commit = on). docs/operations.md, "Durability".
   */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** A long-running process on a SQLite file (the server, the CLI): WAL checkpoints on a worker thread (wal-checkpointer.ts). */
  checkpointInBackground?: boolean;
}

export function openDatabase(url: string, opts: OpenOptions = {}): DatabaseHandle {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  return openSqlite(url === ':memory:' ? ':memory:' : url.replace(/^file:/, ''), opts.sqliteSynchronous ?? 'NORMAL', opts.checkpointInBackground === true);
}

function openSqlite(path: string, synchronous: 'FULL' | 'NORMAL', backgroundCheckpoints: boolean): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Erased data must really leave the file (GDPR Art. 17): deleted content is overwritten with zeros.
  sqlite.pragma('secure_delete = ON');
  // Reads through a memory map rather than a read() per page missing from SQLite's 2 MB cache: a random
  // eligibility lookup in a million recipients took about a third less CPU (`npm run bench`). Address
  // space only; writes still go through write(), so secure_delete and the WAL are unchanged.
  sqlite.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  const signal = createCommitSignal();
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, signal) });
  attachCommitSignal(db, signal);
  const reader = path === ':memory:' ? undefined : openHotReader(path);
  if (reader) attachHotReader(db, reader, FACTS_OF_ONE_SQLITE);
  const checkpointer = backgroundCheckpoints && path !== ':memory:' ? startWalCheckpointer(path, synchronous) : undefined;
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
      reader?.close();
    },
  };
}

// A read-only connection for the hottest lookup (hot-reads.ts).
function openHotReader(path: string): SQLite.Database {
  const reader = new SQLite(path, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  reader.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  return reader;
}

// Transactions begin IMMEDIATE. A deferred BEGIN reads first; when another process (a second instance,
// the CLI) commits before it writes, SQLite fails the write at once with SQLITE_BUSY, which busy_timeout
// does not retry. Taking the write lock up front makes it wait its turn instead.
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #turns = new FifoLock();

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  // Kysely's own lock on the one connection wakes every waiter at each release and all but one go back
  // to sleep: under N concurrent requests that is N wake-ups per query. Waiters here queue up and the
  // connection is handed to the first alone, so Kysely's lock below is always free when it is asked.
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#turns.lock();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#turns.unlock();
  }
}

/** A mutex that serves waiters in arrival order and wakes only the next one. */
class FifoLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> | undefined {
    if (!this.#held) {
      this.#held = true;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: SqliteDialectConfig,
    private readonly signal: CommitSignal,
  ) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return signallingCommits(new ImmediateSqliteDriver(this.sqliteConfig), this.signal);
  }
}

class SignallingPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly signal: CommitSignal,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return signallingCommits(super.createDriver(), this.signal);
  }
}

/**
 * Kysely prepares a statement for every query, and better-sqlite3 compiles SQL on every prepare (tens
 * of microseconds, more than a point lookup costs). Keeping the recently used statements makes a
 * repeated query only bind and step. A statement still iterating is never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
      return statement;
    },
  };
}

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const signal = createCommitSignal();
  const db = new Kysely<Database>({ dialect: new SignallingPostgresDialect({ pool }, signal) });
  attachCommitSignal(db, signal);
  attachPostgresHotReader(db, pool, FACTS_OF_ONE_POSTGRES);
  return { db, dialect: 'postgres', sqlite: undefined, close: () => db.destroy() };
}
