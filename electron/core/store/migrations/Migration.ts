/**
 * One numbered schema step. A migration NEVER changes once released: fix mistakes with a new
 * migration (a test pins each released migration's checksum).
 */
export interface Migration {
  /** 1, 2, 3, ...: the PRAGMA user_version the case file has after this step. */
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration's transaction (no BEGIN/COMMIT, no PRAGMAs that cannot run in a transaction). */
  readonly sql: string;
}
