// What a few rules need from a statement's syntax that is not a fact of what the statement does: the names and
// literals as written, and where they are. Rules reach these through `ctx.syntax` (src/engine/rule.ts), so no
// rule reads the libpg-query tree itself and each need is named and typed here.
import type { SourceStatement } from '../source/index.js';
import { findSecrets, type Secret } from './secrets.js';

type WithSource = { source: SourceStatement };

/** A column named in a column list or SET list, with where its name starts in the file. */
export interface ColumnTarget {
  name: string;
  /** `a.x = …` or `a[1] = …`: assigns part of the column. */
  partial: boolean;
  /** File offset of the name. */
  start: number;
}

export interface ColumnList {
  command: 'INSERT' | 'UPDATE' | 'MERGE … INSERT' | 'MERGE … UPDATE' | 'CREATE TABLE';
  /** `listed`: a column list (INSERT, CREATE TABLE); `assigned`: a SET list (UPDATE). */
  kind: 'listed' | 'assigned';
  columns: ColumnTarget[];
}

/** The table a CREATE TABLE, CREATE TABLE … AS or ALTER TABLE names, as written. */
export interface WrittenTable {
  name: string;
  /** The schema, when the statement writes one. */
  schema?: string;
  temporary: boolean;
  /** File offset of the name (of the schema, when qualified). */
  start: number;
}

function offset(s: SourceStatement, location: unknown): number {
  return typeof location === 'number' && location >= 0 ? s.toOffset(location) : s.start;
}

/**
 * The kind of object the statement names, as written: `table` for `ALTER TABLE`, `index` for `ALTER INDEX`,
 * `matview` for `DROP MATERIALIZED VIEW`, `foreign_table`, `view`, `sequence`, `type` …
 */
export function objectKind(stmt: WithSource): string | undefined {
  const n = stmt.source.node;
  const t = n?.objtype ?? n?.removeType ?? n?.renameType;
  return typeof t === 'string' ? t.replace(/^OBJECT_/, '').toLowerCase() : undefined;
}

/** Every string constant the statement uses (`'refunded'` in `WHERE status = 'refunded'`), at any depth. */
export function stringConstants(stmt: WithSource): Set<string> {
  const out = new Set<string>();
  const visit = (x: any, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 80) return;
    if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
    const sval = x.A_Const?.sval?.sval;
    if (typeof sval === 'string') { out.add(sval); return; }
    for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(stmt.source.node, 0);
  return out;
}

/** The column lists of INSERT, UPDATE, MERGE and CREATE TABLE, each name with its position. */
export function columnLists(stmt: WithSource): ColumnList[] {
  const s = stmt.source;
  const n = s.node;
  if (!n) return [];
  const targets = (list: any[] | undefined): ColumnTarget[] =>
    (list ?? []).map((x) => x?.ResTarget).filter((r) => typeof r?.name === 'string')
      .map((r) => ({ name: r.name, partial: (r.indirection ?? []).length > 0, start: offset(s, r.location) }));
  switch (s.kind) {
    case 'InsertStmt':
      return [{ command: 'INSERT', kind: 'listed', columns: targets(n.cols) }];
    case 'UpdateStmt':
      return [{ command: 'UPDATE', kind: 'assigned', columns: targets(n.targetList) }];
    case 'MergeStmt': {
      const out: ColumnList[] = [];
      for (const w of n.mergeWhenClauses ?? []) {
        const c = w?.MergeWhenClause;
        if (c?.commandType === 'CMD_INSERT') out.push({ command: 'MERGE … INSERT', kind: 'listed', columns: targets(c.targetList) });
        else if (c?.commandType === 'CMD_UPDATE') out.push({ command: 'MERGE … UPDATE', kind: 'assigned', columns: targets(c.targetList) });
      }
      return out;
    }
    case 'CreateStmt': {
      const defs = (n.tableElts ?? []).map((e: any) => e?.ColumnDef).filter((d: any) => typeof d?.colname === 'string');
      return [{ command: 'CREATE TABLE', kind: 'listed', columns: defs.map((d: any) => ({ name: d.colname, partial: false, start: offset(s, d.location) })) }];
    }
    default:
      return [];
  }
}

/** The table named by CREATE TABLE, CREATE TABLE … AS (not a materialized view) and ALTER TABLE (not ALTER INDEX, VIEW …). */
export function writtenTable(stmt: WithSource): WrittenTable | undefined {
  const s = stmt.source;
  const n = s.node;
  let rv: any;
  if (s.kind === 'CreateStmt') rv = n?.relation;
  else if (s.kind === 'CreateTableAsStmt' && n?.objtype === 'OBJECT_TABLE') rv = n.into?.rel;
  else if (s.kind === 'AlterTableStmt' && n?.objtype === 'OBJECT_TABLE') rv = n.relation;
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return { name: rv.relname, schema: rv.schemaname || undefined, temporary: rv.relpersistence === 't', start: s.toOffset(rv.location) };
}

/** Literal credentials the statement writes (role passwords, user mapping options, connection strings, secret settings). */
export function secrets(stmt: WithSource): Secret[] {
  return stmt.source.node ? findSecrets(stmt.source.kind, stmt.source.node) : [];
}

/** The accessors rules get as `ctx.syntax`. */
export const SYNTAX = { objectKind, stringConstants, columnLists, writtenTable, secrets } as const;
export type SyntaxAccessors = typeof SYNTAX;
