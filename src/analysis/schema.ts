// What earlier statements (of this file and of earlier files in the run) tell
// us about the database: enough to know a table is new, a column's old type,
// or that a NOT NULL check was validated.
import type { Rel, TypeInfo } from './names.js';
import { checkBoundsColumn } from './predicates.js';

export interface ColumnInfo {
  name: string;
  type?: TypeInfo;
  notNull: boolean;
  hasDefault: boolean;
}

export type ConstraintKind = 'check' | 'foreign' | 'unique' | 'primary' | 'exclusion' | 'notnull' | 'other';

export interface ConstraintInfo {
  name: string;
  kind: ConstraintKind;
  validated: boolean;
  columns: string[];
  /** For `CHECK (col IS NOT NULL)`: that column. */
  notNullColumn?: string;
  references?: Rel;
  /** For a foreign key: the referenced columns as written (none: the referenced table's primary key). */
  referencedColumns?: string[];
  /** A CHECK's expression (libpg-query AST), for proofs such as a partition bound. */
  expr?: any;
  /** Where it was added: file and statement index, for same-transaction checks. */
  addedAt?: { file: string; statement: number; txId: number };
}

export interface IndexInfo {
  name: string;
  table: Rel;
  columns: string[];
  unique: boolean;
  valid: boolean;
  /** Columns a partial or expression index depends on: dropping one of them drops the index. */
  refs?: string[];
}

export interface TableInfo {
  rel: Rel;
  kind: 'table' | 'view' | 'matview' | 'partitioned';
  columns: Map<string, ColumnInfo>;
  constraints: Map<string, ConstraintInfo>;
  /** The file whose statements created it, when the run saw that. */
  createdIn?: string;
  /** Created by one of the run's pending files (with `--changed-since`, all of them are new). */
  createdPending?: boolean;
  createdTxId?: number;
  /** Given rows in the run (INSERT, CREATE TABLE … AS): a table created in the file is then no longer empty. */
  filled?: boolean;
  /** `PARTITION BY` key columns and strategy, for partitioned tables. */
  partitionKey?: { strategy: 'range' | 'list' | 'hash'; columns: string[] };
  /** The partitioned table this one is a partition of (its key): dropped with it. */
  partitionOf?: string;
}

export interface EnumInfo {
  rel: Rel;
  values: string[];
}

/** A Map that counts its changes, so lookups derived from it can be cached until it changes. */
export class VersionedMap<K, V> extends Map<K, V> {
  version = 0;
  override set(k: K, v: V): this {
    this.version++;
    return super.set(k, v);
  }
  override delete(k: K): boolean {
    this.version++;
    return super.delete(k);
  }
  override clear(): void {
    this.version++;
    super.clear();
  }
}

export class SchemaModel {
  readonly tables = new Map<string, TableInfo>();
  readonly indexes = new VersionedMap<string, IndexInfo>();
  private byTable?: { version: number; map: Map<string, IndexInfo[]> };
  readonly enums = new Map<string, EnumInfo>();

  table(rel: Rel | undefined): TableInfo | undefined {
    if (!rel) return undefined;
    return this.tables.get(rel.key) ?? (rel.schema ? undefined : this.findUnqualified(rel.name));
  }

  private findUnqualified(name: string): TableInfo | undefined {
    for (const t of this.tables.values()) if (t.rel.name === name) return t;
    return undefined;
  }

  index(rel: Rel | undefined): IndexInfo | undefined {
    if (!rel) return undefined;
    const hit = this.indexes.get(rel.key);
    if (hit || rel.schema) return hit;
    for (const i of this.indexes.values()) if (i.name === rel.name) return i;
    return undefined;
  }

  /** The table of an index: a created one, or the index behind a PRIMARY KEY/UNIQUE/EXCLUDE constraint. */
  tableOfIndex(rel: Rel): Rel | undefined {
    const created = this.index(rel);
    if (created) return created.table;
    for (const t of this.tables.values()) {
      if (rel.schema && t.rel.schema && t.rel.schema !== rel.schema) continue;
      for (const c of t.constraints.values()) if (c.name === rel.name && (c.kind === 'primary' || c.kind === 'unique' || c.kind === 'exclusion')) return t.rel;
    }
    return undefined;
  }

