import type { SourceStatement } from '../source/index.js';
import type { Cost, LockMode } from './locks.js';
import type { Rel, TypeInfo } from './names.js';
import type { ConstraintKind, SchemaModel } from './schema.js';

export interface Span {
  start: number;
  end: number;
}

/**
 * One thing a statement does to one object. `ALTER TABLE … ADD COLUMN a, SET NOT NULL b`
 * has two actions. Types: create-table, create-table-as, create-view, create-index,
 * drop-index, drop-table, drop-view, drop-object, truncate, add-column, drop-column,
 * alter-column-type, set-not-null, drop-not-null, set-default, drop-default, add-constraint,
 * validate-constraint, drop-constraint, rename-column, rename-table, rename-object,
 * attach-partition, detach-partition, set-logged, set-unlogged, set-tablespace, alter-table,
 * reindex, vacuum, vacuum-full, cluster, refresh-matview, lock-table, insert, update, delete,
 * select, create-trigger, drop-trigger, create-policy, comment, grant, alter-enum-add-value,
 * create-type, create-domain, alter-domain, create-function, do-block, create-extension,
 * create-schema, create-sequence, alter-sequence, set, transaction, create-database,
 * drop-database, catalog (other catalog-only changes), session (no effect on tables).
 */
export interface Action {
  type: string;
  relation?: Rel;
  /** Lock taken on `relation`. */
  lock?: LockMode;
  cost: Cost;
  /** Why the cost: "volatile default `random()`", "type change int4 → int8". */
  reason?: string;
  span: Span;
  node?: any;
  column?: string;
  concurrently?: boolean;
  constraint?: ConstraintSpec;
  /** For alter-column-type. */
  oldType?: TypeInfo;
  newType?: TypeInfo;
  /** For add-column. */
  columnDef?: ColumnSpec;
  /** For update/delete: how far the WHERE bounds the rows touched (see predicates.ts). */
  filter?: 'none' | 'broad' | 'selective';
  /** The part `relation` plays in the statement; absent means 'target'. */
  role?: RelationRole;
  /** Other relations this action locks (FK targets, partitions). */
  also?: RelatedLock[];
}

/** What a relation is to the statement that locks it. */
export type RelationRole = 'target' | 'referenced' | 'referencing' | 'partition' | 'parent' | 'index' | 'dependent' | 'read';

export interface RelatedLock {
  rel: Rel;
  lock: LockMode;
  role: RelationRole;
}

/**
 * How long a statement can run: `instant` (catalog only, or a new empty table), `bounded` (work in
 * proportion to the named relations: a scan, an index build, a rewrite, DML), `open-ended` (waits for other
 * transactions, as CONCURRENTLY does, or runs code pgsafe does not see: DO, CALL, a whole-database VACUUM).
 */
export type Runtime = 'instant' | 'bounded' | 'open-ended';

export interface ColumnSpec {
  name: string;
  type?: TypeInfo;
  notNull: boolean;
  default?: { sql: string; volatile: boolean; why?: string; span: Span };
  generated?: 'stored' | 'virtual';
  identity: boolean;
  serial: boolean;
  references?: Rel;
  primaryKey: boolean;
  unique: boolean;
  check: boolean;
}

export interface ConstraintSpec {
  name?: string;
  kind: ConstraintKind;
  notValid: boolean;
  columns: string[];
  references?: Rel;
  referencedColumns?: string[];
  usingIndex?: string;
  /** `CHECK (col IS NOT NULL)`: that column. */
  notNullColumn?: string;
  /** A CHECK's expression (libpg-query AST). */
  expr?: any;
  /** The constraint's SQL as written, for messages and fixes. */
  sql: string;
}

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
  /** Over existing (not new) relations. */
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
}
