/**
 * The little SQL the oracle and the clearing engine need, over two drivers that speak the same dialect: PGlite (PostgreSQL
 * compiled to WASM, embedded, a directory of files; the default, nothing to install) and a PostgreSQL
 * server through `pg` (by configuration). The schema and every statement are shared.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface SqlExecutor {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string }
  | { kind: "pglite-memory" }
  | { kind: "postgres"; connectionString: string };

export async function openSqlClient(config: DatabaseConfig): Promise<SqlClient> {
  switch (config.kind) {
    case "pglite":
      return pgliteClient(await PGlite.create(config.dataDir));
    case "pglite-memory":
      return pgliteClient(await PGlite.create());
    case "postgres":
      return postgresClient(new pg.Pool({ connectionString: config.connectionString, max: 8 }));
  }
}

function pgliteClient(db: PGlite): SqlClient {
  return {
    async query(sql, params) {
      return (await db.query(sql, params)).rows as never;
    },
    transaction(work) {
      return db.transaction((tx) => work({ query: async (sql, params) => (await tx.query(sql, params)).rows as never }));
    },
    close: () => db.close(),
  };
}

function postgresClient(pool: pg.Pool): SqlClient {
  return {
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async transaction(work) {
      const connection = await pool.connect();
      try {
        await connection.query("BEGIN");
        const result = await work({ query: async (sql, params) => (await connection.query(sql, params)).rows });
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        await connection.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}
