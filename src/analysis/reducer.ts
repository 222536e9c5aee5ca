// The one schema reducer: what each action does to pgsafe's schema model. Lint (Analyzer.apply), the
// LSP and the rollback round trip all apply statements through it, so they see the same schema.
import { defaultConstraintName } from './default-names.js';
import type { Rel } from './names.js';
import type { SchemaModel, TableInfo } from './schema.js';
import type { Action, ColumnSpec, ConstraintSpec } from './types.js';

export interface ReduceContext {
  file: string;
  /** The file is one of the run's pending files (its new tables stay new for later pending files). */
  pending: boolean;
  txId: number;
  statement: number;
}

// Tables created before the linted files still get what we learn about them (constraints, indexes, columns).
const EXTERNAL_FACTS = new Set(['add-column', 'add-constraint', 'validate-constraint', 'alter-column-type', 'set-not-null', 'drop-not-null', 'create-index']);

const relNamed = (rel: Rel, name: string): Rel => ({ ...rel, name, key: `${rel.schema ?? 'public'}.${name}`, sql: name });

export function applyAction(schema: SchemaModel, act: Action, ctx: ReduceContext): void {
  const rel = act.relation;
  let t = schema.table(rel);
  if (!t && rel && EXTERNAL_FACTS.has(act.type)) t = external(schema, rel);
  const created = (r: Rel, kind: TableInfo['kind']): TableInfo => {
    const table: TableInfo = { rel: r, kind, columns: new Map(), constraints: new Map(), createdIn: ctx.file, createdPending: ctx.pending, createdTxId: ctx.txId };
    schema.tables.set(r.key, table);
    return table;
  };
  switch (act.type) {
    case 'create-table': {
      if (!rel || (act.ifNotExists && t)) break;
      const table = created(rel, act.partitioned ? 'partitioned' : 'table');
      if (act.partitionKey) table.partitionKey = act.partitionKey;
      if (act.partitionOf) table.partitionOf = schema.table(act.partitionOf)?.rel.key ?? act.partitionOf.key;
      for (const c of act.columns) addColumn(table, c);
      for (const c of act.constraints) putConstraint(table, c, true);
      break;
    }
    case 'create-table-as':
    case 'create-matview':
    case 'create-view':
      if (rel && !t) {
        const made = created(rel, act.type === 'create-view' ? 'view' : act.type === 'create-matview' ? 'matview' : 'table');
        if (act.type !== 'create-view' && act.withData) made.filled = true;
      }
      break;
    case 'insert':
      if (t) t.filled = true;
      break;
    case 'drop-table':
    case 'drop-view':
      if (t) dropTable(schema, t);
      break;
    case 'create-index':
      if (rel) {
        const key = `${rel.schema ?? t?.rel.schema ?? 'public'}.${act.name}`;
        schema.indexes.set(key, { name: act.name, table: t?.rel ?? rel, columns: act.columns, unique: act.unique, valid: true, ...(act.refs.length ? { refs: act.refs } : {}) });
      }
      break;
    case 'drop-index': {
      const idx = schema.index(act.index);
      if (idx) for (const [k, v] of schema.indexes) if (v === idx) schema.indexes.delete(k);
      break;
    }
    case 'rename-table':
      if (t && act.newName) {
        const old = t.rel;
        schema.tables.delete(old.key);
        t.rel = relNamed(old, act.newName);
        schema.tables.set(t.rel.key, t);
        // Indexes, foreign keys and partitions refer to the table by OID: they follow the rename.
        for (const i of schema.indexes.values()) if (i.table.key === old.key) i.table = t.rel;
        for (const other of schema.tables.values()) {
          for (const c of other.constraints.values()) if (c.references?.key === old.key) c.references = t.rel;
          if (other.partitionOf === old.key) other.partitionOf = t.rel.key;
        }
      }
      break;
    case 'rename-column':
      if (t && act.column && act.newName) renameColumn(schema, t, act.column, act.newName);
      break;
    case 'rename-object':
      if (act.objectType === 'index' && act.object && act.newName) renameIndex(schema, act.object, act.newName);
      else if (act.objectType === 'type' && act.object && act.newName) renameType(schema, act.object, act.newName);
      else if (act.objectType === 'constraint' && t && act.column && act.newName) {
        const c = t.constraints.get(act.column);
        if (c) { t.constraints.delete(act.column); c.name = act.newName; t.constraints.set(act.newName, c); }
      }
      break;
    case 'add-column':
      if (t && act.columnDef) addColumn(t, act.columnDef);
      break;
    case 'drop-column':
      if (t && act.column) dropColumn(schema, t, act.column);
      break;
    case 'alter-column-type':
      if (t && act.column) { const col = t.columns.get(act.column); if (col) col.type = act.newType; }
      break;
    case 'set-not-null':
    case 'drop-not-null':
      if (t && act.column) { const col = t.columns.get(act.column); if (col) col.notNull = act.type === 'set-not-null'; }
      break;
    case 'set-default':
    case 'drop-default':
      if (t && act.column) { const col = t.columns.get(act.column); if (col) col.hasDefault = act.type === 'set-default'; }
      break;
    case 'add-constraint':
      if (t && act.constraint) {
        const name = putConstraint(t, act.constraint, !act.constraint.notValid, { file: ctx.file, statement: ctx.statement, txId: ctx.txId });
        if (act.constraint.usingIndex) {
          const idx = schema.index(relNamed(t.rel, act.constraint.usingIndex));
          if (idx) t.constraints.get(name)!.columns = idx.columns;
        }
      }
      break;
    case 'validate-constraint':
      if (t && act.constraint?.name) { const c = t.constraints.get(act.constraint.name); if (c) c.validated = true; }
      break;
    case 'drop-constraint':
      if (t && act.constraint?.name) t.constraints.delete(act.constraint.name);
      break;
    case 'attach-partition':
      if (act.role !== 'partition' && t && act.partition) { const p = schema.table(act.partition); if (p) p.partitionOf = t.rel.key; }
      break;
    case 'detach-partition':
      if (act.partition) { const p = schema.table(act.partition); if (p) delete p.partitionOf; }
      break;
    case 'create-type':
      if (act.enumValues && rel) schema.enums.set(rel.key, { rel, values: act.enumValues });
      break;
    case 'alter-enum-add-value': {
      const e = rel && schema.enums.get(rel.key);
      if (!e || !act.value) break;
      const vals = e.values.filter((v) => v !== act.value);
      // ADD VALUE … BEFORE/AFTER places the value next to its neighbour; without one it goes last.
      const at = act.neighbor ? vals.indexOf(act.neighbor) : -1;
      if (e.values.includes(act.value) && !act.neighbor) break;
      if (at >= 0) vals.splice(act.after ? at + 1 : at, 0, act.value);
      else vals.push(act.value);
      e.values = vals;
      break;
    }
    case 'drop-object':
      if ((act.objectType === 'type' || act.objectType === 'domain') && act.object) schema.enums.delete(act.object.key);
      break;
  }
}

