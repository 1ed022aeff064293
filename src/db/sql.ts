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
  /**
   * Calls `fn` once the transaction this handle runs in has committed (and is durable), never after a rollback; at
   * once on a handle outside a transaction. For waking a worker that must see what the transaction wrote; `fn` must
   * not throw (the transaction has committed by then).
   */
  afterCommit(fn: () => void): void;
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
  /**
   * With `fence`: a capture the fence stops leaves its hold open, for the hold outlives the attempt (another attempt
   * of the same job captures it), and throws `StaleWriteError`; without it the hold is released (a keyed request's).
   */
  keepsHold?: boolean;
  /** Called once the transaction has committed. */
  onCommit?: () => void;
}

/**
 * A write guarded by a fence (see `TransactionalWrite.fence`) whose fence no longer held when it ran: the attempt it
 * belonged to was taken over (a job's lease, a keyed request's claim). Nothing of the write was committed.
 */
export class StaleWriteError extends Error {
  override name = "StaleWriteError";
  constructor(message = "this attempt was taken over; its write was refused") {
    super(message);
  }
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

/** Statement texts marked by `prepared`, at most this many (a text built per request would grow it for ever). */
const PREPARED_MAX = 200;
const preparedTexts = new Set<string>();

/**
 * Marks a hot statement of fixed text to be sent as a prepared statement where the engine gains from it: on
 * PostgreSQL each connection parses and plans it once and then only binds it (a search's reads cost the server
 * ~40 % less CPU, bench/query-statements.ts); SQLite caches every statement anyway. Returns `text` unchanged.
 * Only for texts that stay few: no varying IN-lists (send a JSON array instead), and named columns rather than
 * `*` (a prepared `*` fails once a migration changes the table).
 */
export function prepared(text: string): string {
  if (preparedTexts.size < PREPARED_MAX) preparedTexts.add(text);
  return text;
}

export function isPrepared(text: string): boolean {
  return preparedTexts.has(text);
}
