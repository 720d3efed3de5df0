/*
 * The part of `pg` (node-postgres, installed as the dependency of @keyv/postgres) that src/store/postgres.ts
 * and its tests use. pg ships no types and @types/pg is not installed; once it is, delete this file.
 */
declare module 'pg' {
  export interface PoolConfig {
    connectionString?: string;
    max?: number;
    connectionTimeoutMillis?: number;
    idleTimeoutMillis?: number;
    /** Sent to the server: a statement running longer is cancelled there (SQLSTATE 57014). */
    statement_timeout?: number;
    /** Client side: a query without an answer in this time fails, and its connection is dropped. */
    query_timeout?: number;
    application_name?: string;
    keepAlive?: boolean;
  }

  export interface QueryResult<Row> {
    rows: Row[];
    rowCount: number | null;
  }

  export interface PoolClient {
    query<Row = Record<string, unknown>>(
      text: string,
      values?: readonly unknown[],
    ): Promise<QueryResult<Row>>;
    release(error?: Error | boolean): void;
  }

  export class Pool {
    constructor(config?: PoolConfig);
    connect(): Promise<PoolClient>;
    query<Row = Record<string, unknown>>(
      text: string,
      values?: readonly unknown[],
    ): Promise<QueryResult<Row>>;
    end(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
    readonly ended: boolean;
  }

  const pg: { Pool: typeof Pool };
  export default pg;
}