function external(schema: SchemaModel, rel: Rel): TableInfo {
  const t: TableInfo = { rel, kind: 'table', columns: new Map(), constraints: new Map() };
  schema.tables.set(rel.key, t);
  return t;
}

/** A table goes with its indexes and, for a partitioned table, its partitions. */
function dropTable(schema: SchemaModel, t: TableInfo): void {
  schema.tables.delete(t.rel.key);
  for (const [k, i] of schema.indexes) if (i.table.key === t.rel.key) schema.indexes.delete(k);
  for (const p of [...schema.tables.values()]) if (p.partitionOf === t.rel.key) dropTable(schema, p);
}

/** A column and the constraints declared inline with it (PRIMARY KEY, UNIQUE, REFERENCES), under Postgres's default names. */
export function addColumn(table: TableInfo, c: ColumnSpec): void {
  table.columns.set(c.name, { name: c.name, type: c.type, notNull: c.notNull, hasDefault: !!c.default });
  const put = (kind: 'primary' | 'unique' | 'foreign', references?: Rel) => {
    const name = (kind === 'foreign' ? c.referencesConstraint?.name : undefined) ?? defaultConstraintName(table.rel.name, kind, [c.name]);
    const refCols = kind === 'foreign' && c.referencesColumns?.length ? { referencedColumns: c.referencesColumns } : {};
    table.constraints.set(name, { name, kind, validated: true, columns: [c.name], ...(references ? { references } : {}), ...refCols });
  };
  if (c.primaryKey) put('primary');
  if (c.unique) put('unique');
  if (c.references) put('foreign', c.references);
}

