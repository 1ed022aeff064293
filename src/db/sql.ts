/**
 * The small SQL port every store is written against. Statements use `?` placeholders and the SQL that SQLite and
 * PostgreSQL share (RETURNING, ON CONFLICT, integer milliseconds for time, TEXT for JSON); a store that needs one
 * engine's features asks `dialect`. Integers come back as JS numbers on both engines (int8 is parsed, and refused
 * above 2^53).
 */
export type Row = Record<string, unknown>;
export type Param = string | number | bigint | null | Buffer | Uint8Array | undefined | boolean;

export interface Sql {
  readonly dialect: "sqlite" | "postgres";
  all<T = Row>(text: string, params?: Param[]): Promise<T[]>;
  get<T = Row>(text: string, params?: Param[]): Promise<T | undefined>;
  /** Runs a statement and returns how many rows it changed. */
  run(text: string, params?: Param[]): Promise<number>;
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/**
 * A statement that must commit in the same transaction as another change (the ledger runs them beside a movement of
 * credits: see `LedgerWrite`). `?` placeholders, SQL both engines share.
 */
export interface TransactionalWrite {
  sql: string;
  params: Param[];
  /** Runs first; when it changes no row the change it guards does not happen. */
  fence?: boolean;
  /** Called once the transaction has committed. */
  onCommit?: () => void;
  /**
   * For a write that reads state rather than its own operation (a threshold check): where several operations are
   * applied together and their writes run after all of them (the PostgreSQL ledger's batches), only the first write
   * with this key runs — it sees what they all left. Elsewhere every one runs. Never on a fence.
   */
  once?: string;
}

/** A schema change of one domain; `version` orders the changes of that domain. */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export interface DomainMigrations {
  domain: string;
  migrations: Migration[];
}
