// What a statement does, as typed facts: one `Action` per thing it does to one object. The
// extraction (classify.ts) fills the facts from the syntax tree; the lock table (lock-table.ts)
// then gives each action its locks and cost.
import type { Cost, LockMode } from './locks.js';
import type { Rel, TypeInfo } from './names.js';
import type { ConstraintKind } from './schema.js';

export const ACTION_KINDS = [
  'create-table', 'create-table-as', 'create-matview', 'create-view', 'create-index', 'drop-index', 'drop-table', 'drop-view',
  'drop-object', 'drop-trigger', 'truncate', 'add-column', 'drop-column', 'alter-column-type', 'set-not-null', 'drop-not-null',
  'set-default', 'drop-default', 'add-constraint', 'validate-constraint', 'drop-constraint', 'rename-column', 'rename-table',
  'rename-object', 'attach-partition', 'detach-partition', 'set-logged', 'set-unlogged', 'set-tablespace', 'alter-table', 'reindex',
  'vacuum', 'vacuum-full', 'analyze', 'cluster', 'refresh-matview', 'lock-table', 'insert', 'update', 'delete', 'select',
  'create-trigger', 'create-policy', 'create-rule', 'comment', 'grant', 'alter-enum-add-value', 'create-type', 'create-domain',
  'alter-domain', 'create-function', 'do-block', 'create-extension', 'create-schema', 'create-sequence', 'alter-sequence', 'set',
  'transaction', 'create-database', 'drop-database', 'catalog', 'session',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

/** What a relation is to the statement that locks it. */
export type RelationRole = 'target' | 'referenced' | 'referencing' | 'partition' | 'parent' | 'index' | 'dependent' | 'read';

export interface Span {
  start: number;
  end: number;
}

export interface RelatedLock {
  rel: Rel;
  lock: LockMode;
  role: RelationRole;
}

/** A type as written: its names as parsed (`['pg_catalog', 'bpchar']` for `char(3)`, `['char']` for `"char"`) and where it starts. */
export interface WrittenType {
  names: string[];
  /** File offset of the type's first character. */
  start: number;
}

export interface ColumnSpec {
  name: string;
  type?: TypeInfo;
  /** The type as written, when the parser gives its location. */
  typeWritten?: WrittenType;
  notNull: boolean;
  default?: { sql: string; volatile: boolean; why?: string; span: Span };
  generated?: 'stored' | 'virtual';
  identity: boolean;
  serial: boolean;
  references?: Rel;
  /** The inline REFERENCES constraint: its name as written and its node location. */
  referencesConstraint?: { name?: string; location?: number };
  /** The columns the inline REFERENCES names (none: the referenced table's primary key). */
  referencesColumns?: string[];
  /** Where the column definition starts, as a file offset. */
  start?: number;
  primaryKey: boolean;
  unique: boolean;
  check: boolean;
}

export interface ConstraintSpec {
  /** The name as written; `effectiveName` is the one Postgres gives it when unnamed. */
  name?: string;
  effectiveName?: string;
  kind: ConstraintKind;
  notValid: boolean;
  columns: string[];
  references?: Rel;
  referencedColumns?: string[];
  usingIndex?: string;
  /** `CHECK (col IS NOT NULL)`: that column. */
  notNullColumn?: string;
  /** A CHECK's expression (libpg-query AST), for proofs such as a partition bound. */
  expr?: unknown;
  /** The constraint's SQL as written, for messages and fixes. */
  sql: string;
  /** Where the constraint starts, as a file offset (when the parser gives its location). */
  start?: number;
}

/** What ALTER DOMAIN changes. */
export type DomainChange = 'set-default' | 'drop-default' | 'set-not-null' | 'drop-not-null' | 'add-constraint' | 'drop-constraint' | 'validate-constraint' | 'other';

/** Transaction control, in Postgres's own words (TRANS_STMT_*). */
export type TxControl = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to' | 'prepare' | 'commit-prepared' | 'rollback-prepared';

/** Facts every action has, and those the lock table fills in. */
interface ActionBase<K extends ActionKind> {
  type: K;
  relation?: Rel;
  /** The part `relation` plays in the statement; absent means 'target'. */
  role?: RelationRole;
  /** Other relations this action involves, by role (a referenced table, a partition, a parent). */
  related?: { role: RelationRole; rel: Rel }[];
  span: Span;
  column?: string;
  concurrently?: boolean;
  ifExists?: boolean;
  ifNotExists?: boolean;
  /** DROP … CASCADE. */
  cascade?: boolean;
  constraint?: ConstraintSpec;
  /** For alter-column-type. */
  oldType?: TypeInfo;
  newType?: TypeInfo;
  /** For add-column. */
  columnDef?: ColumnSpec;
  /** An INSERT/UPDATE/DELETE of a data-modifying CTE (`WITH u AS (UPDATE …)`), not the statement's own target. */
  viaCte?: boolean;
  /** For update/delete: how far the WHERE bounds the rows touched (see predicates.ts). */
  filter?: 'none' | 'broad' | 'selective';
  // Filled by the lock table (lock-table.ts):
  /** Lock taken on `relation`. */
  lock?: LockMode;
  cost: Cost;
  /** Why the cost: "volatile default `random()`", "type change int4 → int8". */
  reason?: string;
  /** Other relations this action locks (FK targets, partitions). */
  also?: RelatedLock[];
  /** The id of the lock-table row that gave the locks and cost. */
  fact?: string;
}

type Variant<K extends ActionKind, Extra = object> = ActionBase<K> & Extra;

export type Action =
  | Variant<'create-table', { partitioned: boolean; partitionOf?: Rel; partitionKey?: { strategy: 'range' | 'list' | 'hash'; columns: string[] }; columns: ColumnSpec[]; constraints: ConstraintSpec[]; temporary?: boolean }>
  | Variant<'create-table-as', { withData: boolean }>
  | Variant<'create-matview', { withData: boolean }>
  | Variant<'create-view', { replace: boolean }>
  | Variant<'create-index', { name: string; explicitName: boolean; columns: string[]; unique: boolean; only: boolean; refs: string[]; /** IF NOT EXISTS, and the schema model knows an index of that name: nothing is built. */ exists?: boolean }>
  | Variant<'drop-index', { index?: Rel; count: number }>
  | Variant<'drop-table', { count: number; /** DROP FOREIGN TABLE. */ foreign?: boolean }>
  | Variant<'drop-view', { count: number; /** DROP MATERIALIZED VIEW. */ materialized?: boolean }>
  | Variant<'drop-object', {
    objectType: string; count: number; object?: Rel;
    /** The object's name as written, qualified parts in order (a function's name without its arguments). */
    names?: string[];
    /** DROP CAST (from AS to): each type's names. */
    cast?: { from: string[]; to: string[] };
  }>
  | Variant<'drop-trigger', { name?: string }>
  | Variant<'truncate'>
  /**
   * `checksReferences`: an inline REFERENCES is checked against the existing rows. Postgres skips that when no
   * ADD COLUMN of the same ALTER TABLE has a default (serial and generated included): every new value is NULL.
   */
  | Variant<'add-column', { checksReferences?: boolean }>
  | Variant<'drop-column'>
  | Variant<'alter-column-type', { using: boolean; change: { rewrites: boolean; reason: string }; /** The new type as written. */ typeWritten?: WrittenType }>
  | Variant<'set-not-null', { provenByCheck: boolean }>
  | Variant<'drop-not-null'>
  | Variant<'set-default'>
  | Variant<'drop-default'>
  | Variant<'add-constraint'>
  | Variant<'validate-constraint'>
  | Variant<'drop-constraint'>
  | Variant<'rename-column', { newName: string }>
  | Variant<'rename-table', { newName: string }>
  | Variant<'rename-object', { objectType: string; newName?: string; object?: Rel }>
  | Variant<'attach-partition', { partition?: Rel; proven?: boolean }>
  | Variant<'detach-partition', { partition?: Rel; finalize: boolean }>
  | Variant<'set-logged'>
  | Variant<'set-unlogged'>
  | Variant<'set-tablespace'>
  | Variant<'alter-table', { subcommand: string; onIndex: boolean; options?: string[] }>
  | Variant<'reindex', { target: 'table' | 'index' | 'schema' | 'database' | 'system'; /** REINDEX INDEX: the index as written. */ index?: Rel; /** REINDEX SCHEMA/DATABASE: its name. */ name?: string }>
  | Variant<'vacuum'>
  | Variant<'vacuum-full'>
  | Variant<'analyze'>
  | Variant<'cluster', { index?: string }>
  | Variant<'refresh-matview', { withData: boolean }>
  | Variant<'lock-table', { mode: LockMode }>
  | Variant<'insert', { /** Its rows come from a query with FROM or a set operation, so its run time grows with the data. */ fromQuery?: boolean }>
  | Variant<'update', { hasWhere: boolean; /** File offset where the statement's own WHERE condition starts. */ whereStart?: number; /** UPDATE … FROM. */ from?: boolean }>
  | Variant<'delete', { hasWhere: boolean; whereStart?: number }>
  | Variant<'select', { forUpdate: boolean; /** The query runs to fill a table: CREATE TABLE … AS / MATERIALIZED VIEW WITH DATA. */ fills?: boolean; /** The statement's own query has FROM or a set operation (not a role 'read' action). */ fromQuery?: boolean }>
  | Variant<'create-trigger'>
  | Variant<'create-policy'>
  | Variant<'create-rule'>
  | Variant<'comment'>
  | Variant<'grant'>
  | Variant<'alter-enum-add-value', { value?: string; neighbor?: string; after?: boolean }>
  | Variant<'create-type', { enumValues?: string[] }>
  | Variant<'create-domain', { /** Its CHECK and NOT NULL constraints, with their file offsets. */ constraints?: { kind: 'check' | 'not-null'; start: number }[] }>
  | Variant<'alter-domain', { validates: boolean; change?: DomainChange }>
  | Variant<'create-function'>
  | Variant<'do-block'>
  | Variant<'create-extension'>
  | Variant<'create-schema', { name?: string }>
  | Variant<'create-sequence'>
  | Variant<'alter-sequence'>
  | Variant<'set', { name: string; local: boolean; reset: 'none' | 'one' | 'all'; value?: string | number }>
  | Variant<'transaction', { tx: TxControl }>
  | Variant<'create-database'>
  | Variant<'drop-database', { name?: string }>
  | Variant<'catalog', { object?: string }>
  | Variant<'session'>;

export type ActionOf<K extends ActionKind> = Extract<Action, { type: K }>;

/** The facts an extraction gives: everything but what the lock table fills in (`cost` defaults to catalog until then). */
export type ActionFacts<K extends ActionKind = ActionKind> = K extends ActionKind
  ? Omit<ActionOf<K>, 'span' | 'cost' | 'lock' | 'also' | 'fact' | 'reason'> & { span?: Span; reason?: string }
  : never;