  indexesOn(rel: Rel): IndexInfo[] {
    const t = this.table(rel);
    const key = t?.rel.key ?? rel.key;
    // Rules ask this for every foreign key of a file: index the indexes by table once per change, not per call.
    if (this.byTable?.version !== this.indexes.version) {
      const map = new Map<string, IndexInfo[]>();
      for (const i of this.indexes.values()) {
        const list = map.get(i.table.key);
        if (list) list.push(i);
        else map.set(i.table.key, [i]);
      }
      this.byTable = { version: this.indexes.version, map };
    }
    return this.byTable.map.get(key) ?? [];
  }

  /** The columns a foreign key references: as written, else the referenced table's primary key (if known). */
  referencedColumns(c: ConstraintInfo): string[] {
    if (c.referencedColumns?.length) return c.referencedColumns;
    const pk = [...(this.table(c.references)?.constraints.values() ?? [])].find((x) => x.kind === 'primary');
    return pk?.columns ?? [];
  }

  /** Foreign keys of other tables that reference `rel` (its own self-references left out). */
  foreignKeysTo(rel: Rel): { table: TableInfo; constraint: ConstraintInfo }[] {
    const key = this.table(rel)?.rel.key ?? rel.key;
    const out: { table: TableInfo; constraint: ConstraintInfo }[] = [];
    for (const t of this.tables.values()) {
      if (t.rel.key === key) continue;
      for (const c of t.constraints.values()) if (c.kind === 'foreign' && c.references && (this.table(c.references)?.rel.key ?? c.references.key) === key) out.push({ table: t, constraint: c });
    }
    return out;
  }

  /** The partitions of a partitioned table, at every level. */
  partitionsOf(rel: Rel): TableInfo[] {
    const key = this.table(rel)?.rel.key ?? rel.key;
    const out: TableInfo[] = [];
    for (const t of this.tables.values()) if (t.partitionOf === key) out.push(t, ...this.partitionsOf(t.rel));
    return out;
  }

  /** Every index of a table known to the model: created ones and those behind PRIMARY KEY/UNIQUE/EXCLUDE constraints. */
  indexNamesOn(rel: Rel): string[] {
    const names = new Set(this.indexesOn(rel).map((i) => i.name));
    for (const c of this.table(rel)?.constraints.values() ?? []) if (c.kind === 'primary' || c.kind === 'unique' || c.kind === 'exclusion') names.add(c.name);
    return [...names];
  }

  /** A validated `CHECK (col IS NOT NULL)` lets PG 12+ skip SET NOT NULL's scan. */
  hasValidatedNotNullCheck(rel: Rel, column: string): boolean {
    const t = this.table(rel);
    if (!t) return false;
    for (const c of t.constraints.values()) if (c.kind === 'check' && c.validated && c.notNullColumn === column) return true;
    return false;
  }

  /**
   * A validated CHECK on `partition` bounds every key column of `parent`'s partition key, so
   * ATTACH PARTITION can skip scanning it. See `checkBoundsColumn` for how far this is proved.
   */
  checkProvesPartitionBound(parent: Rel, partition: Rel): boolean {
    const key = this.table(parent)?.partitionKey;
    const part = this.table(partition);
    if (!part) return false;
    const checks = [...part.constraints.values()].filter((c) => c.kind === 'check' && c.validated && c.expr);
    // Parent unknown (created before the linted files): trust a validated CHECK shaped like a bound on any column.
    if (!key || key.columns.length === 0) {
      return checks.some((c) => ['range', 'list'].some((s) => checkBoundsColumn(c.expr, '', s as 'range', true)));
    }
    return key.columns.every((col) => checks.some((c) => checkBoundsColumn(c.expr, col, key.strategy)));
  }

  /** Some index (or unique/PK constraint) whose leading columns are exactly `columns`, in any order. */
  hasIndexLeadingWith(rel: Rel, columns: string[]): boolean {
    const want = new Set(columns);
    const covers = (cols: string[]) => cols.length >= want.size && cols.slice(0, want.size).every((c) => want.has(c));
    if (this.indexesOn(rel).some((i) => covers(i.columns))) return true;
    const t = this.table(rel);
    return !!t && [...t.constraints.values()].some((c) => (c.kind === 'primary' || c.kind === 'unique') && covers(c.columns));
  }
}