function putConstraint(t: TableInfo, spec: ConstraintSpec, validated: boolean, addedAt?: { file: string; statement: number; txId: number }): string {
  const name = spec.name ?? defaultConstraintName(t.rel.name, spec.kind, spec.columns);
  t.constraints.set(name, {
    name, kind: spec.kind, validated, columns: spec.columns, notNullColumn: spec.notNullColumn,
    references: spec.references, expr: spec.expr, ...(spec.referencedColumns?.length ? { referencedColumns: spec.referencedColumns } : {}), ...(addedAt ? { addedAt } : {}),
  });
  return name;
}

/** DROP COLUMN drops the indexes and constraints that use the column. */
function dropColumn(schema: SchemaModel, t: TableInfo, column: string): void {
  t.columns.delete(column);
  for (const [k, i] of schema.indexes) {
    if (i.table.key === t.rel.key && (i.columns.includes(column) || (i.refs ?? []).includes(column))) schema.indexes.delete(k);
  }
  for (const [k, c] of t.constraints) if (c.columns.includes(column)) t.constraints.delete(k);
}

/** Indexes and constraints refer to a column by number: they follow the rename. */
function renameColumn(schema: SchemaModel, t: TableInfo, from: string, to: string): void {
  const col = t.columns.get(from);
  if (col) { t.columns.delete(from); col.name = to; t.columns.set(to, col); }
  const swap = (cols: string[]) => cols.map((c) => (c === from ? to : c));
  for (const i of schema.indexes.values()) {
    if (i.table.key !== t.rel.key) continue;
    if (i.columns.includes(from)) i.columns = swap(i.columns);
    if (i.refs?.includes(from)) i.refs = swap(i.refs);
  }
  for (const c of t.constraints.values()) {
    if (c.columns.includes(from)) c.columns = swap(c.columns);
    if (c.notNullColumn === from) c.notNullColumn = to;
  }
}

function renameIndex(schema: SchemaModel, index: Rel, to: string): void {
  const idx = schema.index(index);
  if (!idx) return;
  // Collect first: re-adding under the new key while iterating would visit it again.
  const keys = [...schema.indexes].filter(([, v]) => v === idx).map(([k]) => k);
  idx.name = to;
  for (const k of keys) {
    schema.indexes.delete(k);
    schema.indexes.set(`${k.slice(0, k.lastIndexOf('.'))}.${to}`, idx);
  }
}

function renameType(schema: SchemaModel, type: Rel, to: string): void {
  const e = schema.enums.get(type.key);
  if (e) {
    schema.enums.delete(type.key);
    const key = `${type.schema ?? 'public'}.${to}`;
    schema.enums.set(key, { ...e, rel: { ...e.rel, name: to, key } });
  }
  // Columns refer to a type by OID: they follow the rename.
  for (const t of schema.tables.values()) {
    for (const c of t.columns.values()) {
      if (c.type && c.type.name === type.name && (c.type.schema ?? 'public') === (type.schema ?? 'public')) {
        c.type = { ...c.type, name: to, sql: c.type.sql.replace(type.name, to) };
      }
    }
  }
}
