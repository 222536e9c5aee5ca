import type { SourceStatement } from '../source/index.js';
import type { Cost, LockMode } from './locks.js';
import type { Rel } from './names.js';
import type { SchemaModel } from './schema.js';
import type { Action, RelationRole } from './actions.js';

export type { Action, ActionFacts, ActionKind, ActionOf, ColumnSpec, ConstraintSpec, DomainChange, RelatedLock, RelationRole, Span, TxControl, WrittenType } from './actions.js';
export { ACTION_KINDS } from './actions.js';

/**
 * How long a statement can run: `instant` (catalog only, or a new empty table), `bounded` (work in
 * proportion to the named relations: a scan, an index build, a rewrite, DML), `open-ended` (waits for other
 * transactions, as CONCURRENTLY does, or runs code pgsafe does not see: DO, CALL, a whole-database VACUUM).
 */
export type Runtime = 'instant' | 'bounded' | 'open-ended';

export interface RelationLock {
  rel: Rel;
  mode: LockMode;
  /** Why the statement locks it: the relation it changes, a referenced table, a partition… */
  role: RelationRole;
  /** Created earlier in this file (or in a pending file of the run): empty and unseen by the app. */
  isNew: boolean;
  /** The statement index that took it (for held locks). */
  statement: number;
}

export interface TxState {
  /** Inside BEGIN … COMMIT, or the file is run in one transaction (`--assume-in-transaction`, a framework). */
  inTransaction: boolean;
  /** Opened by an explicit BEGIN in the file. */
  explicit: boolean;
  /** Changes each time a transaction starts, so facts can be compared across statements. */
  id: number;
  /** Locks on existing relations taken by earlier statements of the open transaction; held until it ends. */
  held: RelationLock[];
  /** Set when a migration framework wraps the file in a transaction: how to opt out in that framework (an imperative sentence). */
  /** The wrapper is Postgres's implicit block for a multi-statement query (see FileOptions.implicitTransaction). */
  implicit?: boolean;
  optOut?: string;
}

export interface Timeouts {
  /** In milliseconds; null when unset or 0 (wait forever). */
  lockTimeoutMs: number | null;
  statementTimeoutMs: number | null;
}

export interface AnalysedStatement {
  source: SourceStatement;
  file: string;
  kind: string;
  actions: Action[];
  /** Strongest lock per relation. */
  locks: RelationLock[];
  cost: Cost;
  /** Relations whose files are rewritten (relfilenode changes), new ones included. */
  rewrites: Rel[];
  /** Relations read in full (a validation scan, an index build, a rewrite), new ones included. */
  scans: Rel[];
  /** How long it can run, over existing (not new) relations. */
  runtime: Runtime;
  /** Over existing (not new) relations. */
  blocks: { reads: boolean; writes: boolean };
  tx: TxState;
  timeouts: Timeouts;
  /** Postgres refuses to run it inside a transaction block. */
  noTransaction: boolean;
  /** Set when pgsafe could not work out what the statement does. */
  unanalyzed?: string;
}

export interface AnalysisSettings {
  pgVersion: number;
  assumeInTransaction: boolean;
}

export interface AnalysisView {
  settings: AnalysisSettings;
  schema: SchemaModel;
  /** True for relations created in this file (or a pending file): new and empty. */
  isNew(rel: Rel | undefined): boolean;
  /** The file set the session's TimeZone to one at UTC offset 0 with no DST (`SET timezone = 'UTC'`). */
  timeZoneUtc?(): boolean;
}
