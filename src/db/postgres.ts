import pg from "pg";
import { isPrepared, type Param, type Row, type Sql } from "./sql.js";

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${value} is beyond 2^53 and cannot be represented exactly`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseInt8 as never;
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export interface PostgresOptions {
  url: string;
  schema?: string;
  poolSize?: number;
  applicationName?: string;
}

/** A connection pool whose sessions all use `schema` (created if missing) as their search path. */
export function openPostgres(options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 16,
    application_name: options.applicationName ?? "api-credits",
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    types,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would exit.
  pool.on("error", () => {});
  // So does a checked-out client between two queries (a transaction awaiting other work, an advisory lock held
  // around a job): the loss then surfaces on its next query, as an error the caller handles.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

export async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
}

/** `?` placeholders to `$1…$n` (our statements never put `?` inside string literals). */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/**
 * A statement with its values written in as literals, for SQL that runs where parameters cannot be passed (a
 * statement a PL/pgSQL function EXECUTEs). Each value is the text node-postgres would send for it, quoted: an
 * untyped literal, which PostgreSQL types from where it stands exactly as it types an untyped parameter.
 */
export function inlineParams(text: string, params: readonly Param[]): string {
  let i = 0;
  const out = text.replace(/\?/g, () => {
    if (i >= params.length) throw new Error("a statement has more placeholders than values");
    return literal(params[i++]);
  });
  if (i !== params.length) throw new Error("a statement has fewer placeholders than values");
  return out;
}

function literal(p: Param): string {
  if (p === null || p === undefined) return "NULL";
  if (p instanceof Uint8Array)
    return pg.escapeLiteral(`\\x${Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString("hex")}`);
  if (typeof p === "number" && !Number.isFinite(p)) throw new Error("a statement's value is not a finite number");
  return pg.escapeLiteral(String(p));
}

function toPgParam(p: Param): unknown {
  if (p === undefined) return null;
  if (typeof p === "bigint") return p.toString();
  return p;
}

const converted = new Map<string, string>();
function convert(text: string): string {
  let out = converted.get(text);
  if (out === undefined) {
    out = numberPlaceholders(text);
    if (converted.size < 10_000) converted.set(text, out);
  }
  return out;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Names of the statements marked `prepared`, one per text for the process (node-pg names them per connection). */
const statementNames = new Map<string, string>();

/**
 * A statement as node-pg takes it: with a name when its text is marked `prepared`, so each connection parses and
 * plans it once. `source` is the text as marked (`?` or `$n` placeholders), `text` as sent.
 */
function statement(source: string, text: string, values: unknown[]): pg.QueryConfig {
  if (!isPrepared(source)) return { text, values };
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `p${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/** One statement with positional `$n` parameters, as node-pg and PGlite both take it. */
export interface PgStatements {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * `db` sending the texts marked `prepared` as prepared statements when it is node-pg (a pool or a client); PGlite
 * runs in the process and is left as it is.
 */
export function withPreparedStatements<T extends PgStatements>(db: T): PgStatements {
  if (!(db instanceof pg.Pool || db instanceof pg.Client)) return db;
  const target = db as unknown as Queryable;
  return { query: (text, params = []) => target.query(statement(text, text, params)) };
}

export class PostgresSql implements Sql {
  readonly dialect = "postgres" as const;

  constructor(
    readonly pool: pg.Pool,
    private readonly client?: pg.PoolClient,
    /** What `afterCommit` queued in this transaction. */
    private readonly committed?: (() => void)[],
  ) {}

  private get target(): Queryable {
    return this.client ?? this.pool;
  }

  async all<T = Row>(text: string, params: Param[] = []): Promise<T[]> {
    const result = await this.target.query(statement(text, convert(text), params.map(toPgParam)));
    return result.rows as T[];
  }

  async get<T = Row>(text: string, params: Param[] = []): Promise<T | undefined> {
    const rows = await this.all<T>(text, params);
    return rows[0];
  }

  async run(text: string, params: Param[] = []): Promise<number> {
    const result = await this.target.query(statement(text, convert(text), params.map(toPgParam)));
    return result.rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    const committed: (() => void)[] = [];
    const result = await inPgTransaction(this.pool, (client) =>
      fn(new PostgresSql(this.pool, client as pg.PoolClient, committed)),
    );
    for (const hook of committed) hook();
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.client && this.committed) this.committed.push(fn);
    else fn();
  }
}

/** A pooled client, as `pg.Pool.connect()` hands one out. */
export interface PgClient {
  query(text: string, params?: unknown[]): Promise<unknown>;
  release(): void;
}

/** Runs `fn` on one client of `pool` between BEGIN and COMMIT (ROLLBACK when it throws), then releases it. */
export async function inPgTransaction<C extends PgClient, T>(
  pool: { connect(): Promise<C> },
  fn: (client: C) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
