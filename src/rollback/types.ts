// The down migration's types live in analysis (the engine and rules read them); rollback finds the downs.
export type { DownMigration, RollbackFramework } from '../analysis/down.js';
