import type { DomainMigrations, Param, Sql, TransactionalWrite } from "../db/sql.js";
import { newId } from "../lib/ids.js";
import type { EventType, OutboxEvent } from "./types.js";

const sql = `
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  dispatched_at BIGINT
);
CREATE INDEX events_undispatched ON events (created_at) WHERE dispatched_at IS NULL;
CREATE INDEX events_account ON events (account_id, created_at);
`;

const byAge = "CREATE INDEX events_dispatched ON events (dispatched_at) WHERE dispatched_at IS NOT NULL;";

export const eventsMigrations: DomainMigrations = {
  domain: "events",
  migrations: [
    { version: 1, name: "transactional outbox of account events", sqlite: sql, postgres: sql },
    { version: 2, name: "dispatched events by age, for their retention", sqlite: byAge, postgres: byAge },
  ],
};

export interface NewEvent {
  accountId: string;
  type: EventType;
  data: Record<string, unknown>;
}

const INSERT = "INSERT INTO events (id, account_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)";

/**
 * The transactional outbox: an event is a row written in the same transaction as the change it reports (a debit
 * crossing a threshold, a fulfilled purchase, a document turning ready), so a crash can neither lose it nor invent
 * one for a change that rolled back. The dispatcher hands committed rows to the channels (webhooks, email).
 */
export class Outbox {
  constructor(private readonly onWritten: () => void = () => {}) {}

  /** The event as a statement that commits with a ledger movement (see `LedgerWrite`). */
  write(event: NewEvent): TransactionalWrite {
    return { sql: INSERT, params: this.params(event), onCommit: this.onWritten };
  }

  /**
   * The event, written only if `condition` (a SQL boolean expression over the tables of the transaction, with its
   * own `?` parameters) holds when the statement runs: how a threshold fires once per crossing.
   */
  writeIf(event: NewEvent, condition: string, conditionParams: Param[]): TransactionalWrite {
    const cols = "id, account_id, type, data, created_at";
    return {
      sql: `INSERT INTO events (${cols}) SELECT ?, ?, ?, ?, ? WHERE ${condition}`,
      params: [...this.params(event), ...conditionParams],
      onCommit: this.onWritten,
    };
  }

  /**
   * The event with `data.balance` set, by SQL when the statement runs, to the account's available balance in credits:
   * written with a credit (see `LedgerWrite`), it is the balance that credit left — what a receipt says.
   */
  writeWithBalance(event: NewEvent, dialect: "sqlite" | "postgres"): TransactionalWrite {
    const [id, accountId, type, data, createdAt] = this.params(event);
    const balance =
      "CAST(COALESCE((SELECT available_mc FROM balances WHERE account_id = ?), 0) AS DOUBLE PRECISION) / 1000";
    const merged =
      dialect === "postgres"
        ? `CAST(jsonb_set(CAST(? AS jsonb), '{balance}', to_jsonb(${balance})) AS TEXT)`
        : `json_set(?, '$.balance', ${balance})`;
    return {
      sql: `INSERT INTO events (id, account_id, type, data, created_at) SELECT ?, ?, ?, ${merged}, ?`,
      params: [id!, accountId!, type!, data!, accountId!, createdAt!],
      onCommit: this.onWritten,
    };
  }

  /** Writes the event in `tx`, the transaction of the change it reports; the dispatcher is woken once it commits. */
  async insert(tx: Sql, event: NewEvent): Promise<string> {
    const params = this.params(event);
    await tx.run(INSERT, params);
    tx.afterCommit(this.onWritten);
    return params[0] as string;
  }

  private params(event: NewEvent): Param[] {
    return [newId("msg"), event.accountId, event.type, JSON.stringify(event.data), Date.now()];
  }
}

export interface EventRow {
  id: string;
  account_id: string;
  type: string;
  data: string;
  created_at: number;
}

export function toEvent(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type as EventType,
    data: JSON.parse(row.data),
    createdAt: Number(row.created_at),
  };
}
